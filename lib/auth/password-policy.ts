// Password rules after NIST SP 800-63B / OWASP: length over composition, and no well-known passwords.
import { readFileSync } from "node:fs";
import path from "node:path";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  if (!common) {
    const file = path.join(process.cwd(), "lib", "auth", "common-passwords.txt");
    common = new Set(
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#")),
    );
  }
  return common;
}

/** Returns the reason a password is refused, or null when it is acceptable. */
export function checkPassword(raw: string, context: { email?: string; name?: string } = {}): string | null {
  // Judged as it will be hashed (lib/auth/hash normalises to NFKC).
  const password = raw.normalize("NFKC");
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return "This password is one of the most common ones; choose another.";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower === local) return "Do not use your email address as password.";
  if (/^(.)\1+$/.test(password)) return "Do not repeat one character.";
  return null;
}
