import { describe, expect, it } from "vitest";
import { ensureRootIdRange, rootHoldsRange } from "./idrange";
import type { NodeCommands } from "../command";

const RANGE = { hostBase: 1_000_000, size: 65_536 };

describe("rootHoldsRange", () => {
  it("accepts a root or uid-0 line that covers the whole range", () => {
    expect(rootHoldsRange("alice:100000:65536\nroot:1000000:65536\n", RANGE)).toBe(true);
    expect(rootHoldsRange("0:1000000:1000000000", RANGE)).toBe(true);
    expect(rootHoldsRange("root:100000:1000000000\n", RANGE)).toBe(true);
  });

  it("refuses other users, partial ranges, garbage and an empty file", () => {
    expect(rootHoldsRange("alice:1000000:65536\n", RANGE)).toBe(false);
    expect(rootHoldsRange("root:1000000:65535\n", RANGE)).toBe(false);
    expect(rootHoldsRange("root:1000001:65536\n", RANGE)).toBe(false);
    expect(rootHoldsRange("root:x:y\n# root:1000000:65536", RANGE)).toBe(false);
    expect(rootHoldsRange("", RANGE)).toBe(false);
  });
});

/** A node whose files live in a map; records the argv of every command. */
function fakeNode(files: Record<string, string>) {
  const calls: string[][] = [];
  const commands = {
    run: async (argv: string[]) => {
      calls.push(argv);
      const file = argv[argv.length - 1];
      return file in files
        ? { code: 0, stdout: files[file], stderr: "" }
        : { code: 1, stdout: "", stderr: "No such file" };
    },
    check: async (argv: string[], options?: { input?: string }) => {
      calls.push(argv);
      const file = argv[argv.length - 1];
      files[file] = (files[file] ?? "") + (options?.input ?? "");
      return { code: 0, stdout: "", stderr: "" };
    },
  } as unknown as NodeCommands;
  return { commands, calls, files };
}

describe("ensureRootIdRange", () => {
  it("appends root's range where it is missing, on a line of its own, and leaves a file that has it", async () => {
    const node = fakeNode({ "/etc/subuid": "alice:100000:65536", "/etc/subgid": "root:1000000:65536\n" });
    await ensureRootIdRange(node.commands, RANGE);
    expect(node.files["/etc/subuid"]).toBe("alice:100000:65536\nroot:1000000:65536\n");
    expect(node.files["/etc/subgid"]).toBe("root:1000000:65536\n");
    expect(node.calls.filter((argv) => argv[0] === "tee")).toEqual([["tee", "-a", "--", "/etc/subuid"]]);
    // A second call finds both and writes nothing.
    await ensureRootIdRange(node.commands, RANGE);
    expect(node.calls.filter((argv) => argv[0] === "tee")).toHaveLength(1);
  });

  it("creates a missing file", async () => {
    const node = fakeNode({});
    await ensureRootIdRange(node.commands, RANGE);
    expect(node.files).toEqual({ "/etc/subuid": "root:1000000:65536\n", "/etc/subgid": "root:1000000:65536\n" });
  });
});
