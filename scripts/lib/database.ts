// The database a command-line script talks to: DATABASE_URL when set (shared cluster state),
// otherwise the embedded PostgreSQL under .data/postgres.
import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded";

export const DATA_DIR = path.resolve(process.env.HOSTPLANE_DATA_DIR ?? path.join(process.cwd(), ".data"));

export async function openDatabase(options: { quiet?: boolean } = {}) {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const db = await startEmbeddedPostgres({
    dataDir: path.join(DATA_DIR, "postgres"),
    log: options.quiet ? undefined : (line) => process.env.HOSTPLANE_DEBUG && console.error(line),
  });
  return { url: db.url, embedded: true, stop: db.stop };
}
