import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertOperand, joinRemoteCommand, shellQuote } from "./quote";

/** What a remote POSIX shell does with the line ssh sends it: `sh -c <line>`. */
function throughShell(argv: string[]): Buffer {
  return execFileSync("sh", ["-c", joinRemoteCommand(argv)]);
}

const anyString = fc.string({ unit: "binary", maxLength: 64 }).filter((s) => !s.includes("\0"));

describe("shellQuote", () => {
  it("makes the remote shell receive exactly the string, for any string", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(throughShell(["printf", "%s", s]).toString("utf8")).toBe(s);
      }),
      { numRuns: 300 },
    );
  }, 60_000); // spawns 300 real shells: a loaded 2-core machine needs more than the default 5 s

  it("keeps argument boundaries for any list of strings", () => {
    const script = "process.stdout.write(JSON.stringify(process.argv.slice(1)))";
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 5 }), (args) => {
        expect(JSON.parse(throughShell([process.execPath, "-e", script, "--", ...args]).toString("utf8"))).toEqual(
          args,
        );
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it("neutralises classic injection payloads", () => {
    for (const payload of [
      "$(id)",
      "`id`",
      "a; rm -rf /",
      "'",
      '"\'"',
      "$HOME",
      "a\nb",
      "*",
      "~",
      "\\",
      "!!",
      "a'b'c",
    ]) {
      expect(throughShell(["printf", "%s", payload]).toString()).toBe(payload);
    }
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("refuses NUL bytes and empty argv", () => {
    expect(() => shellQuote("a\0b")).toThrow();
    expect(() => joinRemoteCommand([])).toThrow();
  });
});

describe("assertOperand", () => {
  it("rejects operands that would be parsed as options", () => {
    expect(() => assertOperand("-oProxyCommand=x", "host")).toThrow(/must not start/);
    expect(() => assertOperand("--help", "name")).toThrow();
    expect(() => assertOperand("", "name")).toThrow();
    expect(() => assertOperand("a\nb", "name")).toThrow();
    expect(assertOperand("hp-1", "name")).toBe("hp-1");
    expect(assertOperand("/var/lib/x", "path")).toBe("/var/lib/x");
  });
});
