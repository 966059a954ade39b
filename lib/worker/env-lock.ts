// A PostgreSQL advisory lock per environment, held on a dedicated connection while a worker runs
// that environment's steps. PostgreSQL releases it when the holder's connection ends (also when
// the process is killed), so a crash never leaves an environment locked.
// The connections come from a small pool of their own: opening one per job (TCP, SCRAM, a backend
// process) cost CPU on both sides at every step of churn. A connection goes back to the pool only
// after its unlock succeeded; otherwise it is closed, which releases whatever it held.
import pg from "pg";
import { logIgnored } from "@/lib/log";
import { config } from "@/lib/config";

export type EnvLock = { release: () => Promise<void> };

let pool: pg.Pool | null = null;

function lockPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({
      connectionString: config.DATABASE_URL,
      // One per job in flight (the worker's concurrency, a few workers in tests and benchmarks).
      max: Math.max(16, config.HOSTPLANE_WORKER_CONCURRENCY * 2),
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that drops held no lock: the pool replaces it on demand.
    pool.on("error", (error) => console.error(`[hostplane] idle lock connection lost: ${error.message}`));
  }
  return pool;
}

/** Closes the lock connections (a stopping worker; nothing may be holding a lock any more). */
export async function closeLockPool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.end();
}

export async function tryLockEnvironment(environmentId: string): Promise<EnvLock | null> {
  const client = await lockPool().connect();
  // A dropped connection releases the lock while the steps may still run: worth an error line (the
  // executor's own queries fail too, and the job is retried under a fresh lock).
  const onError = (error: Error) =>
    console.error(`[hostplane] lock connection of ${environmentId} lost: ${error.message}`);
  client.on("error", onError);
  const key = `env:${environmentId}`;
  const done = (destroy: boolean) => {
    client.off("error", onError);
    client.release(destroy);
  };
  let got;
  try {
    got = await client.query("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key]);
  } catch (error) {
    done(true);
    throw error;
  }
  if (!got.rows[0]?.ok) {
    done(false);
    return null;
  }
  return {
    release: async () => {
      // A failed unlock closes the connection instead, which releases the lock too: nothing is lost.
      const unlocked = await client
        .query("SELECT pg_advisory_unlock(hashtext($1)) AS ok", [key])
        .then((r) => r.rows[0]?.ok === true)
        .catch((error) => {
          logIgnored("advisory unlock")(error);
          return false;
        });
      done(!unlocked);
    },
  };
}

/** True when no live worker holds the environment's lock (its job may have been orphaned by a crash). */
export async function isEnvironmentUnlocked(client: pg.ClientBase, environmentId: string): Promise<boolean> {
  const r = await client.query("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [`env:${environmentId}`]);
  if (r.rows[0]?.ok) {
    await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`env:${environmentId}`]);
    return true;
  }
  return false;
}
