import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, lstatSync, rmSync, symlinkSync, writeFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeCommands } from "../command";
import { assertLayerPath, packLayerFiles, writeLayerFiles } from "./layer-files";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hp-layer-"));
  dirs.push(dir);
  return dir;
}

/** Unpacks with the system's GNU tar, as the node does (minus the id mapping). */
function unpack(archive: Buffer, dir: string): void {
  execFileSync("tar", ["-x", "-f", "-", "-C", dir, "--numeric-owner", "--no-overwrite-dir"], { input: archive });
}

describe("packLayerFiles", () => {
  it("makes a tar that GNU tar unpacks into the files, parents and modes given", async () => {
    const dir = scratch();
    unpack(
      await packLayerFiles([
        { path: "delta/etc/hosts", content: "10.0.0.2 web\n", mode: "0644" },
        { path: "delta/etc/hostplane/env", content: "A='1'\n", mode: "0600" },
        { path: "delta/etc/init.d/rcS", content: "#!/bin/sh\n", mode: "0755" },
      ]),
      dir,
    );
    expect(readFileSync(`${dir}/delta/etc/hosts`, "utf8")).toBe("10.0.0.2 web\n");
    expect(readFileSync(`${dir}/delta/etc/hostplane/env`, "utf8")).toBe("A='1'\n");
    expect(statSync(`${dir}/delta/etc/hostplane/env`).mode & 0o777).toBe(0o600);
    expect(statSync(`${dir}/delta/etc/init.d/rcS`).mode & 0o777).toBe(0o755);
    expect(statSync(`${dir}/delta/etc/hosts`).uid).toBe(0);
    expect(statSync(`${dir}/delta/etc/hostplane`).isDirectory()).toBe(true);
  });

  it("replaces a symlink planted where a file goes instead of writing through it", async () => {
    const dir = scratch();
    const outside = `${dir}/outside`;
    writeFileSync(outside, "untouched\n");
    mkdirSync(`${dir}/layer/etc`, { recursive: true });
    symlinkSync(outside, `${dir}/layer/etc/hosts`);
    unpack(await packLayerFiles([{ path: "etc/hosts", content: "new\n", mode: "0644" }]), `${dir}/layer`);
    expect(readFileSync(outside, "utf8")).toBe("untouched\n");
    expect(lstatSync(`${dir}/layer/etc/hosts`).isSymbolicLink()).toBe(false);
    expect(readFileSync(`${dir}/layer/etc/hosts`, "utf8")).toBe("new\n");
  });

  it("keeps multi-byte content intact", async () => {
    const dir = scratch();
    unpack(await packLayerFiles([{ path: "f", content: "größe ✓\n", mode: "0644" }]), dir);
    expect(readFileSync(`${dir}/f`, "utf8")).toBe("größe ✓\n");
  });

  it("refuses a bad mode", async () => {
    await expect(packLayerFiles([{ path: "f", content: "", mode: "rwx" }])).rejects.toThrow(/invalid mode/);
  });
});

describe("assertLayerPath", () => {
  it("accepts relative paths of plain segments", () => {
    expect(assertLayerPath("delta/etc/hostplane/postgresql-init.sql")).toBe("delta/etc/hostplane/postgresql-init.sql");
  });

  it.each(["", "/etc/hosts", "../etc/hosts", "delta/../../x", "./etc", "etc//hosts", "-C", "etc/ho sts", "a\nb"])(
    "refuses %j",
    (bad) => {
      expect(() => assertLayerPath(bad)).toThrow(/invalid layer file path/);
    },
  );
});

describe("writeLayerFiles", () => {
  it("unpacks one archive as the container's root, in the directory given", async () => {
    const calls: { argv: string[]; input: unknown }[] = [];
    const commands = {
      check: async (argv: string[], options: { input?: unknown }) => {
        calls.push({ argv, input: options.input });
        return { code: 0, stdout: "", stderr: "" };
      },
    } as unknown as NodeCommands;
    await writeLayerFiles({
      commands,
      idmap: { hostBase: 1_000_000, size: 65_536 },
      dir: "/var/lib/lxc/hp-a/disk/delta",
      files: [
        { path: "etc/hosts", content: "x\n", mode: "0644" },
        { path: "etc/hostname", content: "hp-a\n", mode: "0644" },
      ],
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv).toEqual([
      "lxc-usernsexec",
      "-m",
      "b:0:1000000:65536",
      "--",
      "tar",
      "-x",
      "-f",
      "-",
      "-C",
      "/var/lib/lxc/hp-a/disk/delta",
      "--numeric-owner",
      "--no-overwrite-dir",
    ]);
    const dir = scratch();
    unpack(calls[0]!.input as Buffer, dir);
    expect(readFileSync(`${dir}/etc/hostname`, "utf8")).toBe("hp-a\n");
  });

  it("runs nothing for no files and refuses a directory that reads as an option", async () => {
    const commands = {
      check: async () => {
        throw new Error("must not run");
      },
    } as unknown as NodeCommands;
    await writeLayerFiles({ commands, idmap: { hostBase: 1, size: 1 }, dir: "/x", files: [] });
    await expect(
      writeLayerFiles({
        commands,
        idmap: { hostBase: 1, size: 1 },
        dir: "-x",
        files: [{ path: "f", content: "", mode: "0644" }],
      }),
    ).rejects.toThrow(/must not start with "-"/);
  });
});
