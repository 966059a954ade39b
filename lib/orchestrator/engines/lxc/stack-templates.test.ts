import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { macAddressFor } from "./config";
import { renderEnvFile, renderPostgresInitSql, renderRedisAuthConf, stackContainerFiles } from "./stack-files";
import { isStaleOwner } from "./template-lock";
import { mountsBelow, osTemplateKey, parseAptMirror, removeBuildDir, renderTemplateConfig } from "./template-os";
import type { NodeCommands } from "../command";

describe("apt mirror of the node", () => {
  it("reads the deb822 stanza of the suite, skipping security", () => {
    const deb822 =
      "Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n";
    expect(parseAptMirror({ deb822, suite: "bookworm" })).toBe("http://mirror.example/debian");
  });

  it("falls back to one-line sources, then to nothing", () => {
    expect(
      parseAptMirror({
        sourcesList: "# x\ndeb [arch=amd64] http://m.example/debian bookworm main\n",
        suite: "bookworm",
      }),
    ).toBe("http://m.example/debian");
    expect(
      parseAptMirror({ sourcesList: "deb http://m.example/debian bullseye main\n", suite: "bookworm" }),
    ).toBeNull();
    expect(parseAptMirror({ suite: "bookworm" })).toBeNull();
  });

  it("keys the OS cache by arch and mirror", () => {
    const a = osTemplateKey({ arch: "amd64", mirror: "http://deb.debian.org/debian" });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(osTemplateKey({ arch: "arm64", mirror: "http://deb.debian.org/debian" })).not.toBe(a);
    expect(osTemplateKey({ arch: "amd64", mirror: "http://other/debian" })).not.toBe(a);
  });
});

describe("template container config", () => {
  it("sets init, tmpfs /run and no network of its own", () => {
    const text = renderTemplateConfig({ lxcPath: "/var/lib/hn-1", name: "hpt-nginx-12345678" });
    expect(text).toContain("lxc.rootfs.path = dir:/var/lib/hn-1/hpt-nginx-12345678/rootfs\n");
    expect(text).toContain("lxc.init.cmd = /sbin/hostplane-init\n");
    expect(text).toContain("lxc.net.0.type = empty\n");
    expect(text).toContain("lxc.mount.entry = tmpfs run tmpfs");
  });

  it("gives containers a stable MAC derived from their IP", () => {
    expect(macAddressFor("10.213.253.20")).toBe("02:68:0a:d5:fd:14");
  });
});

describe("build lock staleness", () => {
  const base = { now: 1_000_000_000, dirAgeMs: 1_000, host: "panel-1", alive: (pid: number) => pid === 42 };
  it.each([
    ["live owner on this host", { host: "panel-1", pid: 42, at: 1_000_000_000 - 60_000 }, false],
    ["dead owner on this host", { host: "panel-1", pid: 43, at: 1_000_000_000 - 60_000 }, true],
    ["owner on another host", { host: "panel-2", pid: 43, at: 1_000_000_000 - 60_000 }, false],
    ["owner older than any build", { host: "panel-2", pid: 43, at: 1_000_000_000 - 60 * 60_000 }, true],
  ])("%s", (_label, owner, stale) => {
    expect(isStaleOwner(owner, base)).toBe(stale);
  });

  it("breaks an ownerless lock only after a grace period", () => {
    expect(isStaleOwner(null, base)).toBe(false);
    expect(isStaleOwner(null, { ...base, dirAgeMs: 60_000 })).toBe(true);
  });
});

