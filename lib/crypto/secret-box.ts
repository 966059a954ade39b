// Secrets at rest (SSH private keys, generated database credentials): AES-256-GCM with a key
// derived from HOSTPLANE_SECRET. Stored as "v1:<iv>:<tag>:<ciphertext>" in base64url parts.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { config } from "@/lib/config";

function key(): Buffer {
  const secret = config.HOSTPLANE_SECRET;
  if (!secret) throw new Error("HOSTPLANE_SECRET is not set (npm start generates one into .data/secrets.json)");
  // Accept any string: hash it to exactly 32 bytes.
  return createHash("sha256").update(secret).digest();
}

export function sealSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(
    ":",
  );
}

export function openSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("sealed secret has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
