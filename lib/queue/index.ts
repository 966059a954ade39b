// Dispatch through pg-boss (a PostgreSQL job queue): retries with exponential backoff, and the
// `stately` policy keyed by environment id, so an environment has at most one job queued and one
// running at a time. The worker additionally holds a PostgreSQL advisory lock per environment
// (see executor.ts) as a fence should a job ever expire while still running.
import PgBoss from "pg-boss";
import { logIgnored } from "@/lib/log";
import { config } from "@/lib/config";

export const RECONCILE_QUEUE = "reconcile";
export const JOB_EXPIRE_SECONDS = config.HOSTPLANE_JOB_EXPIRE_SECONDS;

const globalForBoss = globalThis as unknown as { hostplaneBoss?: Promise<PgBoss> };

export function getBoss(): Promise<PgBoss> {
  globalForBoss.hostplaneBoss ??= (async () => {
    const url = config.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      // Expired jobs of a crashed worker are noticed quickly; the advisory lock keeps it safe.
      maintenanceIntervalSeconds: config.HOSTPLANE_QUEUE_MAINTENANCE_SECONDS,
      monitorStateIntervalSeconds: 60,
      schedule: false,
    });
    boss.on("error", (error) =>
      console.error("[hostplane] queue error", error instanceof Error ? error.message : error),
    );
    await boss.start();
    await boss.createQueue(RECONCILE_QUEUE, {
      name: RECONCILE_QUEUE,
      policy: "stately",
      retryLimit: 8,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: JOB_EXPIRE_SECONDS,
    });
    return boss;
  })();
  return globalForBoss.hostplaneBoss;
}

/**
 * Workers in other processes (the one `npm start` supervises, `npm run worker` elsewhere) LISTEN here and
 * look for work at once when a job is created, instead of at their next poll.
 */
export const WAKE_CHANNEL = "hostplane_work";

/** This process's queue consumers (a worker started in this process): woken on enqueue directly. */
let localWorkers: string[] = [];
export function setLocalWorkers(ids: string[]): void {
  localWorkers = [...ids];
}

/** Asks a worker to converge this environment; a job already queued for it makes this a no-op. */
export async function enqueueEnvironment(environmentId: string): Promise<void> {
  const boss = await getBoss();
  const id = await boss.send(
    RECONCILE_QUEUE,
    { environmentId },
    {
      singletonKey: environmentId,
      retryLimit: 8,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: JOB_EXPIRE_SECONDS,
    },
  );
  if (!id) return;
  // A new job: the pollers of this process look now instead of at their next interval (one finds it,
  // the others find nothing and wait as before); workers in other processes hear the NOTIFY.
  for (const w of localWorkers) boss.notifyWorker(w);
  await boss.getDb().executeSql(`NOTIFY ${WAKE_CHANNEL}`, []);
}

export async function stopBoss(): Promise<void> {
  const pending = globalForBoss.hostplaneBoss;
  globalForBoss.hostplaneBoss = undefined;
  if (pending) await (await pending).stop({ graceful: false, wait: true }).catch(logIgnored("stopping the queue"));
}

export async function queueDepth(): Promise<number> {
  const boss = await getBoss();
  return boss.getQueueSize(RECONCILE_QUEUE);
}

/**
 * Reconcile jobs that have been `active` for longer than `seconds`, with their environment. The worker's
 * recovery fails such a job back to the queue when no live worker holds its environment's lock.
 *
 * pg-boss 10 has no public call that lists jobs by state: getQueueSize only counts, getJobById needs the
 * id, fetch hands out only created or retry jobs, and the `wip` event reports this process's own
 * workers — while the jobs to recover are exactly those of a worker that died, whose ids no live process
 * knows. So this one function reads pg-boss's job table, through pg-boss's own connection pool; it is
 * the only code that knows that table, and crash.integration.test.ts fails if an upgrade changes it.
 */
export async function listStaleActiveJobs(seconds: number): Promise<{ id: string; environmentId: string }[]> {
  const boss = await getBoss();
  const { rows } = await boss
    .getDb()
    .executeSql(
      "SELECT id, data->>'environmentId' AS env FROM pgboss.job WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)",
      [RECONCILE_QUEUE, seconds],
    );
  return rows.filter((row) => row.env).map((row) => ({ id: String(row.id), environmentId: String(row.env) }));
}

/** Sends a job whose worker died back to the queue (pg-boss retries it with its backoff). */
export async function failOrphanedJob(jobId: string): Promise<void> {
  const boss = await getBoss();
  await boss.fail(RECONCILE_QUEUE, jobId, { reason: "worker died" });
}
