// Integration tests get their own real PostgreSQL: embedded, own port and data directory, wiped per
// run, with every migration applied. Tests read its URL from DATABASE_URL.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";

export default async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hostplane-it-"));
  // The embedded server runs as the `postgres` user, which must reach its data directory.
  (await import("node:fs")).chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), database: "hostplane_test" });
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  // The tests' ingress directory: empty (no Caddy, so route syncs are no-ops) unless a test starts its own
  // Caddy there. Never the panel's .data/caddy, whose Caddy would otherwise receive the test database's routes.
  process.env.HOSTPLANE_INGRESS_DIR = path.join(dir, "caddy");
  // Tests build the templates they need themselves; a background build would load the machine.
  process.env.HOSTPLANE_TEMPLATE_WARM ??= "off";
  return async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
