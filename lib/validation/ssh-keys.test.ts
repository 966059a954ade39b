import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSshPublicKey } from "./ssh-keys";

let n = 0;
const dir = mkdtempSync(path.join(os.tmpdir(), "hp-sshkey-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generate(type: string, bits?: number) {
  const file = path.join(dir, `k-${type}-${bits ?? 0}-${n++}`);
  execFileSync("ssh-keygen", [
    "-q",
    "-t",
    type,
    ...(bits ? ["-b", String(bits)] : []),
    "-N",
    "",
    "-C",
    `me@${type}`,
    "-f",
    file,
  ]);
  const pub = readFileSync(`${file}.pub`, "utf8");
  const listed = execFileSync("ssh-keygen", ["-lf", `${file}.pub`], { encoding: "utf8" }).trim();
  return { pub, listed };
}

describe("parseSshPublicKey", () => {
  it.each([
    ["ed25519", undefined, 256],
    ["rsa", 2048, 2048],
    ["rsa", 3072, 3072],
    ["ecdsa", 256, 256],
    ["ecdsa", 384, 384],
    ["ecdsa", 521, 521],
  ])("accepts %s %s and matches ssh-keygen -lf", (type, bits, expectBits) => {
    const { pub, listed } = generate(type, bits);
    const key = parseSshPublicKey(pub);
    // "256 SHA256:abc… me@ed25519 (ED25519)"
    const [lBits, lFingerprint] = listed.split(" ");
    expect(key.fingerprint).toBe(lFingerprint);
    expect(key.bits).toBe(Number(lBits));
    expect(key.bits).toBe(expectBits);
    expect(key.comment).toBe(`me@${type}`);
  });

  it("refuses RSA keys under 2048 bits", () => {
    const { pub } = generate("rsa", 1024);
    expect(() => parseSshPublicKey(pub)).toThrow(/at least 2048 bits; this one has 1024/);
  });

  it("refuses a blob that decodes to another type", () => {
    const { pub } = generate("ed25519");
    const blob = pub.split(" ")[1];
    expect(() => parseSshPublicKey(`ssh-rsa ${blob}`)).toThrow(/data is a ssh-ed25519 key/);
  });

  it.each([
    ["", /Paste one public key line/],
    ["ssh-dss AAAAB3NzaC1kc3MAAACBAP", /Unsupported key type/],
    ["ssh-ed25519 not*base64", /not valid base64/],
    ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq", /base64|truncated/],
    ["-----BEGIN OPENSSH PRIVATE KEY----- abc", /private key|Unsupported/],
  ])("refuses %j", (line, message) => {
    expect(() => parseSshPublicKey(line)).toThrow(message);
  });

  it("refuses trailing data", () => {
    const { pub } = generate("ed25519");
    const blob = Buffer.concat([Buffer.from(pub.split(" ")[1], "base64"), Buffer.from([0, 0, 0, 0])]).toString(
      "base64",
    );
    expect(() => parseSshPublicKey(`ssh-ed25519 ${blob}`)).toThrow(/trailing data/);
  });
});
