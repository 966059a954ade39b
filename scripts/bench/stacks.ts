/**
 * Stack benchmark (issue 8): Debian stack templates on a real lxc node on this machine.
 * Prints JSON with
 *  - cold template build times: the OS (debootstrap, once per machine) and each stack;
 *    measured when this run had to build them, else the time recorded when they were built;
 *  - container from a cached template: create + start (overlayfs snapshot clone), p50/p95,
 *    target p95 ≤ 1 s; plus the time until the service answers;
 *  - an ENGINE-LEVEL APPROXIMATION of "environment submit → all HEALTHY" for
 *    [NGINX ×1, Node.js ×2, PostgreSQL ×1, Redis ×1]: create + configure + start all five in
 *    parallel, point the balancer at the apps, wait until every service answers. No worker,
 *    database or placement is involved; target p95 ≤ 10 s;
 *  - the same five-stack environment THROUGH THE WORKER: createEnvironment() (placement, rows,
 *    operation) → the in-process worker converges it → every service answers; templates warm;
 *    target p95 ≤ 5 s. BENCH_PARTS=worker runs only this part (after making sure templates exist).
 * Uses its own lxcpath (templates cached there between runs), bridge hp-tsb and 10.213.254.0/24.
 */
import { readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import { LocalRunner } from "../../lib/orchestrator/transport/local-runner";
import type { EngineNodeConfig } from "../../lib/orchestrator/engines/types";
import { LxcEngine } from "../../lib/orchestrator/engines/lxc/engine";
import {
  DEFAULT_TEMPLATE_CACHE_DIR,
  configureStackContainer,
  ensureOsTemplate,
  ensureStackTemplate,
  listStackTemplates,
  waitForService,
  writeBalancerUpstreams,
} from "../../lib/orchestrator/engines/lxc/templates";
import { NodeCommands } from "../../lib/orchestrator/engines/command";
import { destroyManagedContainers, removeTestBridge } from "../../lib/orchestrator/engines/lxc/test-hosts";
import { RECIPE_STACK_IDS } from "../../lib/stacks/recipes";

const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 10));
const ENV_RUNS = Number(process.env.BENCH_ENV_RUNS ?? 5);
const node: EngineNodeConfig = {
  name: "bench-stacks",
  engine: "lxc",
  lxc: {
    lxcPath: "/var/lib/hostplane-test/bench-stacks",
    bridge: "hp-tsb",
    subnetCidr: "10.213.254.0/24",
    gatewayIp: "10.213.254.1",
  },
};
const lxcPath = node.lxc!.lxcPath;
const runner = new LocalRunner();
const engine = new LxcEngine(node, runner);
const limits = { reservedCloudlets: 1, dynamicCloudlets: 4, diskGib: 2 };

function percentiles(samples: number[]): { p50: number; p95: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]! * 10) / 10;
  return { p50: at(50), p95: at(95), n: sorted.length };
}

function cleanup(): void {
  destroyManagedContainers(lxcPath);
  removeTestBridge("hp-tsb");
}

const CREDENTIALS: Record<string, Record<string, string>> = {
  postgresql: { HOSTPLANE_DB_USER: "bench", HOSTPLANE_DB_PASSWORD: "Bench-pw-1", HOSTPLANE_DB_NAME: "bench" },
  redis: { REDIS_PASSWORD: "Bench-pw-2" },
};

