/**
 * Ingress benchmark (issue 13). A real Caddy (supervised like `npm start` does, own ports and directory)
 * in front of real LXC containers created through the whole control plane (scratch PostgreSQL, worker).
 * Prints JSON with, per figure, its target:
 *  - proxy: autocannon (a separate process, HTTP/1.1 keep-alive, equal connections, warmed up) against the
 *    environment's balancer directly and through the ingress, alternated BENCH_ROUNDS times; medians of
 *    req/s and p99. Ratio = ingress / direct (target ≥ 0.9), added p99 = ingress − direct (target ≤ 2 ms).
 *    Also at a fixed offered rate (half the direct maximum), where neither path saturates the 2 cores,
 *    at a light one (a tenth of it), and over one connection, request after request (no queueing): the
 *    latency the proxy adds when the cores are not the bottleneck.
 *  - scale-out to traffic: an app-only environment scaled 1 → 2, BENCH_SCALE_RUNS times: from the new
 *    container's RUNNING (its row) to its first answer through the ingress, p95 (target ≤ 2 s); also
 *    from the scale request.
 *  - route apply: 1,000 environments' routes (seeded rows) computed from the database, compared and
 *    loaded into Caddy by syncIngress, median and p95 of BENCH_APPLY_RUNS (target ≤ 1 s); the proxy
 *    figures again with those 1,000 routes loaded.
 * Knobs: BENCH_ROUNDS (3), BENCH_DURATION (8 s), BENCH_CONNECTIONS (32), BENCH_SCALE_RUNS (5),
 * BENCH_APPLY_RUNS (5), BENCH_ENVIRONMENTS (1000).
 */
import { execFile } from "node:child_process";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { percentile, round, startScratchDatabase } from "../lib/bench-db";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SCALE_RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 5);
const APPLY_RUNS = Number(process.env.BENCH_APPLY_RUNS ?? 5);
const ENVIRONMENTS = Number(process.env.BENCH_ENVIRONMENTS ?? 1000);
const HTTP_PORT = 19780;
const LXC = { lxcPath: "/var/lib/hostplane-test/bench-ingress", bridge: "hp-tbi", subnet: "10.213.241.0/24" };

type Cannon = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

/** autocannon as its own process, so the load generator does not share an event loop with anything. */
function cannon(options: {
  url: string;
  host?: string;
  rate?: number;
  duration?: number;
  connections?: number;
}): Promise<Cannon> {
  const args = [
    path.join("node_modules", "autocannon", "autocannon.js"),
    "-j",
    "-c",
    String(options.connections ?? CONNECTIONS),
    "-d",
    String(options.duration ?? DURATION),
    ...(options.host ? ["-H", `Host=${options.host}`] : []),
    ...(options.rate ? ["-R", String(options.rate)] : []),
    options.url,
  ];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const r = JSON.parse(stdout) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        errors: number;
        non2xx: number;
      };
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    }),
  );
}

function get(host: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port: HTTP_PORT, path: "/", headers: { Host: host }, timeout: 2000, agent: false },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(`${res.statusCode} ${body.trim()}`));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve("error"));
  });
}

const median = (values: number[]) => percentile(values, 50);

