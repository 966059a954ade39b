/**
 * Deploy benchmark (issue 14): an archive deploy of a dependency-free Node.js app to a 2-container
 * layer behind an nginx balancer, through the whole control plane (deployArchive: stream, check,
 * normalise, record → the in-process worker stages and builds in every container, then drains,
 * switches, health-checks and restores one container at a time), from the service call to the
 * operation's success; BENCH_RUNS (default 5) deploys, p50/p95 (target p95 ≤ 10 s). A request loop
 * through the balancer runs during every deploy and rollback: failed requests (target 0). Then as
 * many rollbacks to the previous kept release (deployKeptRelease), p95 (target ≤ 10 s).
 * Own scratch database, lxcpath /var/lib/hostplane-test/bench-deploy, bridge hp-tbd, 10.213.236.0/24.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 10_000;
const LXC = { lxcPath: "/var/lib/hostplane-test/bench-deploy", bridge: "hp-tbd", subnet: "10.213.236.0/24" };

function get(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 80, path: "/", timeout: 5000, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

function appArchive(tmp: string, version: string): string {
  const dir = path.join(tmp, `src-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench", version: "1.0.0", main: "server.js" }));
  writeFileSync(
    path.join(dir, "server.js"),
    `const http = require("node:http");
// Tenant code: it reads the PORT its container's service was started with.
const { PORT } = process.env;
const server = http.createServer((req, res) => res.end("${version}\\n"));
server.listen(Number(PORT));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`,
  );
  const archive = path.join(tmp, `${version}.tar.gz`);
  execFileSync("tar", ["-czf", archive, "-C", dir, "."]);
  return archive;
}

async function main() {
  const { startScratchDatabase, percentile, round } = await import("../lib/bench-db");
  const scratch = await startScratchDatabase("bench-deploy");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "hostplane-bench-deploy-"));
  process.env.HOSTPLANE_DEPLOY_DIR = path.join(tmp, "releases");
  const { db, disconnectDb } = await import("../../lib/db/client");
  const { cleanLxcNode, makeLxcNode, makeRegion, makeUser } = await import("../test/cluster-fixture");
  const { createEnvironment } = await import("../../lib/services/environments");
  const { deployArchive, deployKeptRelease } = await import("../../lib/services/deploys");
  const { startWorker } = await import("../../lib/worker");
  const { stopBoss } = await import("../../lib/queue");
  cleanLxcNode(LXC);
  const worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    healthIntervalMs: 3_600_000,
    warmTemplates: false,
    log: () => {},
  });
  const waitOp = async (id: string) => {
    for (;;) {
      const op = await db.operation.findUniqueOrThrow({ where: { id } });
      if (op.status === "SUCCEEDED") return op;
      if (op.status === "FAILED") throw new Error(`operation failed: ${op.error} ${op.errorDetail ?? ""}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    const region = await makeRegion();
    await makeLxcNode({ regionId: region.id, name: "bench-deploy", lxc: LXC, ramMib: 16_384, cpuMhz: 40_000 });
    const actor = await makeUser();
    const layer = (name: string, stack: string, count: number) => ({
      name,
      stack,
      count,
      reservedCloudlets: 1,
      dynamicCloudlets: 8,
      diskGib: 2,
      ha: false,
    });
    const created = await createEnvironment({
      actor,
      input: { name: "bench", regionId: region.id, layers: [layer("bl", "nginx", 1), layer("cp", "nodejs", 2)] },
    });
    await waitOp(created.operationId);
    const envId = created.environmentId;
    const cp = await db.layer.findFirstOrThrow({ where: { environmentId: envId, name: "cp" } });
    const bl = await db.container.findFirstOrThrow({ where: { environmentId: envId, layer: { name: "bl" } } });
    for (let i = 0; i < 100 && (await get(bl.ip!).catch(() => 0)) !== 200; i++)
      await new Promise((r) => setTimeout(r, 200));

    let requests = 0;
    let failed = 0;
    /** Runs `work` under a sequential request loop through the balancer; returns its duration. */
    const underLoad = async (work: () => Promise<unknown>) => {
      let looping = true;
      const loop = (async () => {
        while (looping) {
          requests++;
          if ((await get(bl.ip!).catch(() => 0)) !== 200) failed++;
        }
      })();
      const began = performance.now();
      await work();
      const ms = performance.now() - began;
      looping = false;
      await loop;
      return ms;
    };

    // Run 0 warms up (the first deploy into fresh containers) and is not counted.
    const deploys: number[] = [];
    const releases: string[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const archive = appArchive(tmp, `v${run}`);
      const ms = await underLoad(async () => {
        const started = await deployArchive({
          actor,
          environmentId: envId,
          layerId: cp.id,
          fileName: path.basename(archive),
          body: createReadStream(archive),
        });
        releases.push(started.releaseId);
        await waitOp(started.operationId);
      });
      if (run > 0) deploys.push(ms);
    }
    const rollbacks: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Alternate between the last two releases: each is a rollback to the one before.
      const target = releases[releases.length - 2 + ((run + 1) % 2)]!;
      rollbacks.push(
        await underLoad(async () =>
          waitOp((await deployKeptRelease({ actor, environmentId: envId, releaseId: target })).operationId),
        ),
      );
    }
    const stats = (values: number[]) => ({
      p50: round(percentile(values, 50)),
      p95: round(percentile(values, 95)),
      max: round(Math.max(...values)),
      runs: values.length,
    });
    const phases = await db.release.findMany({ where: { id: { in: releases.slice(1) } }, select: { phases: true } });
    const result = {
      benchmark: "deploy",
      label:
        "deployArchive() of a dependency-free Node.js app (stream, check, normalise, record) → in-process worker: unpack + build in both containers, then drain / switch / health-check / restore one at a time → operation succeeded",
      layout: "NGINX ×1 in front of Node.js ×2 (templates warm)",
      archiveDeployMs: stats(deploys),
      targetDeployP95Ms: TARGET_MS,
      deployMet: percentile(deploys, 95) <= TARGET_MS,
      rollbackMs: stats(rollbacks),
      targetRollbackP95Ms: TARGET_MS,
      rollbackMet: percentile(rollbacks, 95) <= TARGET_MS,
      requestsDuringDeploys: requests,
      failedRequests: failed,
      targetFailedRequests: 0,
      failedRequestsMet: failed === 0,
      phaseMsPerRelease: phases.map((p) => p.phases),
      conditions: { worker: "in-process, concurrency 2", cpus: os.cpus().length, batch: 1 },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await worker.stop();
    await stopBoss();
    await db.container.updateMany({ data: { desiredState: "STOPPED" } }).catch(() => undefined);
    cleanLxcNode(LXC);
    await disconnectDb();
    await scratch.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