async function templateBuildTimes(): Promise<Record<string, unknown>> {
  const progress = () => {};
  const commands = new NodeCommands({ engine: "lxc", node: node.name, runner, defaultTimeoutMs: 60_000 });
  const osTemplate = await ensureOsTemplate({
    commands,
    settings: node.lxc!,
    cacheDir: DEFAULT_TEMPLATE_CACHE_DIR,
    onProgress: progress,
  });
  const tarRecord = readdirSync(DEFAULT_TEMPLATE_CACHE_DIR)
    .filter((file) => file.endsWith(".tar.json"))
    .map(
      (file) =>
        JSON.parse(readFileSync(`${DEFAULT_TEMPLATE_CACHE_DIR}/${file}`, "utf8")) as {
          durationMs: number;
          builtAt: string;
        },
    );
  const stacks: Record<string, { ms: number | null; source: "measured" | "recorded" }> = {};
  for (const stackId of RECIPE_STACK_IDS) {
    const result = await ensureStackTemplate({ engineNode: node, runner, stackId });
    if (result.built) stacks[stackId] = { ms: result.durationMs, source: "measured" };
  }
  for (const template of await listStackTemplates({ engineNode: node, runner })) {
    stacks[template.stackId] ??= { ms: template.buildMs, source: "recorded" };
  }
  return {
    osDebootstrapMs:
      osTemplate.durationMs.debootstrap !== undefined
        ? { ms: osTemplate.durationMs.debootstrap, source: "measured" }
        : { ms: tarRecord[0]?.durationMs ?? null, source: "recorded", builtAt: tarRecord[0]?.builtAt },
    osUnpackIntoNodeMs:
      osTemplate.durationMs.unpack !== undefined
        ? { ms: osTemplate.durationMs.unpack, source: "measured" }
        : { ms: null, source: "already unpacked on this node" },
    stacks,
    note: "stack build = copy of the OS template + apt-get install from the Debian mirror + configuration; excludes the one-off debootstrap",
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function containerFromTemplate(): Promise<Record<string, unknown>> {
  const perStack: Record<string, unknown> = {};
  const all: number[] = [];
  let octet = 10;
  for (const stackId of RECIPE_STACK_IDS) {
    const source = (await ensureStackTemplate({ engineNode: node, runner, stackId })).templateName;
    const create: number[] = [];
    const start: number[] = [];
    const createStart: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const name = `hp-b-${stackId.slice(0, 5)}-${i}`;
      const ip = `10.213.254.${octet++}`;
      const began = performance.now();
      create.push(
        await timed(() => engine.create({ name, ip, template: { kind: "clone", source, snapshot: true }, limits })),
      );
      await configureStackContainer({ runner, node, name, stackId, env: CREDENTIALS[stackId] ?? {} });
      start.push(await timed(() => engine.start(name)));
      createStart.push(create.at(-1)! + start.at(-1)!);
      if (!(await waitForService({ ip, stackId, timeoutMs: 20_000 })))
        throw new Error(`${name} (${stackId}) never answered`);
      ready.push(performance.now() - began);
      await engine.destroy(name);
    }
    all.push(...createStart);
    perStack[stackId] = {
      createMs: percentiles(create),
      startMs: percentiles(start),
      createPlusStartMs: percentiles(createStart),
      untilServiceAnswersMs: percentiles(ready),
    };
  }
  const overall = percentiles(all);
  return {
    what: "engine.create (lxc-copy -s -B overlayfs of the cached template) + engine.start, per container",
    overallCreatePlusStartMs: overall,
    targetP95Ms: 1000,
    met: overall.p95 <= 1000,
    perStack,
  };
}

async function environmentApproximation(): Promise<Record<string, unknown>> {
  const layout = [
    { stackId: "nginx", name: "hp-e-lb", host: 200 },
    { stackId: "nodejs", name: "hp-e-app1", host: 201 },
    { stackId: "nodejs", name: "hp-e-app2", host: 202 },
    { stackId: "postgresql", name: "hp-e-pg", host: 203 },
    { stackId: "redis", name: "hp-e-redis", host: 204 },
  ];
  const samples: number[] = [];
  for (let run = 0; run < ENV_RUNS; run++) {
    const began = performance.now();
    await Promise.all(
      layout.map(async (container) => {
        const ip = `10.213.254.${container.host}`;
        const { templateName } = await ensureStackTemplate({ engineNode: node, runner, stackId: container.stackId });
        await engine.create({
          name: container.name,
          ip,
          template: { kind: "clone", source: templateName, snapshot: true },
          limits,
        });
        await configureStackContainer({
          runner,
          node,
          name: container.name,
          stackId: container.stackId,
          env: CREDENTIALS[container.stackId] ?? {},
        });
        await engine.start(container.name);
        if (container.stackId === "nginx")
          await writeBalancerUpstreams({
            runner,
            node,
            name: container.name,
            upstreams: [
              { ip: "10.213.254.201", port: 8080 },
              { ip: "10.213.254.202", port: 8080 },
            ],
          });
        if (!(await waitForService({ ip, stackId: container.stackId, timeoutMs: 30_000 })))
          throw new Error(`${container.name} never answered`);
      }),
    );
    samples.push(performance.now() - began);
    for (const container of layout) await engine.destroy(container.name);
  }
  const result = percentiles(samples);
  return {
    label:
      "ENGINE-LEVEL APPROXIMATION (no provisioning worker, database or placement): create + configure + start all five containers in parallel, write the balancer's upstreams, wait until every service port answers (PostgreSQL: accepts sessions)",
    layout: "NGINX ×1, Node.js ×2, PostgreSQL ×1, Redis ×1 (templates cached)",
    submitToAllHealthyMs: result,
    targetP95Ms: 10_000,
    met: result.p95 <= 10_000,
  };
}

/** The five-stack environment from the service call to every service answering, through the worker. */
async function environmentThroughWorker(): Promise<Record<string, unknown>> {
  const { startScratchDatabase } = await import("../lib/bench-db");
  const scratch = await startScratchDatabase("bench-stacks");
  const { db, disconnectDb } = await import("../../lib/db/client");
  const { makeLxcNode, makeRegion, makeUser } = await import("../test/cluster-fixture");
  const { createEnvironment } = await import("../../lib/services/environments");
  const { deleteEnvironment } = await import("../../lib/services/environment-ops");
  const { startWorker } = await import("../../lib/worker");
  const { FIVE_STACK_LAYERS, waitUntilEveryServiceAnswers } = await import("../lib/five-stack");
  const { stopBoss } = await import("../../lib/queue");
  const worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    warmTemplates: false,
    log: () => {},
  });
  const waitOp = async (id: string) => {
    for (;;) {
      const op = await db.operation.findUniqueOrThrow({ where: { id } });
      if (op.status === "SUCCEEDED") return op;
      if (op.status === "FAILED") throw new Error(`operation failed: ${op.error}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    const region = await makeRegion();
    await makeLxcNode({
      regionId: region.id,
      name: "bench-stacks-worker",
      lxc: { lxcPath, bridge: "hp-tsb", subnet: "10.213.254.0/24" },
      ramMib: 16_384,
    });
    const actor = await makeUser();
    const samples: number[] = [];
    const converge: number[] = [];
    const servicesAfterSucceeded: number[] = [];
    const spans: Record<string, number[]> = {};
    for (let run = 0; run < ENV_RUNS + 1; run++) {
      const name = `five-${run}`;
      const began = performance.now();
      const { environmentId, operationId } = await createEnvironment({
        actor,
        input: {
          name,
          regionId: region.id,
          layers: FIVE_STACK_LAYERS,
        },
      });
      await waitOp(operationId);
      const converged = performance.now() - began;
      await waitUntilEveryServiceAnswers(environmentId, 30_000);
      const answered = performance.now() - began;
      // Run 0 warms the worker (connections, JIT, the node's bridge and firewall) and is not counted.
      if (run > 0) {
        samples.push(answered);
        converge.push(converged);
        // Where the time went: each step kind's span (first start to last finish, its containers run in
        // parallel), and the wait for the services after the operation succeeded.
        const steps = await db.operationStep.groupBy({
          by: ["kind"],
          where: { operationId },
          _min: { startedAt: true },
          _max: { finishedAt: true },
        });
        for (const { kind, _min, _max } of steps)
          if (_min.startedAt && _max.finishedAt)
            (spans[kind] ??= []).push(_max.finishedAt.getTime() - _min.startedAt.getTime());
        servicesAfterSucceeded.push(answered - converged);
      }
      await waitOp((await deleteEnvironment({ actor, environmentId, confirmName: name })).operationId);
    }
    const result = percentiles(samples);
    return {
      label:
        "THROUGH THE WORKER: createEnvironment() (quota, placement, reservation, rows, operation) → in-process worker (create, configure, start, balancer upstreams) → every service answers (PostgreSQL: accepts sessions)",
      layout: "NGINX ×1, Node.js ×2, PostgreSQL ×1, Redis ×1 (templates warm)",
      submitToAllAnsweringMs: result,
      submitToOperationSucceededMs: percentiles(converge),
      operationSucceededToAllAnsweringMs: percentiles(servicesAfterSucceeded),
      stepSpanMs: Object.fromEntries(Object.entries(spans).map(([kind, ms]) => [kind, percentiles(ms)])),
      targetP95Ms: 5_000,
      met: result.p95 <= 5_000,
      conditions: {
        worker: "in-process, concurrency 2",
        database: "embedded PostgreSQL (scratch)",
        runs: samples.length,
      },
    };
  } finally {
    await worker.stop();
    await stopBoss();
    await disconnectDb();
    await scratch.stop();
  }
}

async function main(): Promise<void> {
  const parts = new Set((process.env.BENCH_PARTS ?? "engine,worker").split(",").map((p) => p.trim()));
  cleanup();
  try {
    const templateBuild = await templateBuildTimes();
    const fromTemplate = parts.has("engine") ? await containerFromTemplate() : null;
    const environment = parts.has("engine") ? await environmentApproximation() : null;
    cleanup();
    const environmentWorker = parts.has("worker") ? await environmentThroughWorker() : null;
    const conditions = {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      engine: "lxc (LocalRunner)",
      lxcPath,
      debootstrapCache: DEFAULT_TEMPLATE_CACHE_DIR,
      runsPerStack: RUNS,
      environmentRuns: ENV_RUNS,
    };
    console.log(
      JSON.stringify(
        {
          benchmark: "stacks",
          conditions,
          templateBuild,
          containerFromTemplate: fromTemplate,
          environment,
          environmentThroughWorker: environmentWorker,
        },
        null,
        2,
      ),
    );
  } finally {
    cleanup();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    cleanup();
    process.exit(1);
  });
