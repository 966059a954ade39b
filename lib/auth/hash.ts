// argon2id at OWASP's recommended minimum or above: m = 19 MiB, t = 2, p = 1.
import { hash, verify } from "@node-rs/argon2";

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Passwords are Unicode-normalised (NFKC) before hashing and verifying, so "é" typed as one code point or
 * as e + combining accent, or a full-width digit, is the same password on every keyboard. ASCII is
 * unchanged by NFKC, so hashes made before normalisation keep verifying for ASCII passwords.
 */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalisePassword(password), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalisePassword(password));
  } catch {
    return false;
  }
}

// Verifying against a fixed hash when the account does not exist keeps the response time the same,
// so timing does not reveal which emails have accounts.
let dummy: Promise<string> | null = null;
export async function burnVerifyTime(password: string): Promise<void> {
  dummy ??= hashPassword("hostplane-timing-equaliser");
  await verifyPassword(await dummy, password);
}
