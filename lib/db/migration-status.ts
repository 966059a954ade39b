// Whether every migration on disk is applied; plain SQL, no schema engine. /api/health asks through the
// panel's shared pool (pendingMigrationsOnPool); scripts may use a one-off connection (listPendingMigrations).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { MIGRATION_DIR_PATTERN, pendingMigrations } from "./migrations-dir";

function migrationNamesOnDisk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && MIGRATION_DIR_PATTERN.test(d.name))
    .map((d) => d.name);
}

/** Names of migrations on disk that the database has not recorded as finished. */
export async function listPendingMigrations(
  url: string,
  dir = path.resolve(process.cwd(), "prisma", "migrations"),
): Promise<string[]> {
  const onDisk = migrationNamesOnDisk(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query("SELECT to_regclass('_prisma_migrations') AS t");
    if (!table.rows[0]?.t) return onDisk;
    const rows = await client.query(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    return pendingMigrations(
      onDisk,
      rows.rows.map((r: { migration_name: string }) => r.migration_name),
    );
  } finally {
    await client.end();
  }
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;
let namesOnDisk: string[] | null = null;

/** Same answer through an existing connection pool (the migrations on disk are read once per process). */
export async function pendingMigrationsOnPool(
  query: Query,
  dir = path.resolve(process.cwd(), "prisma", "migrations"),
): Promise<string[]> {
  namesOnDisk ??= migrationNamesOnDisk(dir);
  const table = await query("SELECT to_regclass('_prisma_migrations')::text AS t");
  if (!table[0]?.t) return namesOnDisk;
  const rows = await query(
    "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
  );
  return pendingMigrations(
    namesOnDisk,
    rows.map((r) => String(r.migration_name)),
  );
}