describe("per-container stack files", () => {
  it("writes the env file with literal single-quoted values", () => {
    expect(renderEnvFile({ B: "it's $HOME", A: "x" })).toBe(
      "# Managed by Hostplane (configureStackContainer)\nA='x'\nB='it'\\''s $HOME'\n",
    );
    expect(() => renderEnvFile({ "BAD-KEY": "x" })).toThrow();
    expect(() => renderEnvFile({ A: "nul\0byte" })).toThrow();
  });

  it("keeps multi-line values (a PEM key in a variable) intact when a shell sources the file", () => {
    const value = "-----BEGIN KEY-----\nline 'two' $HOME `id`\n-----END KEY-----";
    const file = renderEnvFile({ PEM: value, PLAIN: "x" });
    const out = execFileSync("sh", ["-c", 'set -a; eval "$1"; printf %s "$PEM"', "sh", file], { encoding: "utf8" });
    expect(out).toBe(value);
  });

  it("creates or updates the PostgreSQL role and database, one statement per line", () => {
    const sql = renderPostgresInitSql({ user: "app", password: "pw-1", database: "appdb" });
    const lines = sql.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`ALTER ROLE "app" WITH LOGIN PASSWORD 'pw-1'`);
    expect(lines[0]).toContain(`CREATE ROLE "app" WITH LOGIN PASSWORD 'pw-1'`);
    expect(lines[1]).toBe(`CREATE DATABASE "appdb" OWNER "app"`);
    expect(() => renderPostgresInitSql({ user: "Robert'); DROP", password: "x", database: "d" })).toThrow();
  });

  it("picks the files per stack and rejects credentials that could escape their quoting", () => {
    const pg = stackContainerFiles({
      stackId: "postgresql",
      env: { HOSTPLANE_DB_USER: "app", HOSTPLANE_DB_PASSWORD: "Secret_1" },
    });
    expect(pg.map((file) => file.path)).toEqual(["/etc/hostplane/env", "/etc/hostplane/postgresql-init.sql"]);
    expect(pg[1]!.content).toContain(`CREATE DATABASE "app"`);
    expect(pg.every((file) => file.mode === "0600")).toBe(true);
    const redis = stackContainerFiles({ stackId: "redis", env: { REDIS_PASSWORD: "r3dis" } });
    expect(redis[1]).toMatchObject({ path: "/etc/hostplane/redis-auth.conf", content: 'requirepass "r3dis"\n' });
    expect(renderRedisAuthConf(null)).toBe("");
    expect(stackContainerFiles({ stackId: "nodejs", env: {} }).map((file) => file.path)).toEqual([
      "/etc/hostplane/env",
    ]);
    for (const bad of ["a'b", 'a"b', "a$b", "a b", "a\\b"]) {
      expect(() => stackContainerFiles({ stackId: "redis", env: { REDIS_PASSWORD: bad } })).toThrow(/may contain only/);
      expect(() =>
        stackContainerFiles({ stackId: "postgresql", env: { HOSTPLANE_DB_USER: "app", HOSTPLANE_DB_PASSWORD: bad } }),
      ).toThrow(/may contain only/);
    }
  });
});

describe("removeBuildDir", () => {
  const work = "/var/lib/lxc/.hpt-build-hpt-nodejs-1";
  const procMounts = [
    "proc /proc proc rw 0 0",
    `proc ${work}/rootfs/proc proc rw,relatime 0 0`,
    `tmpfs ${work}/rootfs/proc/sys/fs/binfmt_misc tmpfs rw 0 0`,
    `proc ${work}-other/rootfs/proc proc rw 0 0`,
    "",
  ].join("\n");

  it("lists the mounts at or below the directory only, deepest first", () => {
    expect(mountsBelow(procMounts, work)).toEqual([`${work}/rootfs/proc/sys/fs/binfmt_misc`, `${work}/rootfs/proc`]);
    expect(mountsBelow("proc /proc proc rw 0 0\n", work)).toEqual([]);
  });

  it("unmounts what a killed build left mounted before it removes the directory", async () => {
    const calls: string[][] = [];
    const commands = {
      run: async (argv: string[]) => {
        calls.push(argv);
        return { code: 0, stdout: argv[1] === "/proc/mounts" ? procMounts : "", stderr: "" };
      },
      check: async (argv: string[]) => {
        calls.push(argv);
        return { code: 0, stdout: "", stderr: "" };
      },
    } as unknown as NodeCommands;
    await removeBuildDir(commands, work);
    expect(calls).toEqual([
      ["cat", "/proc/mounts"],
      ["umount", "-l", "--", `${work}/rootfs/proc/sys/fs/binfmt_misc`],
      ["umount", "-l", "--", `${work}/rootfs/proc`],
      ["rm", "-rf", "--", work],
    ]);
  });
});
