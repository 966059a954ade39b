// The worker: consumes reconcile jobs, resyncs nodes, samples metrics and beats a heartbeat.
// Runs inside the app process by default (instrumentation.ts) or alone (`npm run worker`).
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { db, runOnWorkerPool } from "@/lib/db/client";
import "./stack-integration";
import { closeLockPool, isEnvironmentUnlocked } from "./env-lock";
import { processEnvironment, RetryLater } from "./executor";
import { healthCheckOnce } from "./health";
import { trimServiceLogs } from "@/lib/services/logs";
import { pruneMetrics, sampleMetricsOnce } from "./metrics";
import {
  failOrphanedJob,
  getBoss,
  listStaleActiveJobs,
  RECONCILE_QUEUE,
  setLocalWorkers,
  WAKE_CHANNEL,
} from "@/lib/queue";
import { listen } from "@/lib/db/listen";
import { logIgnored } from "@/lib/log";
import { redispatchOpenOperations, resyncOnce } from "./resync";
import { runTemplateQueueOnce, warmTemplatesOnce } from "./template-builds";
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
  logTrimIntervalMs?: number;
  /** Build lxc nodes' stack templates in the background (default HOSTPLANE_TEMPLATE_WARM). */
  warmTemplates?: boolean;
  log?: (line: string) => void;
};

export type RunningWorker = { id: string; stop: () => Promise<void> };

/** Every job and loop of the worker runs on the worker's own connection pool (lib/db/client.ts). */
export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  return runOnWorkerPool(() => startWorkerOnPool(options));
}

async function startWorkerOnPool(options: WorkerOptions): Promise<RunningWorker> {
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
    let workId = "";
    workId = await boss.work<{ environmentId: string }>(
      RECONCILE_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 0.5 },
      async ([job]) => {
        try {
          await runOnWorkerPool(() => processEnvironment(job.data.environmentId));
        } catch (error) {
          if (!(error instanceof RetryLater)) log(`environment ${job.data.environmentId}: ${(error as Error).message}`);
          throw error;
        } finally {
          // pg-boss waits its polling interval after every job, found or not: a poller that just
          // finished one asks for the next at once (under churn the interval was most of an operation's time).
          boss.notifyWorker(workId);
        }
      },
    );
    workIds.push(workId);
  }
  setLocalWorkers(workIds);
  // Jobs enqueued by another process (the panel, when this worker runs on its own) wake the pollers at
  // once; after a lost connection they look anyway, in case a wake-up was missed in the gap.
  const wakeAll = () => workIds.forEach((w) => boss.notifyWorker(w));
  const wake = listen({
    channel: WAKE_CHANNEL,
    applicationName: "hostplane-worker-wake",
    onNotify: wakeAll,
    onListening: (reconnected) => reconnected && wakeAll(),
    onDown: (error) => log(`wake-up connection: ${error.message}`),
  });

  const beat = () =>
    db.workerHeartbeat
      .upsert({ where: { id }, create: { id, host: hostname(), pid: process.pid }, update: { lastBeat: new Date() } })
      .then(() => undefined);
  // The loop below logs a failed beat; a first one failing (database still starting) is not fatal.
  await beat().catch((error) => log(`heartbeat: ${(error as Error).message}`));

  // A job whose worker died stays "active" in the queue; the environment's advisory lock is the
  // proof of life, so an active job without a lock holder is failed back to the queue for retry.
  const recoveryClient = new pg.Client({ connectionString: config.DATABASE_URL });
  recoveryClient.on("error", (error) => log(`recovery connection: ${error.message}`));
  await recoveryClient.connect();
  const recover = async () => {
    for (const job of await listStaleActiveJobs(ORPHAN_JOB_SECONDS)) {
      if (!(await isEnvironmentUnlocked(recoveryClient, job.environmentId))) continue;
      // Another worker may have completed or failed it meanwhile; the next round looks again.
      await failOrphanedJob(job.id).catch((error) => log(`recovery of job ${job.id}: ${(error as Error).message}`));
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
        runOnWorkerPool(fn)
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
  // Service logs stay under HOSTPLANE_LOG_MAX_KIB per container.
  every(options.logTrimIntervalMs ?? 5 * 60_000, "log retention", () => trimServiceLogs());
  // Template operations (background builds, admins' rebuilds and deletions) run one at a time per worker.
  every(3_000, "templates", async () => {
    while (!stopped && (await runTemplateQueueOnce())) {
      // drain what is queued, one after the other
    }
  });
  if (options.warmTemplates ?? config.HOSTPLANE_TEMPLATE_WARM) {
    every(60_000, "template warm-up", () => warmTemplatesOnce());
    loops.push(
      setTimeout(
        () =>
          void runOnWorkerPool(() => warmTemplatesOnce()).catch((e) =>
            log(`template warm-up: ${(e as Error).message}`),
          ),
        2_000,
      ),
    );
  }
  void recover().catch((error) => log(`recovery: ${(error as Error).message}`));

  log(`started ${id} (concurrency ${concurrency}, resync every ${resyncMs / 1000} s)`);
  return {
    id,
    stop: async () => {
      stopped = true;
      loops.forEach(clearInterval);
      // Stopping: each step is tried whatever the previous one did. A heartbeat row left behind goes stale
      // and counts as a dead worker, which is what this one now is.
      setLocalWorkers([]);
      await wake.stop().catch(logIgnored("closing the wake-up connection"));
      for (const w of workIds) await boss.offWork({ id: w }).catch(logIgnored("stopping a queue consumer"));
      await recoveryClient.end().catch(logIgnored("closing the recovery connection"));
      // Not awaited: a job still running keeps its connection (and lock) until it releases it.
      void closeLockPool().catch(logIgnored("closing the lock connections"));
      await db.workerHeartbeat.delete({ where: { id } }).catch(logIgnored("removing the worker heartbeat"));
    },
  };
}
