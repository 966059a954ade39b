// `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database.
import { applyMigrations } from "../lib/db/migrate";
import { openDatabase } from "./lib/database";

async function main() {
  const db = await openDatabase({ quiet: true });
  try {
    const applied = await applyMigrations(db.url);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
  } finally {
    await db.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
