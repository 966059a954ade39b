// The worker: consumes reconcile jobs, resyncs nodes, samples metrics and beats a heartbeat.
// Runs inside the app process by default (instrumentation.ts) or alone (`npm run worker`).
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { db } from "@/lib/db/client";
import "./stack-integration";
import { isEnvironmentUnlocked } from "./env-lock";
import { processEnvironment, RetryLater } from "./executor";
import { healthCheckOnce } from "./health";
import { pruneMetrics, sampleMetricsOnce } from "./metrics";
import { getBoss, RECONCILE_QUEUE } from "@/lib/queue";
import { redispatchOpenOperations, resyncOnce } from "./resync";
import { config } from "@/lib/config";

// A live worker takes the environment lock within milliseconds of starting a job.
const ORPHAN_JOB_SECONDS = config.HOSTPLANE_ORPHAN_JOB_SECONDS;

export type WorkerOptions = {
  concurrency?: number;
  resyncIntervalMs?: number;
  metricsIntervalMs?: number;
  orphanGraceMs?: number;
  recoveryIntervalMs?: number;
  healthIntervalMs?: number;
  log?: (line: string) => void;
};

export type RunningWorker = { id: string; stop: () => Promise<void> };

export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const id = randomUUID();
  const log = options.log ?? ((line: string) => console.log(`[hostplane:worker] ${line}`));
  const concurrency = options.concurrency ?? config.HOSTPLANE_WORKER_CONCURRENCY;
  const resyncMs = options.resyncIntervalMs ?? config.HOSTPLANE_RESYNC_INTERVAL_MS;
  const metricsMs = options.metricsIntervalMs ?? config.HOSTPLANE_METRICS_INTERVAL_MS;
  const orphanGraceMs = options.orphanGraceMs ?? config.HOSTPLANE_ORPHAN_GRACE_MS;
  const recoveryMs = options.recoveryIntervalMs ?? 3_000;
  const boss = await getBoss();
  const workIds: string[] = [];

  for (let i = 0; i < concurrency; i++) {
    workIds.push(
      await boss.work<{ environmentId: string }>(
        RECONCILE_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async ([job]) => {
          try {
            await processEnvironment(job.data.environmentId);
          } catch (error) {
            if (!(error instanceof RetryLater))
              log(`environment ${job.data.environmentId}: ${(error as Error).message}`);
            throw error;
          }
        },
      ),
    );
  }

  const beat = () =>
    db.workerHeartbeat
      .upsert({ where: { id }, create: { id, host: hostname(), pid: process.pid }, update: { lastBeat: new Date() } })
      .catch(() => {});
  await beat();

  // A job whose worker died stays "active" in the queue; the environment's advisory lock is the
  // proof of life, so an active job without a lock holder is failed back to the queue for retry.
  const recoveryClient = new pg.Client({ connectionString: config.DATABASE_URL });
  recoveryClient.on("error", () => {});
  await recoveryClient.connect();
  const recover = async () => {
    const exists = await recoveryClient.query("SELECT to_regclass('pgboss.job') AS t");
    if (exists.rows[0]?.t) {
      const active = await recoveryClient.query(
        "SELECT id, data->>'environmentId' AS env FROM pgboss.job WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)",
        [RECONCILE_QUEUE, ORPHAN_JOB_SECONDS],
      );
      for (const row of active.rows) {
        if (row.env && (await isEnvironmentUnlocked(recoveryClient, row.env)))
          await boss.fail(RECONCILE_QUEUE, row.id, { reason: "worker died" }).catch(() => {});
      }
    }
    await redispatchOpenOperations();
  };

  let stopped = false;
  const loops: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, fn: () => Promise<unknown>) => {
    let running = false;
    loops.push(
      setInterval(() => {
        if (running || stopped) return;
        running = true;
        fn()
          .catch((error) => log(`${name}: ${(error as Error).message}`))
          .finally(() => (running = false));
      }, ms),
    );
  };
  every(5_000, "heartbeat", beat);
  every(recoveryMs, "recovery", recover);
  every(resyncMs, "resync", () => resyncOnce({ orphanGraceMs }));
  every(metricsMs, "metrics", () => sampleMetricsOnce());
  every(options.healthIntervalMs ?? config.HOSTPLANE_HEALTH_INTERVAL_MS, "health", () => healthCheckOnce());
  every(10 * 60_000, "prune", () => pruneMetrics());
  void recover().catch((error) => log(`recovery: ${(error as Error).message}`));

  log(`started ${id} (concurrency ${concurrency}, resync every ${resyncMs / 1000} s)`);
  return {
    id,
    stop: async () => {
      stopped = true;
      loops.forEach(clearInterval);
      for (const w of workIds) await boss.offWork({ id: w }).catch(() => {});
      await recoveryClient.end().catch(() => {});
      await db.workerHeartbeat.delete({ where: { id } }).catch(() => {});
    },
  };
}
