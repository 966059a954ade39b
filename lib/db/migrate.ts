// Applies and creates migrations through Prisma's schema engine compiled to WebAssembly, talking to
// PostgreSQL through the pg driver adapter. The native schema engine is a download Prisma fetches on
// first use, which offline and air-gapped hosts cannot do; the wasm engine ships in its npm package.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { buildMigrationList } from "./migrations-dir";
import { splitSqlStatements } from "./sql-script";

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma", "migrations");
export const SCHEMA_FILE = path.resolve(process.cwd(), "prisma", "schema.prisma");

type WasmBindings = typeof import("@prisma/schema-engine-wasm");
let bindings: Promise<WasmBindings> | null = null;

// Node 20 cannot `import` a .wasm module without --experimental-wasm-modules, so instantiate it here.
function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    // The engine reports a Rust panic's message through this global before throwing.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => console.error(`schema engine panic: ${message}`),
    };
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const glue = await import(/* webpackIgnore: true */ path.join(dir, "schema_engine_bg.js"));
    const bytes = readFileSync(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return glue as WasmBindings;
  })();
  return bindings;
}

export function readMigrations(dir = MIGRATIONS_DIR) {
  const entries = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => {
          const file = path.join(dir, d.name, "migration.sql");
          return { dir: d.name, sql: existsSync(file) ? readFileSync(file, "utf8") : null };
        })
    : [];
  const lockPath = path.join(dir, "migration_lock.toml");
  const lockfile = existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null;
  return buildMigrationList({ baseDir: dir, entries, lockfile });
}

// The pg adapter rejects PostgreSQL's internal one-byte `"char"` type (OID 18), which the engine meets
// when it describes a schema from pg_catalog (diff against migrations) and reads as a character.
// Let the adapter see text, then label those columns as characters for the engine.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const COLUMN_TYPE_CHARACTER = 6; // ColumnTypeEnum.Character in @prisma/driver-adapter-utils
type Field = { dataTypeID: number };
type Queryable = {
  performIO: (query: unknown) => Promise<{ fields: Field[] }>;
  queryRaw: (query: unknown) => Promise<{ columnTypes: number[] }>;
  startTransaction?: (...args: unknown[]) => Promise<object>;
};
function withCharColumns<T extends object>(queryable: T): T {
  const q = queryable as unknown as Queryable;
  const performIO = q.performIO.bind(q);
  const queryRaw = q.queryRaw.bind(q);
  let charColumns: number[] = [];
  q.performIO = async (query) => {
    const result = await performIO(query);
    charColumns = [];
    result.fields.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID;
        charColumns.push(i);
      }
    });
    return result;
  };
  q.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns) result.columnTypes[i] = COLUMN_TYPE_CHARACTER;
    return result;
  };
  if (q.startTransaction) {
    const start = q.startTransaction.bind(q);
    q.startTransaction = async (...args) => withCharColumns(await start(...args));
  }
  return queryable;
}

// Discrete fields rather than a connection string: the adapter builds its shadow database's pool as
// `{ ...config, database }`, and pg lets a connection string override that `database`.
function poolConfig(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

// The shadow database is dropped while its pool may still hold idle connections; PostgreSQL then
// terminates them and an unhandled pool 'error' event would crash the process.
function quietPool<T extends object>(adapter: T): T {
  const pool = (adapter as { client?: { on?: (event: string, fn: () => void) => void } }).client;
  pool?.on?.("error", () => {});
  return adapter;
}

// The adapter's own shadow database drops the database before closing its pool, which PostgreSQL
// refuses while the pool's sessions are open; close the pool first, then drop.
async function connectShadow(url: string) {
  const config = poolConfig(url);
  const name = `hostplane_shadow_${randomUUID().replace(/-/g, "")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client(config);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const adapter = await new PrismaPg({ ...config, database: name }).connect();
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  return adapter;
}

// The adapter's `executeScript` (what the engine runs a migration file with) splits on every `;`, which
// breaks plpgsql bodies such as trigger functions. Split like PostgreSQL's lexer instead and run each
// statement on the adapter, so errors still arrive as the adapter's typed errors.
type ScriptRunner = {
  executeScript: (script: string) => Promise<void>;
  executeRaw: (query: { sql: string; args: unknown[]; argTypes: unknown[] }) => Promise<number>;
};
export function withStatementSplitting<T extends object>(adapter: T): T {
  const a = adapter as unknown as ScriptRunner;
  a.executeScript = async (script) => {
    for (const sql of splitSqlStatements(script)) await a.executeRaw({ sql, args: [], argTypes: [] });
  };
  return adapter;
}

function createAdapterFactory(url: string) {
  const inner = new PrismaPg(poolConfig(url));
  return bindMigrationAwareSqlAdapterFactory({
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withStatementSplitting(withCharColumns(quietPool(await inner.connect()))),
    connectToShadowDb: async () => withStatementSplitting(withCharColumns(quietPool(await connectShadow(url)))),
  });
}

async function withEngine<T>(url: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadBindings();
  const adapter = createAdapterFactory(url);
  const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

const emptyFilter = { externalTables: [], externalEnums: [] };

/** Applies every migration not yet applied; a second run applies nothing. */
export async function applyMigrations(url: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrationsList = readMigrations(dir);
  const result = await withEngine(url, (engine) => engine.applyMigrations({ migrationsList, filters: emptyFilter }));
  return result.appliedMigrationNames;
}

/** SQL that takes the database described by the migrations folder to the schema file; "" when equal. */
export async function diffMigrationsToSchema(url: string, options: { dir?: string; schemaFile?: string } = {}) {
  const migrationsList = readMigrations(options.dir ?? MIGRATIONS_DIR);
  const schemaFile = options.schemaFile ?? SCHEMA_FILE;
  const result = await withEngine(url, (engine) =>
    engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [{ path: schemaFile, content: readFileSync(schemaFile, "utf8") }] },
      script: true,
      exitCode: null,
      filters: emptyFilter,
    }),
  );
  const sql = (result.stdout ?? "").trim();
  return sql === "-- This is an empty migration." ? "" : sql;
}
