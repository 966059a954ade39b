// Temporary passwords an admin hands over (read aloud, pasted into a chat): 4 groups of 5 characters
// from an alphabet without look-alikes (no 0/o, 1/l/i), ~98 bits from the operating system's CSPRNG.
// Valid for one sign-in within TEMPORARY_PASSWORD_TTL_MS; that sign-in can only set a new password.
import { randomInt } from "node:crypto";

const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
export const TEMPORARY_PASSWORD_TTL_MS = 24 * 60 * 60 * 1000;
export const TEMPORARY_PASSWORD_PATTERN = /^[a-hjkmnp-z2-9]{5}(-[a-hjkmnp-z2-9]{5}){3}$/;

export function newTemporaryPassword(random: (max: number) => number = randomInt): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = "";
    for (let i = 0; i < 5; i++) group += ALPHABET[random(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}
