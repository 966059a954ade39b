import { beforeAll, describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box";

beforeAll(() => {
  process.env.HOSTPLANE_SECRET = "unit-test-secret";
});

describe("secret box", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = sealSecret("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n");
    expect(sealed).not.toContain("OPENSSH");
    expect(openSecret(sealed)).toBe("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n");
    expect(sealSecret("x")).not.toBe(sealSecret("x"));
  });

  it("refuses tampered ciphertext and a different key", () => {
    const sealed = sealSecret("secret");
    const parts = sealed.split(":");
    parts[3] = Buffer.from("evil").toString("base64url");
    expect(() => openSecret(parts.join(":"))).toThrow();
    process.env.HOSTPLANE_SECRET = "another";
    expect(() => openSecret(sealed)).toThrow();
    process.env.HOSTPLANE_SECRET = "unit-test-secret";
  });
});
