// `npm run bench:provision`: (1) an environment of 5 busybox LXC containers from the service call
// to all RUNNING, p50/p95 over 10 runs, with the control-plane share (total minus engine time);
// (2) 20 mutations/s for 60 s against the sim engine (3 users, 50 nodes), after a 10 s warm-up at the
// same rate (BENCH_WARMUP_SECONDS, reported apart; 0 measures from a cold start): p99 time to accept a
// mutation, errors, deadlocks, the worker's backlog at the end and operations converged per second,
// the slowest mutations (when in the window) and the disk's fdatasync latency measured just before
// (BENCH_DISK_PROBE_SECONDS, 20): every accept waits for one synchronous commit;
// (3) a ramp to 100 mutations/s: p99 per rate and the rate at which it crosses 100 ms.
// BENCH_PARTS=lxc,churn,ramp selects parts (all by default).
import { spawn } from "node:child_process";
import { closeSync, fdatasyncSync, openSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance as perf } from "node:perf_hooks";
import { percentile, round, startScratchDatabase } from "../lib/bench-db";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CHURN_SECONDS = Number(process.env.BENCH_CHURN_SECONDS ?? 60);
// The measured minute follows a warm-up at the same rate (reported on its own): a freshly started
// process compiles its queries and code paths on first use, and with no environments yet every
// mutation would be a creation, not the stated mix.
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const DISK_PROBE_SECONDS = Number(process.env.BENCH_DISK_PROBE_SECONDS ?? 20);
const RAMP_SECONDS = Number(process.env.BENCH_RAMP_SECONDS ?? 15);
const RAMP_RATES = [20, 40, 60, 80, 100];
const PARTS = new Set((process.env.BENCH_PARTS ?? "lxc,churn,ramp").split(",").map((p) => p.trim()));
const TARGET_P99_MS = 100;
const TARGET_BACKLOG = 20;
const LXC = { lxcPath: "/var/lib/hostplane-bench/lxc", bridge: "hp-bench", subnet: "10.213.243.0/24" };
const ENGINE_STEPS = new Set(["create", "configure", "start", "stop", "restart", "set-limits", "destroy", "migrate"]);

