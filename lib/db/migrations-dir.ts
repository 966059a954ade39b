// Pure helpers for the standard `prisma/migrations/<timestamp>_<name>/migration.sql` layout.
import type { MigrationDirectory, MigrationList } from "@prisma/schema-engine-wasm";

export const MIGRATION_DIR_PATTERN = /^\d{14}_[a-z0-9_]+$/;

export type MigrationFileEntry = { dir: string; sql: string | null };

/** Builds the engine's migration list from directory entries; rejects names Prisma would not accept. */
export function buildMigrationList(options: {
  baseDir: string;
  entries: MigrationFileEntry[];
  lockfile: string | null;
}): MigrationList {
  const directories: MigrationDirectory[] = [...options.entries]
    .sort((a, b) => a.dir.localeCompare(b.dir))
    .map((entry) => {
      if (!MIGRATION_DIR_PATTERN.test(entry.dir)) {
        throw new Error(`migration folder "${entry.dir}" must look like 20250101120000_name`);
      }
      return {
        path: entry.dir,
        migrationFile: {
          path: "migration.sql",
          content:
            entry.sql === null ? { tag: "error", value: "migration.sql is missing" } : { tag: "ok", value: entry.sql },
        },
      } as MigrationDirectory;
    });
  return {
    baseDir: options.baseDir,
    lockfile: { path: "migration_lock.toml", content: options.lockfile },
    shadowDbInitScript: "",
    migrationDirectories: directories,
  };
}

/** `20251124215400_add_users` from a date and a free-form name. */
export function migrationDirName(now: Date, name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 60);
  if (!slug) throw new Error("a migration needs a name of letters or digits");
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp =
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${stamp}_${slug}`;
}

/** Names on disk that the database has not applied yet, in order. */
export function pendingMigrations(onDisk: string[], applied: string[]): string[] {
  const done = new Set(applied);
  return [...onDisk].sort().filter((name) => !done.has(name));
}
