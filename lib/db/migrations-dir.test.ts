import { describe, expect, it } from "vitest";
import { buildMigrationList, migrationDirName, pendingMigrations } from "./migrations-dir";

describe("migration folder helpers", () => {
  it("names folders <UTC timestamp>_<slug>", () => {
    expect(migrationDirName(new Date("2026-11-24T21:05:09Z"), "Add Users & Roles!")).toBe(
      "20261124210509_add_users_roles",
    );
    expect(() => migrationDirName(new Date(), "!!!")).toThrow(/name/);
  });

  it("orders migrations and carries their SQL", () => {
    const list = buildMigrationList({
      baseDir: "/m",
      lockfile: 'provider = "postgresql"\n',
      entries: [
        { dir: "20260102000000_b", sql: "B" },
        { dir: "20260101000000_a", sql: "A" },
      ],
    });
    expect(list.migrationDirectories.map((d) => d.path)).toEqual(["20260101000000_a", "20260102000000_b"]);
    expect(list.migrationDirectories[0].migrationFile.content).toEqual({ tag: "ok", value: "A" });
  });

  it("reports a folder without migration.sql as an error entry and rejects odd folder names", () => {
    const list = buildMigrationList({
      baseDir: "/m",
      lockfile: null,
      entries: [{ dir: "20260101000000_a", sql: null }],
    });
    expect(list.migrationDirectories[0].migrationFile.content.tag).toBe("error");
    expect(() => buildMigrationList({ baseDir: "/m", lockfile: null, entries: [{ dir: "init", sql: "" }] })).toThrow(
      /20250101120000_name/,
    );
  });

  it("lists pending migrations in order", () => {
    expect(
      pendingMigrations(["20260103000000_c", "20260101000000_a", "20260102000000_b"], ["20260101000000_a"]),
    ).toEqual(["20260102000000_b", "20260103000000_c"]);
  });
});