/** Wall time covered by engine steps (steps of one wave run in parallel and overlap). */
function unionMs(intervals: [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of intervals.sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * The disk's own commit latency: fdatasync of an 8 KiB write, 100 times a second, in the directory the
 * scratch database lives in (as a synchronous PostgreSQL commit does for its WAL). Every accepted
 * mutation waits for one; a slow tail here is a slow tail in the accept latency, whatever the code does.
 */
async function diskSyncLatency(seconds: number) {
  const file = path.join(os.tmpdir(), `hostplane-fsync-probe-${process.pid}`);
  const fd = openSync(file, "w", 0o600);
  const samples: number[] = [];
  const block = Buffer.alloc(8192, 1);
  try {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      writeSync(fd, block, 0, block.length, (samples.length % 128) * block.length);
      const t0 = performance.now();
      fdatasyncSync(fd);
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
  return {
    figure: "fdatasync of an 8 KiB write in the database's directory, 100/s, before the churn (nothing else running)",
    samples: samples.length,
    p50Ms: round(percentile(samples, 50), 2),
    p99Ms: round(percentile(samples, 99), 2),
    p999Ms: round(percentile(samples, 99.9), 1),
    maxMs: round(Math.max(...samples), 1),
    over50Ms: samples.filter((ms) => ms > 50).length,
  };
}

/** `npm run worker` against the scratch database, with the benchmark's settings. */
function startWorkerProcess() {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "worker.ts")], {
    env: {
      ...process.env,
      HOSTPLANE_WORKER_CONCURRENCY: "4",
      HOSTPLANE_RESYNC_INTERVAL_MS: "3600000",
      HOSTPLANE_METRICS_INTERVAL_MS: "3600000",
      HOSTPLANE_TEMPLATE_WARM: "off",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  return {
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function main() {
  const scratch = await startScratchDatabase("bench-provision");
  const { db, disconnectDb } = await import("../../lib/db/client");
  const { cleanLxcNode, makeLxcNode, makeRegion, makeSimNode, makeUser } = await import("../test/cluster-fixture");
  const { createEnvironment } = await import("../../lib/services/environments");
  const { deleteEnvironment, scaleLayer, setEnvironmentRunning } = await import("../../lib/services/environment-ops");
  const { startWorker } = await import("../../lib/worker");
  const { retryStats } = await import("../../lib/services/placement");
  const { stopBoss } = await import("../../lib/queue");
  cleanLxcNode(LXC);
  // Default: the worker in a process of its own, as `npm start` runs it beside the panel (and
  // `npm run worker` to scale out), so this process only accepts; BENCH_WORKER=inline: in this process,
  // as Next.js runs one when started on its own.
  const workerInProcess = process.env.BENCH_WORKER === "inline";
  const worker = workerInProcess
    ? await startWorker({
        concurrency: 4,
        resyncIntervalMs: 3_600_000,
        metricsIntervalMs: 3_600_000,
        warmTemplates: false,
        log: () => {},
      })
    : startWorkerProcess();
  const actor = await makeUser();
  const waitOp = async (id: string) => {
    for (;;) {
      const op = await db.operation.findUniqueOrThrow({ where: { id }, include: { steps: true } });
      if (op.status === "SUCCEEDED") return op;
      if (op.status === "FAILED") throw new Error(`operation failed: ${op.error}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    const region = await makeRegion();
    if (PARTS.has("lxc")) await makeLxcNode({ regionId: region.id, name: "bench-1", lxc: LXC });
    const totals: number[] = [];
    const controlPlane: number[] = [];
    for (let i = 0; PARTS.has("lxc") && i < RUNS + 1; i++) {
      const t0 = performance.now();
      const { environmentId, operationId } = await createEnvironment({
        actor,
        input: {
          name: `bench-${i}`,
          regionId: region.id,
          layers: [
            {
              name: "app",
              stack: "busybox",
              count: 5,
              reservedCloudlets: 1,
              dynamicCloudlets: 2,
              diskGib: 1,
              ha: false,
            },
          ],
        },
      });
      const op = await waitOp(operationId);
      const total = performance.now() - t0;
      const engine = unionMs(
        op.steps
          .filter((s) => ENGINE_STEPS.has(s.kind))
          .map((s) => [s.startedAt!.getTime(), s.finishedAt!.getTime()] as [number, number]),
      );
      if (i > 0) {
        // run 0 warms caches (connections, JIT) and is not counted
        totals.push(total);
        controlPlane.push(Math.max(0, total - engine));
      }
      await waitOp((await deleteEnvironment({ actor, environmentId, confirmName: `bench-${i}` })).operationId);
    }

    let environment5: Record<string, unknown> | null = null;
    if (PARTS.has("lxc"))
      environment5 = {
        figure: "5 busybox LXC containers, createEnvironment() call → operation SUCCEEDED (all RUNNING)",
        runs: totals.length,
        p50Ms: round(percentile(totals, 50)),
        p95Ms: round(percentile(totals, 95)),
        targetP95Ms: 5000,
        controlPlaneP50Ms: round(percentile(controlPlane, 50)),
        controlPlaneP95Ms: round(percentile(controlPlane, 95)),
        targetControlPlaneMs: 500,
        anchor: "Kubernetes pod start SLO p99 ≤ 5 s",
        conditions: {
          engine: "lxc busybox on this machine",
          worker: workerInProcess ? "in-process, 4 pollers" : "a separate `npm run worker` process, 4 pollers",
          steps: "create, configure, start: each phase runs for all containers in parallel",
          controlPlane: "total minus the wall time covered by engine steps",
        },
      };

    // Churn on the sim engine: 50 nodes, 3 users, a mix of creations, scaling and stop/start.
    const simRegion = await makeRegion();
    for (let i = 0; i < 50; i++)
      await makeSimNode({
        regionId: simRegion.id,
        ramMib: 64 * 1024,
        cpuMhz: 200_000,
        maxContainers: 500,
        subnetIndex: i,
        // Inside 10.213.0.0/16: the sim engine refuses container addresses outside it.
        subnet: `10.213.${100 + i}.0/24`,
      });
    const users = [actor, await makeUser(), await makeUser()];
    type Env = {
      id: string;
      layerId: string;
      name: string;
      count: number;
      running: boolean;
      busy: boolean;
      owner: number;
    };
    const envs: Env[] = [];
    let created = 0;
    const deadlocks = async () => {
      await new Promise((r) => setTimeout(r, 1500)); // statistics reach pg_stat_database within a second
      await db.$executeRaw`SELECT pg_stat_clear_snapshot()`;
      const [row] = await db.$queryRaw<{ n: bigint }[]>`
        SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()`;
      return Number(row?.n ?? 0);
    };
    const backlog = () =>
      db.operation.count({
        where: { status: { in: ["PENDING", "RUNNING"] }, environment: { regionId: simRegion.id } },
      });

    /** `rate` mutations per second for `seconds`; each mutation's time to accept (service call returns). */
    async function churn(rate: number, seconds: number) {
      const accept: number[] = [];
      const byKind: Record<string, number[]> = { create: [], scale: [], stopStart: [] };
      // When in the window each mutation was accepted and how long it took: the slowest say what the tail is.
      const timeline: { atS: number; ms: number; kind: string }[] = [];
      const errorCodes: Record<string, number> = {};
      const errorSamples: Record<string, string> = {};
      let errors = 0;
      const interval = 1000 / rate;
      const started = performance.now();
      let n = 0;
      const inflight: Promise<void>[] = [];
      while (performance.now() - started < seconds * 1000) {
        const due = started + n * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const k = n++;
        inflight.push(
          (async () => {
            const t0 = performance.now();
            let pick: Env | null = null;
            try {
              // One mutation per environment in flight: a second one would race the first's intent.
              pick = envs.length
                ? (envs
                    .slice(k % envs.length)
                    .concat(envs)
                    .find((e) => !e.busy) ?? null)
                : null;
              if (pick) pick.busy = true;
              if (!pick || k % 4 === 0) {
                if (pick) pick.busy = false;
                pick = null;
                const owner = created % users.length;
                const name = `churn-${created++}`;
                const r = await createEnvironment({
                  actor: users[owner],
                  input: {
                    name,
                    regionId: simRegion.id,
                    layers: [
                      {
                        name: "app",
                        stack: "busybox",
                        count: 2,
                        reservedCloudlets: 1,
                        dynamicCloudlets: 2,
                        diskGib: 1,
                        ha: false,
                      },
                    ],
                  },
                });
                accept.push(performance.now() - t0);
                byKind.create.push(performance.now() - t0);
                timeline.push({
                  atS: round((t0 - started) / 1000, 2),
                  ms: round(performance.now() - t0, 1),
                  kind: "create",
                });
                const layer = await db.layer.findFirstOrThrow({ where: { environmentId: r.environmentId } });
                envs.push({
                  id: r.environmentId,
                  layerId: layer.id,
                  name,
                  count: 2,
                  running: true,
                  busy: false,
                  owner,
                });
              } else if (k % 4 === 1) {
                pick.count = pick.count === 2 ? 3 : 2;
                await scaleLayer({
                  actor: users[pick.owner],
                  input: { environmentId: pick.id, layerId: pick.layerId, count: pick.count },
                });
                accept.push(performance.now() - t0);
                byKind.scale.push(performance.now() - t0);
                timeline.push({
                  atS: round((t0 - started) / 1000, 2),
                  ms: round(performance.now() - t0, 1),
                  kind: "scale",
                });
              } else {
                pick.running = !pick.running;
                await setEnvironmentRunning({
                  actor: users[pick.owner],
                  environmentId: pick.id,
                  running: pick.running,
                });
                accept.push(performance.now() - t0);
                byKind.stopStart.push(performance.now() - t0);
                timeline.push({
                  atS: round((t0 - started) / 1000, 2),
                  ms: round(performance.now() - t0, 1),
                  kind: "stopStart",
                });
              }
            } catch (error) {
              errors++;
              const code = (error as { code?: string }).code ?? (error as Error).message.slice(0, 60);
              errorCodes[code] = (errorCodes[code] ?? 0) + 1;
              errorSamples[code] ??= (error as Error).message.slice(0, 200);
            } finally {
              if (pick) pick.busy = false;
            }
          })(),
        );
      }
      await Promise.all(inflight);
      const wallSeconds = (performance.now() - started) / 1000;
      const slowest = [...timeline].sort((a, b) => b.ms - a.ms).slice(0, 12);
      return { accept, byKind, errors, errorCodes, errorSamples, wallSeconds, slowest };
    }

    const converged = (since: Date, until: Date) =>
      db.operation.count({
        where: { status: "SUCCEEDED", finishedAt: { gte: since, lte: until }, environment: { regionId: simRegion.id } },
      });
    const mix = "25 % create (2 containers), 25 % scale ±1, 50 % stop/start";

    let mutationsUnderChurn: Record<string, unknown> | null = null;
    if (PARTS.has("churn")) {
      let warmup: Record<string, unknown> | null = null;
      if (WARMUP_SECONDS > 0) {
        const w = await churn(20, WARMUP_SECONDS);
        await waitUntil(async () => (await backlog()) === 0, 120_000);
        warmup = {
          figure: "the same churn before the measured window (a cold process, starting without environments)",
          seconds: WARMUP_SECONDS,
          mutations: w.accept.length,
          errors: w.errors,
          p50Ms: round(percentile(w.accept, 50), 2),
          p99Ms: round(percentile(w.accept, 99), 2),
          environmentsAfter: envs.length,
        };
      }
      const diskSync = await diskSyncLatency(DISK_PROBE_SECONDS);
      const deadlocksBefore = await deadlocks();
      const retriesBefore = { ...retryStats };
      const since = new Date();
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const eluBefore = perf.eventLoopUtilization();
      const r = await churn(20, CHURN_SECONDS);
      loopDelay.disable();
      const elu = perf.eventLoopUtilization(eluBefore).utilization;
      const until = new Date();
      const backlogAtEnd = await backlog();
      const convergedInWindow = await converged(since, until);
      const drainStart = performance.now();
      await waitUntil(async () => (await backlog()) === 0, 120_000);
      const drainMs = performance.now() - drainStart;
      const deadlockCount = (await deadlocks()) - deadlocksBefore;
      const p99 = percentile(r.accept, 99);
      // Where an operation's time goes: waiting for a worker to pick it up, then running its steps.
      const ops = await db.operation.findMany({
        where: { createdAt: { gte: since, lte: until }, environment: { regionId: simRegion.id } },
        select: { createdAt: true, startedAt: true, finishedAt: true },
      });
      const span = (pick: (o: (typeof ops)[number]) => number | null) => {
        const v = ops.map(pick).filter((x): x is number => x !== null);
        return { p50: round(percentile(v, 50)), p95: round(percentile(v, 95)), p99: round(percentile(v, 99)) };
      };
      const operationLatencyMs = {
        createdToStarted: span((o) => (o.startedAt ? o.startedAt.getTime() - o.createdAt.getTime() : null)),
        startedToFinished: span((o) =>
          o.startedAt && o.finishedAt ? o.finishedAt.getTime() - o.startedAt.getTime() : null,
        ),
        createdToFinished: span((o) => (o.finishedAt ? o.finishedAt.getTime() - o.createdAt.getTime() : null)),
      };
      mutationsUnderChurn = {
        figure: "time to accept a mutation (service call returns with its operation id) at 20 mutations/s",
        seconds: CHURN_SECONDS,
        warmup,
        mutations: r.accept.length,
        errors: r.errors,
        errorCodes: r.errorCodes,
        errorSamples: r.errorSamples,
        deadlocks: deadlockCount,
        retries: {
          reservationConflicts: retryStats.reservationConflicts - retriesBefore.reservationConflicts,
          uniqueViolations: retryStats.uniqueViolations - retriesBefore.uniqueViolations,
          writeConflicts: retryStats.writeConflicts - retriesBefore.writeConflicts,
        },
        p50Ms: round(percentile(r.accept, 50), 2),
        p95Ms: round(percentile(r.accept, 95), 2),
        p99Ms: round(p99, 2),
        targetP99Ms: TARGET_P99_MS,
        eventLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) },
        eventLoopUtilization: round(elu, 2),
        p99MsByKind: Object.fromEntries(Object.entries(r.byKind).map(([k, v]) => [k, round(percentile(v, 99), 2)])),
        slowest: r.slowest,
        diskSync,
        backlogAtEnd,
        targetBacklogAtEnd: TARGET_BACKLOG,
        operationsConvergedPerSecond: round(convergedInWindow / r.wallSeconds, 2),
        drainAfterEndMs: round(drainMs),
        operationLatencyMs,
        pass: p99 <= TARGET_P99_MS && r.errors === 0 && deadlockCount === 0 && backlogAtEnd <= TARGET_BACKLOG,
        conditions: {
          engine: "sim (simulated), 50 nodes, one region",
          users: users.length,
          mix,
          worker: workerInProcess
            ? "in-process on its own connection pool, 4 pollers, converging concurrently"
            : "a separate `npm run worker` process, 4 pollers, converging concurrently",
          locking: "only the nodes a placement touches; quota totals from counters",
        },
      };
    }

    let ramp: Record<string, unknown> | null = null;
    if (PARTS.has("ramp")) {
      const levels: {
        rate: number;
        achievedPerSecond: number;
        mutations: number;
        errors: number;
        errorCodes: Record<string, number>;
        p50Ms: number;
        p99Ms: number;
        backlogAtEnd: number;
      }[] = [];
      for (const rate of RAMP_RATES) {
        await waitUntil(async () => (await backlog()) <= TARGET_BACKLOG, 60_000);
        const r = await churn(rate, RAMP_SECONDS);
        levels.push({
          rate,
          achievedPerSecond: round(r.accept.length / r.wallSeconds, 1),
          mutations: r.accept.length,
          errors: r.errors,
          errorCodes: r.errorCodes,
          p50Ms: round(percentile(r.accept, 50), 2),
          p99Ms: round(percentile(r.accept, 99), 2),
          backlogAtEnd: await backlog(),
        });
      }
      const crossing = levels.find((l) => l.p99Ms > TARGET_P99_MS);
      ramp = {
        figure: `accept p99 at rising mutation rates, ${RAMP_SECONDS} s per rate, same mix and cluster`,
        levels,
        at100PerSecond: levels.find((l) => l.rate === 100) ?? null,
        p99Crosses100MsAtRate: crossing?.rate ?? null,
        note: crossing ? undefined : `p99 stayed ≤ ${TARGET_P99_MS} ms up to ${RAMP_RATES.at(-1)} mutations/s`,
      };
    }

    console.log(JSON.stringify({ benchmark: "provision", environment5, mutationsUnderChurn, ramp }, null, 2));
  } finally {
    await worker.stop();
    await stopBoss();
    cleanLxcNode(LXC);
    await disconnectDb();
    await scratch.stop();
  }
  process.exit(0);
}

void main();
