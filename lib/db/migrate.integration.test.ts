import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { applyMigrations, diffMigrationsToSchema, MIGRATIONS_DIR } from "./migrate";
import { listPendingMigrations } from "./migration-status";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function secondServer(): Promise<EmbeddedDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hostplane-it2-"));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), database: "other" });
  cleanups.push(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

describe("migrations through the wasm schema engine", () => {
  it("the test database is fully migrated and a second apply is a no-op", async () => {
    const url = process.env.DATABASE_URL!;
    expect(await listPendingMigrations(url)).toEqual([]);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("prisma/schema.prisma and prisma/migrations agree (no migration is missing)", async () => {
    expect(await diffMigrationsToSchema(process.env.DATABASE_URL!)).toBe("");
  });

  it("applies every migration to a separate server given by URL, then nothing more", async () => {
    const server = await secondServer();
    expect(await listPendingMigrations(server.url)).not.toEqual([]);
    const applied = await applyMigrations(server.url);
    expect(applied.length).toBeGreaterThan(0);
    expect(await applyMigrations(server.url)).toEqual([]);
    expect(await listPendingMigrations(server.url)).toEqual([]);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const tables = await client.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('User','HardwareNode','Operation','AuditEvent')",
    );
    await client.end();
    expect(tables.rows[0].n).toBe(4);
  }, 60_000);

  it("scripts use DATABASE_URL when it is set instead of starting the embedded server", async () => {
    const server = await secondServer();
    await applyMigrations(server.url);
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = server.url;
    try {
      const { openDatabase } = await import("../../scripts/lib/database");
      const opened = await openDatabase({ quiet: true });
      expect(opened).toMatchObject({ url: server.url, embedded: false });
      const { PrismaClient } = await import("../generated/prisma/client");
      const { PrismaPg } = await import("@prisma/adapter-pg");
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: opened.url }) });
      await prisma.region.create({ data: { name: "via-url" } });
      expect(await prisma.region.count({ where: { name: "via-url" } })).toBe(1);
      await prisma.$disconnect();
    } finally {
      process.env.DATABASE_URL = saved;
    }
  }, 60_000);

  it("applies a migration with a plpgsql body (semicolons inside $$) as one statement", async () => {
    const server = await secondServer();
    const dir = mkdtempSync(path.join(os.tmpdir(), "hostplane-mig-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(path.join(MIGRATIONS_DIR, "migration_lock.toml"), path.join(dir, "migration_lock.toml"));
    mkdirSync(path.join(dir, "20990101000000_plpgsql"));
    writeFileSync(
      path.join(dir, "20990101000000_plpgsql", "migration.sql"),
      `CREATE TABLE "T" ("id" int PRIMARY KEY, "n" int NOT NULL DEFAULT 0);
CREATE FUNCTION bump() RETURNS trigger AS $$
BEGIN
  NEW."n" := NEW."n" + 1; -- a; comment
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER t_bump BEFORE INSERT ON "T" FOR EACH ROW EXECUTE FUNCTION bump();
`,
    );
    expect(await applyMigrations(server.url, dir)).toEqual(["20990101000000_plpgsql"]);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`INSERT INTO "T" ("id") VALUES (1)`);
    const row = await client.query(`SELECT "n" FROM "T"`);
    await client.end();
    expect(row.rows[0].n).toBe(1);
  }, 60_000);
});
