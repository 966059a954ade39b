// Secrets generated on first start into the data directory (mode 0600) when not given by env.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

type Secrets = { nextauthSecret: string; hostplaneSecret: string };

export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<Secrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets: Secrets = {
    nextauthSecret: stored.nextauthSecret ?? randomBytes(32).toString("base64url"),
    hostplaneSecret: stored.hostplaneSecret ?? randomBytes(32).toString("base64"),
  };
  if (stored.nextauthSecret !== secrets.nextauthSecret || stored.hostplaneSecret !== secrets.hostplaneSecret) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}
