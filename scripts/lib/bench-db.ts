// A throw-away embedded PostgreSQL for benchmarks and soak runs: own data directory, migrated.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";

export async function startScratchDatabase(prefix: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `hostplane-${prefix}-`));
  chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), database: "hostplane" });
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  process.env.HOSTPLANE_SECRET ??= "scratch-secret";
  return {
    url: db.url,
    stop: async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
