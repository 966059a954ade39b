// The one place that creates the Prisma client. DATABASE_URL is set by scripts/serve.ts (embedded
// PostgreSQL) or by the operator (a shared server for several panel instances and workers).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { config } from "../config";

const globalForDb = globalThis as unknown as { hostplaneDb?: PrismaClient };

function createClient(): PrismaClient {
  const url = config.DATABASE_URL;
  if (!url)
    throw new Error("DATABASE_URL is not set: start Hostplane with `npm start` (embedded PostgreSQL) or set it");
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: config.HOSTPLANE_DB_POOL }),
  });
}

/** Lazily created so that importing this module during `next build` needs no database. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForDb.hostplaneDb ??= createClient();
    const value = Reflect.get(globalForDb.hostplaneDb, property);
    return typeof value === "function" ? value.bind(globalForDb.hostplaneDb) : value;
  },
});

export async function disconnectDb(): Promise<void> {
  if (globalForDb.hostplaneDb) {
    await globalForDb.hostplaneDb.$disconnect();
    globalForDb.hostplaneDb = undefined;
  }
}

export type { PrismaClient };
export * as Db from "../generated/prisma/client";
