// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
// SQL that takes the current migrations to prisma/schema.prisma (computed by the wasm schema engine).
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { diffMigrationsToSchema, MIGRATIONS_DIR } from "../lib/db/migrate";
import { migrationDirName } from "../lib/db/migrations-dir";
import { openDatabase } from "./lib/database";

async function main() {
  const name = process.argv.slice(2).join(" ").trim();
  if (!name) {
    console.error("usage: npm run db:migration -- <name>");
    process.exit(2);
  }
  const db = await openDatabase({ quiet: true });
  try {
    const lock = path.join(MIGRATIONS_DIR, "migration_lock.toml");
    if (!existsSync(lock)) {
      mkdirSync(MIGRATIONS_DIR, { recursive: true });
      writeFileSync(lock, 'provider = "postgresql"\n');
    }
    const sql = await diffMigrationsToSchema(db.url);
    if (!sql) {
      console.log("schema and migrations agree: no migration written");
      return;
    }
    const dir = path.join(MIGRATIONS_DIR, migrationDirName(new Date(), name));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  } finally {
    await db.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
