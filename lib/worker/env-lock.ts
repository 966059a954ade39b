// A PostgreSQL advisory lock per environment, held on a dedicated connection while a worker runs
// that environment's steps. PostgreSQL releases it when the holder's connection ends (also when
// the process is killed), so a crash never leaves an environment locked.
import pg from "pg";
import { logIgnored } from "@/lib/log";
import { config } from "@/lib/config";

export type EnvLock = { release: () => Promise<void> };

export async function tryLockEnvironment(environmentId: string): Promise<EnvLock | null> {
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  // A dropped connection releases the lock while the steps may still run: worth an error line (the
  // executor's own queries fail too, and the job is retried under a fresh lock).
  client.on("error", (error) =>
    console.error(`[hostplane] lock connection of ${environmentId} lost: ${error.message}`),
  );
  await client.connect();
  const key = `env:${environmentId}`;
  const got = await client.query("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key]);
  if (!got.rows[0]?.ok) {
    await client.end();
    return null;
  }
  return {
    release: async () => {
      // Ending the connection releases the lock anyway, so a failed unlock or close loses nothing.
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [key]).catch(logIgnored("advisory unlock"));
      await client.end().catch(logIgnored("closing the lock connection"));
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
