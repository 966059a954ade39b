// SSH public keys in OpenSSH's one-line format ("type base64 [comment]"). The blob is decoded and
// checked against the named type, so a key that only looks right (a pasted private key, a
// truncated blob, an RSA modulus under 2048 bits) is refused before it reaches the database.
import { createHash } from "node:crypto";
import { z } from "zod";

export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export type ParsedSshKey = {
  type: SshKeyType;
  bits: number;
  blob: Buffer;
  comment: string;
  fingerprint: string;
  normalized: string;
};

/** Reads SSH wire-format `string`s (uint32 length + bytes) from a blob. */
class WireReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer {
    if (this.offset + 4 > this.buf.length) throw new Error("truncated");
    const len = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    if (len > this.buf.length - this.offset) throw new Error("truncated");
    const out = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return out;
  }
  get done() {
    return this.offset === this.buf.length;
  }
}

const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const ECDSA_BITS: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]));
}

/** ssh-keygen -lf's fingerprint: SHA-256 of the blob, base64 without padding. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Parses and verifies one public key line; throws an Error whose message a user can read. */
export function parseSshPublicKey(line: string): ParsedSshKey {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2 || !parts[0] || !parts[1])
    throw new Error(
      "Paste one public key line: type, key and an optional comment (e.g. the contents of ~/.ssh/id_ed25519.pub).",
    );
  const [type, b64, ...rest] = parts;
  if (/PRIVATE KEY/.test(line)) throw new Error("This is a private key. Paste the public key (the .pub file) instead.");
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type))
    throw new Error(
      `Unsupported key type "${type.slice(0, 40)}": use ssh-ed25519, ssh-rsa (2048 bits or more) or ecdsa-sha2-nistp256/384/521.`,
    );
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error("The key is not valid base64.");
  const blob = Buffer.from(b64, "base64");
  let bits: number;
  try {
    const r = new WireReader(blob);
    const inner = r.string().toString("latin1");
    if (inner !== type)
      throw new Error(`The key says "${type}" but its data is a ${inner.slice(0, 40) || "different"} key.`);
    if (type === "ssh-ed25519") {
      if (r.string().length !== 32) throw new Error("An ed25519 key is 32 bytes.");
      bits = 256;
    } else if (type === "ssh-rsa") {
      const e = r.string();
      const n = r.string();
      if (bitLength(e) === 0) throw new Error("The RSA exponent is empty.");
      bits = bitLength(n);
      if (bits < 2048) throw new Error(`RSA keys need at least 2048 bits; this one has ${bits}.`);
    } else {
      const curve = type.slice("ecdsa-sha2-".length);
      if (r.string().toString("latin1") !== curve) throw new Error(`The key's curve does not match ${curve}.`);
      const q = r.string();
      if (q.length !== ECDSA_POINT_BYTES[curve] || q[0] !== 4)
        throw new Error(`The ${curve} point has the wrong size.`);
      bits = ECDSA_BITS[curve];
    }
    if (!r.done) throw new Error("The key has trailing data.");
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message === "truncated" ? "The key data is truncated." : message);
  }
  const comment = rest.join(" ").slice(0, 200);
  return {
    type: type as SshKeyType,
    bits,
    blob,
    comment,
    fingerprint: sshFingerprint(blob),
    normalized: [type, b64, comment].filter(Boolean).join(" "),
  };
}

export const ZAddSshKeyInput = z.object({
  name: z.string().trim().max(64, "Use at most 64 characters.").optional().default(""),
  publicKey: z.string().trim().min(1, "Paste a public key.").max(16_384, "That is too long for a public key."),
});
export type AddSshKeyInput = z.infer<typeof ZAddSshKeyInput>;

export const ZRemoveSshKeyInput = z.object({ keyId: z.string().min(1).max(64) });
export type RemoveSshKeyInput = z.infer<typeof ZRemoveSshKeyInput>;
