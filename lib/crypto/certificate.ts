// Bring-your-own certificates for custom domains, checked with node:crypto before anything is stored:
// the chain parses (leaf first), the key is the leaf's, the leaf covers the domain, and it is valid now.
import { X509Certificate, createPrivateKey } from "node:crypto";

export type CertificateCheck =
  | { ok: true; notAfter: Date; subject: string; chainPem: string }
  | { ok: false; field: "certificatePem" | "keyPem"; message: string };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function checkCertificate(options: {
  domain: string;
  certificatePem: string;
  keyPem: string;
  now?: Date;
}): CertificateCheck {
  const blocks = options.certificatePem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0)
    return { ok: false, field: "certificatePem", message: "Paste the certificate chain in PEM (leaf first)." };
  let chain: X509Certificate[];
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch {
    return { ok: false, field: "certificatePem", message: "The certificate chain is not valid PEM." };
  }
  let key;
  try {
    key = createPrivateKey(options.keyPem);
  } catch {
    return { ok: false, field: "keyPem", message: "The private key is not a valid unencrypted PEM key." };
  }
  const leaf = chain[0]!;
  if (!leaf.checkPrivateKey(key))
    return { ok: false, field: "keyPem", message: "This key does not belong to the certificate." };
  if (!leaf.checkHost(options.domain))
    return { ok: false, field: "certificatePem", message: `The certificate does not cover ${options.domain}.` };
  const now = options.now ?? new Date();
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() <= now.getTime())
    return {
      ok: false,
      field: "certificatePem",
      message: `The certificate expired on ${notAfter.toISOString().slice(0, 10)}.`,
    };
  if (new Date(leaf.validFrom).getTime() > now.getTime())
    return { ok: false, field: "certificatePem", message: "The certificate is not valid yet." };
  return { ok: true, notAfter, subject: leaf.subject, chainPem: blocks.join("\n") + "\n" };
}
