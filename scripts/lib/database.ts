// The database a command-line script talks to: DATABASE_URL when set (shared cluster state),
// otherwise the embedded PostgreSQL under .data/postgres.
import path from "node:path";
import { config } from "../../lib/config";
import { startEmbeddedPostgres } from "../../lib/db/embedded";

export const DATA_DIR = path.resolve(config.HOSTPLANE_DATA_DIR ?? path.join(process.cwd(), ".data"));

export async function openDatabase(options: { quiet?: boolean } = {}) {
  const url = config.DATABASE_URL;
  if (url) {
    return { url, embedded: false, stop: async () => {} };
  }
  const db = await startEmbeddedPostgres({
    dataDir: path.join(DATA_DIR, "postgres"),
    log: options.quiet ? undefined : (line) => config.HOSTPLANE_DEBUG && console.error(line),
  });
  return { url: db.url, embedded: true, stop: db.stop };
}
