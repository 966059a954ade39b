// The one place that creates the Prisma clients. DATABASE_URL is set by scripts/serve.ts (embedded
// PostgreSQL) or by the operator (a shared server for several panel instances and workers).
//
// Two pools per process: the panel's (requests, server actions) and the worker's. Code running
// inside `runOnWorkerPool` (every job, loop and step of lib/worker) reaches the worker's pool through
// the same `db`, so a worker converging hundreds of operations never queues the panel's requests
// behind its own queries, and the other way round.
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { config } from "../config";

type Pool = "panel" | "worker";

const globalForDb = globalThis as unknown as {
  hostplaneDb?: PrismaClient;
  hostplaneWorkerDb?: PrismaClient;
  hostplanePool?: AsyncLocalStorage<Pool>;
};
const poolContext = (globalForDb.hostplanePool ??= new AsyncLocalStorage<Pool>());

function createClient(max: number): PrismaClient {
  const url = config.DATABASE_URL;
  if (!url)
    throw new Error("DATABASE_URL is not set: start Hostplane with `npm start` (embedded PostgreSQL) or set it");
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
}

function current(): PrismaClient {
  if (poolContext.getStore() === "worker")
    return (globalForDb.hostplaneWorkerDb ??= createClient(config.HOSTPLANE_WORKER_DB_POOL));
  return (globalForDb.hostplaneDb ??= createClient(config.HOSTPLANE_DB_POOL));
}

/** Lazily created so that importing this module during `next build` needs no database. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = current();
    const value = Reflect.get(client, property);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

/** Runs `work` (and everything it awaits or schedules) on the worker's connection pool. */
export function runOnWorkerPool<T>(work: () => T): T {
  return poolContext.run("worker", work);
}

/** Which pool `db` resolves to here (tests and diagnostics). */
export function currentPool(): Pool {
  return poolContext.getStore() ?? "panel";
}

export async function disconnectDb(): Promise<void> {
  for (const key of ["hostplaneDb", "hostplaneWorkerDb"] as const) {
    const client = globalForDb[key];
    if (client) {
      globalForDb[key] = undefined;
      await client.$disconnect();
    }
  }
}

export type { PrismaClient };
export * as Db from "../generated/prisma/client";
