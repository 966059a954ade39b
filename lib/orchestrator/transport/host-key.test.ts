import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fingerprintOf, knownHostsPattern, parseKeyscanOutput } from "./host-key";

describe("host keys", () => {
  it("computes the same SHA256 fingerprint as ssh-keygen -lf", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hp-hk-"));
    try {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
      const [, key] = readFileSync(path.join(dir, "k.pub"), "utf8").split(" ");
      const expected = execFileSync("ssh-keygen", ["-lf", path.join(dir, "k.pub")])
        .toString()
        .split(" ")[1];
      expect(fingerprintOf(key!)).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("parses ssh-keyscan output and prefers ed25519", () => {
    const keys = parseKeyscanOutput(
      "# 127.0.0.1:22 SSH-2.0-OpenSSH_9.2\n[127.0.0.1]:2222 ssh-rsa AAAAB3NzaC1yc2E=\n[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\ngarbage\n",
    );
    expect(keys.map((k) => k.type)).toEqual(["ssh-ed25519", "ssh-rsa"]);
    expect(keys[0]!.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]+$/);
  });

  it("writes known_hosts patterns as ssh looks them up", () => {
    expect(knownHostsPattern({ host: "10.0.0.5", port: 22 })).toBe("10.0.0.5");
    expect(knownHostsPattern({ host: "127.0.0.1", port: 2222 })).toBe("[127.0.0.1]:2222");
  });
});
