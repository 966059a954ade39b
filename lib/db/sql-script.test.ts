import { describe, expect, it } from "vitest";
import { withStatementSplitting } from "./migrate";
import { splitSqlStatements } from "./sql-script";

const trigger = `-- notify on change
CREATE OR REPLACE FUNCTION hp_notify() RETURNS trigger AS $$
DECLARE
  payload text;
BEGIN
  payload := json_build_object('t', TG_TABLE_NAME, 'op', TG_OP)::text;
  PERFORM pg_notify('hp_events', payload);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hp_env AFTER INSERT ON "Environment" FOR EACH ROW EXECUTE FUNCTION hp_notify();
`;

describe("splitSqlStatements", () => {
  it("keeps a dollar-quoted plpgsql body with semicolons in one statement", () => {
    const statements = splitSqlStatements(trigger);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^-- notify on change\nCREATE OR REPLACE FUNCTION/);
    expect(statements[0]).toMatch(/END;\n\$\$ LANGUAGE plpgsql$/);
    expect(statements[1]).toMatch(/^CREATE TRIGGER hp_env/);
  });

  it.each([
    [
      "plain statements",
      "CREATE TABLE a (x int);\nCREATE TABLE b (y int);",
      ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"],
    ],
    [
      "tagged dollar quotes",
      "DO $body$ BEGIN PERFORM 1; END $body$; SELECT 2",
      ["DO $body$ BEGIN PERFORM 1; END $body$", "SELECT 2"],
    ],
    ["a $$ inside a tagged body", "DO $f$ SELECT '$$;'; $f$; SELECT 3", ["DO $f$ SELECT '$$;'; $f$", "SELECT 3"]],
    [
      "single-quoted text",
      "INSERT INTO t VALUES ('a;b', 'it''s; ok'); SELECT 1",
      ["INSERT INTO t VALUES ('a;b', 'it''s; ok')", "SELECT 1"],
    ],
    ["E-strings with backslash escapes", "SELECT E'a\\';b'; SELECT 2", ["SELECT E'a\\';b'", "SELECT 2"]],
    ["a backslash in a standard string", "SELECT 'a\\'; SELECT 2", ["SELECT 'a\\'", "SELECT 2"]],
    [
      "quoted identifiers",
      'CREATE TABLE "a;b" ("x""; y" int); SELECT 1',
      ['CREATE TABLE "a;b" ("x""; y" int)', "SELECT 1"],
    ],
    ["line comments", "SELECT 1; -- a; comment\nSELECT 2;", ["SELECT 1", "-- a; comment\nSELECT 2"]],
    ["nested block comments", "SELECT /* a; /* b; */ c; */ 1; SELECT 2", ["SELECT /* a; /* b; */ c; */ 1", "SELECT 2"]],
    [
      "positional parameters and $ in identifiers",
      "PREPARE p AS SELECT $1; SELECT a$b$ FROM t",
      ["PREPARE p AS SELECT $1", "SELECT a$b$ FROM t"],
    ],
    ["comment-only and empty pieces", ";;\n-- trailing comment\n/* x */", []],
  ])("%s", (_name, sql, expected) => {
    expect(splitSqlStatements(sql)).toEqual(expected);
  });
});

describe("withStatementSplitting", () => {
  it("runs each statement of a script on the adapter, in order, and stops at the first error", async () => {
    const ran: string[] = [];
    const adapter = {
      executeScript: async (_script: string): Promise<void> => {
        throw new Error("the adapter's splitter must not be used");
      },
      executeRaw: async (query: { sql: string; args: unknown[] }) => {
        expect(query.args).toEqual([]);
        ran.push(query.sql);
        if (query.sql.startsWith("BAD")) throw new Error("syntax error");
        return 0;
      },
    };
    withStatementSplitting(adapter);
    await adapter.executeScript(trigger);
    expect(ran).toHaveLength(2);
    await expect(adapter.executeScript("SELECT 1; BAD; SELECT 2")).rejects.toThrow("syntax error");
    expect(ran.slice(2)).toEqual(["SELECT 1", "BAD"]);
  });
});
