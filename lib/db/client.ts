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

/**
 * The worker's sessions commit asynchronously (`synchronous_commit=off`): a commit returns before its
 * WAL reaches the disk, and PostgreSQL flushes it within a few hundred milliseconds. Everything the
 * worker writes is progress on an operation the panel already committed durably (step marks, observed
 * states, reservations released with their rows), and every step is idempotent: if PostgreSQL itself
 * (not the panel) crashed in that window, the operation resumes from its last durable step and repeats
 * work the engines treat as done. In exchange the worker's many small commits neither wait for an
 * fsync nor hold the notify lock (every row change NOTIFYs the events feed) through one, which the
 * panel's own commits queued behind. Requests (the panel's pool) keep synchronous commits.
 */
const WORKER_SESSION = "-c synchronous_commit=off";

function createClient(max: number, options?: string): PrismaClient {
  const url = config.DATABASE_URL;
  if (!url)
    throw new Error("DATABASE_URL is not set: start Hostplane with `npm start` (embedded PostgreSQL) or set it");
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max, ...(options ? { options } : {}) }) });
}

function current(): PrismaClient {
  if (poolContext.getStore() === "worker")
    return (globalForDb.hostplaneWorkerDb ??= createClient(config.HOSTPLANE_WORKER_DB_POOL, WORKER_SESSION));
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
