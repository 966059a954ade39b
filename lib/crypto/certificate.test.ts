// Certificates made by the real openssl, checked as an owner's upload would be.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkCertificate } from "./certificate";

const dir = mkdtempSync(path.join(os.tmpdir(), "hp-cert-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function selfSigned(name: string, san: string) {
  const key = path.join(dir, `${name}.key`);
  const crt = path.join(dir, `${name}.crt`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      crt,
      "-days",
      "30",
      "-subj",
      `/CN=${name}`,
      "-addext",
      `subjectAltName=${san}`,
    ],
    { stdio: "ignore" },
  );
  return { certificatePem: readFileSync(crt, "utf8"), keyPem: readFileSync(key, "utf8") };
}

const shop = selfSigned("shop.example.test", "DNS:shop.example.test");
const other = selfSigned("other.example.test", "DNS:*.other.example.test");

describe("checkCertificate", () => {
  it("accepts a chain whose key matches, covering the domain, valid now", () => {
    const r = checkCertificate({ domain: "shop.example.test", ...shop });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.notAfter.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it("accepts a wildcard certificate for a name it covers", () => {
    expect(checkCertificate({ domain: "a.other.example.test", ...other }).ok).toBe(true);
  });

  it("refuses a key of another certificate", () => {
    expect(
      checkCertificate({ domain: "shop.example.test", certificatePem: shop.certificatePem, keyPem: other.keyPem }),
    ).toEqual({ ok: false, field: "keyPem", message: "This key does not belong to the certificate." });
  });

  it("refuses a certificate that does not cover the domain", () => {
    expect(checkCertificate({ domain: "www.example.test", ...shop })).toMatchObject({
      ok: false,
      field: "certificatePem",
    });
  });

  it("refuses an expired certificate", () => {
    const later = new Date(Date.now() + 60 * 86_400_000);
    expect(checkCertificate({ domain: "shop.example.test", ...shop, now: later })).toMatchObject({
      ok: false,
      field: "certificatePem",
      message: expect.stringMatching(/^The certificate expired on /),
    });
  });

  it("refuses text that is no PEM", () => {
    expect(
      checkCertificate({ domain: "shop.example.test", certificatePem: "hello", keyPem: shop.keyPem }),
    ).toMatchObject({
      ok: false,
      field: "certificatePem",
    });
    expect(
      checkCertificate({ domain: "shop.example.test", certificatePem: shop.certificatePem, keyPem: "nope" }),
    ).toMatchObject({ ok: false, field: "keyPem" });
  });
});
