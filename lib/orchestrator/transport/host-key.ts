import { createHash } from "node:crypto";
import { runFile } from "./local-runner";
import { assertOperand } from "./quote";

export interface HostKey {
  /** e.g. "ssh-ed25519" */
  type: string;
  /** base64 key blob as printed by ssh-keyscan */
  key: string;
  /** "SHA256:…" exactly as `ssh-keygen -lf` and the ssh client print it */
  fingerprint: string;
}

/** Preference when a node offers several keys: the strongest, most common first. */
const KEY_TYPE_ORDER = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "ssh-rsa",
];

export function fingerprintOf(keyBase64: string): string {
  const digest = createHash("sha256").update(Buffer.from(keyBase64, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

/** The known_hosts host pattern ssh looks up: bare host on port 22, "[host]:port" otherwise. */
export function knownHostsPattern(options: { host: string; port: number }): string {
  return options.port === 22 ? options.host : `[${options.host}]:${options.port}`;
}

/** Parses ssh-keyscan output ("host type base64" lines, comments start with #). */
export function parseKeyscanOutput(stdout: string): HostKey[] {
  const keys: HostKey[] = [];
  for (const line of stdout.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [, type, key] = trimmed.split(/\s+/);
    if (!type || !key || !/^[A-Za-z0-9+/=]+$/.test(key)) continue;
    keys.push({ type, key, fingerprint: fingerprintOf(key) });
  }
  const rank = (type: string) => {
    const index = KEY_TYPE_ORDER.indexOf(type);
    return index === -1 ? KEY_TYPE_ORDER.length : index;
  };
  return keys.sort((a, b) => rank(a.type) - rank(b.type));
}

/**
 * Fetches a node's host key so an admin can compare its fingerprint with the one the node
 * shows locally (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`) before enrolling it.
 * Nothing is trusted until the admin confirms; the confirmed key is then the only key the
 * SshRunner accepts.
 */
export async function scanHostKey(options: {
  host: string;
  port?: number;
  timeoutMs?: number;
}): Promise<HostKey & { all: HostKey[] }> {
  const host = assertOperand(options.host, "host");
  const port = options.port ?? 22;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const result = await runFile(["ssh-keyscan", "-T", seconds, "-p", String(port), "--", host], {
    timeoutMs: timeoutMs + 2_000,
  });
  const all = parseKeyscanOutput(result.stdout);
  const best = all[0];
  if (!best) throw new Error(`ssh-keyscan returned no host key for ${host}:${port} (exit ${result.code})`);
  return { ...best, all };
}