async function main() {
  process.env.HOSTPLANE_INGRESS_HTTP_PORT = String(HTTP_PORT);
  process.env.HOSTPLANE_INGRESS_HTTPS_PORT = String(HTTP_PORT + 1);
  process.env.HOSTPLANE_DOMAIN = "localhost";
  const tmp = mkdtempSync(path.join(os.tmpdir(), "hp-bench-ingress-"));
  process.env.HOSTPLANE_INGRESS_DIR = path.join(tmp, "caddy");
  const database = await startScratchDatabase("bench-ingress");
  // Imported after the environment is set: these modules read configuration and open the database lazily.
  const { db, disconnectDb } = await import("../../lib/db/client");
  const { startIngress } = await import("../lib/ingress");
  const { ingressSettings, syncIngress } = await import("../../lib/services/ingress");
  const { startWorker } = await import("../../lib/worker");
  const { stopBoss } = await import("../../lib/queue");
  const { createEnvironment } = await import("../../lib/services/environments");
  const { scaleLayer } = await import("../../lib/services/environment-ops");
  const { containerNameFor } = await import("../../lib/orchestrator/engines");
  const fixture = await import("../test/cluster-fixture");

  fixture.cleanLxcNode(LXC);
  const ingress = await startIngress({ settings: ingressSettings(), onStart: () => syncIngress(), log: () => {} });
  const worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    healthIntervalMs: 3_600_000,
    // No background template builds competing for the 2 cores while the proxy is measured.
    warmTemplates: false,
    log: () => {},
  });
  const out: Record<string, unknown> = {
    conditions: {
      cpus: os.cpus().length,
      loadGenerator: `autocannon in its own process, ${CONNECTIONS} connections, HTTP/1.1 keep-alive, ${DURATION} s × ${ROUNDS} rounds per path, alternated, after a warm-up`,
      upstreamKeepAlive: "Caddy reverse_proxy keep_alive, 256 idle connections per upstream",
      caddyGoMaxProcs: ingressSettings().goMaxProcs,
    },
  };
  try {
    const regionId = (await fixture.makeRegion()).id;
    const node = await fixture.makeLxcNode({ regionId, name: "bench-ingress", lxc: LXC, ramMib: 8192, cpuMhz: 40_000 });
    const actor = await fixture.makeUser();
    const handle = (await db.user.findUniqueOrThrow({ where: { id: actor.id } })).handle;
    const layer = (name: string, stack: string, count: number) => ({
      name,
      stack,
      count,
      reservedCloudlets: 4,
      dynamicCloudlets: 8,
      diskGib: 2,
      ha: false,
    });
    const waitOp = (operationId: string) =>
      fixture.waitFor(
        "operation",
        async () => {
          const op = await db.operation.findUniqueOrThrow({ where: { id: operationId } });
          if (op.status === "FAILED") throw new Error(`operation failed: ${op.error}`);
          return op.status === "SUCCEEDED";
        },
        900_000,
      );

    // 1. Proxy overhead: the topology, NGINX + 2 × Node.js, directly at the balancer vs through Caddy.
    const web = await createEnvironment({
      actor,
      input: { name: "web", regionId, layers: [layer("bl", "nginx", 1), layer("cp", "nodejs", 2)] },
    });
    await waitOp(web.operationId);
    const balancer = await db.container.findFirstOrThrow({
      where: { environmentId: web.environmentId, layer: { name: "bl" } },
    });
    const host = `web-${handle}.localhost`;
    await fixture.waitFor("the balancer through the ingress", async () => (await get(host)).startsWith("200 hello"));
    const measureProxy = async () => {
      const direct = { url: `http://${balancer.ip}/` };
      const via = { url: `http://127.0.0.1:${HTTP_PORT}/`, host };
      await cannon({ ...direct, duration: 3 });
      await cannon({ ...via, duration: 3 });
      const d: Cannon[] = [];
      const v: Cannon[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        d.push(await cannon(direct));
        v.push(await cannon(via));
      }
      const dRps = median(d.map((x) => x.rps));
      const vRps = median(v.map((x) => x.rps));
      const rate = Math.max(100, Math.round(dRps / 2));
      const dFixed = await cannon({ ...direct, rate });
      const vFixed = await cannon({ ...via, rate });
      // A tenth of the direct maximum: what the proxy adds when the cores are not the bottleneck.
      const light = Math.max(50, Math.round(dRps / 10));
      const dLight = await cannon({ ...direct, rate: light });
      const vLight = await cannon({ ...via, rate: light });
      // One connection, one request after another: no queueing at all, only each hop's own time.
      const dOne = await cannon({ ...direct, connections: 1 });
      const vOne = await cannon({ ...via, connections: 1 });
      return {
        saturated: {
          direct: { rps: round(dRps), p50Ms: median(d.map((x) => x.p50)), p99Ms: median(d.map((x) => x.p99)) },
          ingress: { rps: round(vRps), p50Ms: median(v.map((x) => x.p50)), p99Ms: median(v.map((x) => x.p99)) },
          throughputRatio: round(vRps / dRps, 3),
          addedP99Ms: round(median(v.map((x) => x.p99)) - median(d.map((x) => x.p99)), 2),
          errors: [...d, ...v].reduce((n, x) => n + x.errors + x.non2xx, 0),
        },
        fixedRate: {
          offeredRps: rate,
          direct: { rps: round(dFixed.rps), p50Ms: dFixed.p50, p99Ms: dFixed.p99 },
          ingress: { rps: round(vFixed.rps), p50Ms: vFixed.p50, p99Ms: vFixed.p99 },
          throughputRatio: round(vFixed.rps / dFixed.rps, 3),
          addedP99Ms: round(vFixed.p99 - dFixed.p99, 2),
        },
        lightLoad: {
          offeredRps: light,
          direct: { rps: round(dLight.rps), p50Ms: dLight.p50, p99Ms: dLight.p99 },
          ingress: { rps: round(vLight.rps), p50Ms: vLight.p50, p99Ms: vLight.p99 },
          addedP50Ms: round(vLight.p50 - dLight.p50, 2),
          addedP99Ms: round(vLight.p99 - dLight.p99, 2),
        },
        // autocannon's percentiles are whole milliseconds (and read 0 here): one connection's mean
        // latency is 1 / its rate.
        oneConnection: {
          direct: { rps: round(dOne.rps), meanMs: round(1000 / dOne.rps, 3) },
          ingress: { rps: round(vOne.rps), meanMs: round(1000 / vOne.rps, 3) },
          addedMeanMs: round(1000 / vOne.rps - 1000 / dOne.rps, 3),
        },
      };
    };
    const proxy = await measureProxy();
    out.proxy = {
      ...proxy,
      target: { throughputRatio: ">= 0.9", addedP99Ms: "<= 2" },
      met: proxy.saturated.throughputRatio >= 0.9 && proxy.saturated.addedP99Ms <= 2,
    };

    // 2. Scale-out to traffic on the new container, app-only environment (its app layer is the entry layer).
    const app = await createEnvironment({
      actor,
      input: { name: "app", regionId, layers: [layer("cp", "nodejs", 1)] },
    });
    await waitOp(app.operationId);
    const appHost = `app-${handle}.localhost`;
    const cp = await db.layer.findFirstOrThrow({ where: { environmentId: app.environmentId } });
    const fromRunning: number[] = [];
    const fromRequest: number[] = [];
    for (let i = 0; i < SCALE_RUNS; i++) {
      const t0 = performance.now();
      const op = await scaleLayer({ actor, input: { environmentId: app.environmentId, layerId: cp.id, count: 2 } });
      const fresh = await fixture.waitFor(
        "the new container runs",
        async () =>
          db.container.findFirst({
            where: { layerId: cp.id, ordinal: { gt: 0 }, observedState: "RUNNING" },
          }),
        120_000,
        10,
      );
      const running = performance.now();
      const name = containerNameFor(fresh.id);
      await fixture.waitFor(
        "traffic on the new container",
        async () => (await get(appHost)).includes(name),
        60_000,
        10,
      );
      const answered = performance.now();
      fromRunning.push(answered - running);
      fromRequest.push(answered - t0);
      await waitOp(op.operationId);
      await waitOp(
        (await scaleLayer({ actor, input: { environmentId: app.environmentId, layerId: cp.id, count: 1 } }))
          .operationId,
      );
    }
    out.scaleOutToTraffic = {
      runs: SCALE_RUNS,
      fromContainerRunningMs: { p50: round(median(fromRunning)), p95: round(percentile(fromRunning, 95)) },
      fromScaleRequestMs: { p50: round(median(fromRequest)), p95: round(percentile(fromRequest, 95)) },
      target: "p95 <= 2000 ms (from the container running)",
      met: percentile(fromRunning, 95) <= 2000,
    };

    // 3. Routes of 1,000 environments: seeded rows (a simulated node's addresses), synced into Caddy.
    const sim = await fixture.makeSimNode({
      regionId,
      ramMib: 1 << 24,
      cpuMhz: 1 << 24,
      maxContainers: 100_000,
      subnetIndex: 4000,
    });
    await db.$executeRawUnsafe(
      `INSERT INTO "Environment" (id, name, "ownerId", "regionId", "desiredState", status, "updatedAt")
       SELECT 'benv' || g, 'e' || g, $1, $2, 'RUNNING', 'RUNNING', now() FROM generate_series(1, ${ENVIRONMENTS}) g`,
      actor.id,
      regionId,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "Layer" (id, "environmentId", name, role, stack, count, "reservedCloudlets", "dynamicCloudlets", "diskGib", "updatedAt")
       SELECT 'blay' || g, 'benv' || g, 'cp', 'APP', 'nodejs', 2, 1, 1, 1, now() FROM generate_series(1, ${ENVIRONMENTS}) g`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "Container" (id, "environmentId", "layerId", ordinal, "hardwareNodeId", ip, "desiredState", "observedState", "reservedCloudlets", "dynamicCloudlets", "diskGib", "updatedAt")
       SELECT 'bc' || g || '-' || o, 'benv' || g, 'blay' || g, o, $1,
              '10.250.' || ((g * 2 + o) / 256) || '.' || ((g * 2 + o) % 256), 'RUNNING', 'RUNNING', 1, 1, 1, now()
       FROM generate_series(1, ${ENVIRONMENTS}) g, generate_series(0, 1) o`,
      sim.id,
    );
    const applied: number[] = [];
    let routes = 0;
    for (let i = 0; i < APPLY_RUNS; i++) {
      // Each run changes one route, so every sync really computes, compares and loads.
      await db.environment.update({ where: { id: "benv1" }, data: { httpsRedirect: i % 2 === 0 } });
      const result = await syncIngress();
      if (result.status !== "applied") throw new Error(`sync did not apply: ${JSON.stringify(result)}`);
      applied.push(result.ms);
      routes = result.routes;
    }
    const current = await syncIngress();
    out.routeApply = {
      environments: ENVIRONMENTS,
      routes,
      runs: APPLY_RUNS,
      syncMs: { p50: round(median(applied)), p95: round(percentile(applied, 95)) },
      unchangedCheckMs: current.status === "current" ? round(current.ms) : null,
      target: "<= 1000 ms",
      met: percentile(applied, 95) <= 1000,
    };
    out.proxyWith1000Routes = await measureProxy();
    await db.container.updateMany({ where: { hardwareNodeId: node.id }, data: { desiredState: "STOPPED" } });
  } finally {
    await worker.stop();
    await stopBoss();
    await ingress.stop();
    fixture.cleanLxcNode(LXC);
    await disconnectDb();
    await database.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(JSON.stringify(out, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
