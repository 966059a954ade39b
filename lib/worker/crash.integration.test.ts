// Crash safety: a worker child process SIGKILLs itself at a named step (HOSTPLANE_FAILPOINT);
// a fresh worker must then converge with nothing lost: rows match real LXC containers, reserved
// capacity equals the live containers, no operation stays open, every step finished.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { stopBoss } from "@/lib/worker/queue";
import { deleteEnvironment } from "@/lib/services/environment-ops";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { checkInvariants } from "../../scripts/test/invariants";

const LXC = { lxcPath: "/var/lib/hostplane-test/crash", bridge: "hp-tcr", subnet: "10.213.248.0/24" };
const KILLS_PER_STEP = Number(process.env.HOSTPLANE_CRASH_KILLS ?? 3);
// Steps and how often each occurs for the environment below (3 containers).
const CREATE_STEPS: [string, number][] = [["reserve", 1], ["create", 3], ["configure", 3], ["start", 3], ["mark-running", 1]];
const DELETE_STEPS: [string, number][] = [["destroy", 3], ["release", 3], ["finalize-delete", 1]];

let regionId: string;
let nodeId: string;
let actor: { id: string; email: string; role: string };
const children = new Set<ChildProcess>();

function startChild(env: Record<string, string>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  // One process (no tsx wrapper), so the failpoint's SIGKILL is what the harness sees.
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "test", "crash-child.ts")], {
    env: { ...process.env, HOSTPLANE_ORPHAN_JOB_SECONDS: "1", HOSTPLANE_QUEUE_MAINTENANCE_SECONDS: "2", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code && code !== 0) console.error(stderr);
      resolve({ code, signal });
    }),
  );
  return { child, exited };
}

async function openOperations() {
  return db.operation.count({ where: { status: { in: ["PENDING", "RUNNING"] } } });
}

/** A worker without failpoints runs until everything is converged, then stops. */
async function recover() {
  const { child, exited } = startChild({});
  try {
    await waitFor("convergence after a crash", async () => (await openOperations()) === 0, 60_000, 250);
  } catch (error) {
    const open = await db.operation.findMany({ where: { status: { in: ["PENDING", "RUNNING"] } }, include: { steps: { orderBy: { position: "asc" } } } });
    const jobs = await db.$queryRaw`SELECT state, singleton_key, retry_count, started_on FROM pgboss.job WHERE name = 'reconcile' ORDER BY created_on DESC LIMIT 5`;
    throw new Error(`${(error as Error).message}; open: ${JSON.stringify(open.map((o) => ({ kind: o.kind, status: o.status, steps: o.steps.map((s) => `${s.kind}:${s.status}:${s.message ?? ""}`) })))}; jobs: ${JSON.stringify(jobs)}`);
  }
  child.kill("SIGTERM");
  await exited;
}

async function crashAt(failpoint: string, submit?: object) {
  const { exited } = startChild({ HOSTPLANE_FAILPOINT: failpoint, ...(submit ? { CRASH_SUBMIT: JSON.stringify(submit) } : {}) });
  const result = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
  expect(result?.signal, `worker should have killed itself at ${failpoint}`).toBe("SIGKILL");
}

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  cleanLxcNode(LXC);
  regionId = (await makeRegion()).id;
  nodeId = (await makeLxcNode({ regionId, name: "crash-1", lxc: LXC })).id;
  actor = await makeUser();
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await stopBoss();
  cleanLxcNode(LXC);
  await disconnectDb();
});

describe("crash safety (SIGKILL at every named step, real LXC)", () => {
  const plan: { create: [string, number]; del: [string, number] | null }[] = [];
  for (const [step] of CREATE_STEPS) for (let i = 0; i < KILLS_PER_STEP; i++) plan.push({ create: [step, (i % CREATE_STEPS.find((s) => s[0] === step)![1]) + 1], del: null });
  let d = 0;
  for (const [step, occurrences] of DELETE_STEPS) for (let i = 0; i < KILLS_PER_STEP; i++) plan[d++ % plan.length].del = [step, (i % occurrences) + 1];

  it(`survives ${plan.length} kills during creation and ${plan.filter((p) => p.del).length} during deletion`, async () => {
    const tally: Record<string, number> = {};
    for (const [i, round] of plan.entries()) {
      const name = `crash-${i}`;
      const input = { name, regionId, layers: [{ name: "web", stack: "busybox", count: 2, reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1, ha: false }, { name: "db", stack: "busybox", count: 1, reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1, ha: false }] };
      await crashAt(`${round.create[0]}:${round.create[1]}`, { kind: "create", actorId: actor.id, input });
      tally[round.create[0]] = (tally[round.create[0]] ?? 0) + 1;
      await recover();
      const env = await db.environment.findFirstOrThrow({ where: { name, ownerId: actor.id } });
      expect(env.status, `after a kill at ${round.create.join("#")}`).toBe("RUNNING");
      expect(await checkInvariants({ nodeIds: [nodeId] }), `after a kill at ${round.create.join("#")}`).toEqual([]);

      await deleteEnvironment({ actor, environmentId: env.id, confirmName: name });
      if (round.del) {
        await crashAt(`${round.del[0]}:${round.del[1]}`);
        tally[round.del[0]] = (tally[round.del[0]] ?? 0) + 1;
      }
      await recover();
      expect(await db.environment.findUnique({ where: { id: env.id } }), `after a kill at ${round.del?.join("#") ?? "none"}`).toBeNull();
      expect(await checkInvariants({ nodeIds: [nodeId] }), `after a kill at ${round.del?.join("#") ?? "none"}`).toEqual([]);
    }
    console.log(`[crash] kills per step: ${JSON.stringify(tally)}`);
    for (const [step] of [...CREATE_STEPS, ...DELETE_STEPS]) expect(tally[step]).toBe(KILLS_PER_STEP);
  }, 1_200_000);

  it("two workers on one database never run an environment's steps twice", async () => {
    const workers = [startChild({}), startChild({})];
    const envs = [];
    for (let i = 0; i < 6; i++) {
      const name = `pair-${i}`;
      envs.push({ name, ...(await (await import("@/lib/services/environments")).createEnvironment({ actor, input: { name, regionId, layers: [{ name: "web", stack: "busybox", count: 1 + (i % 2), reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1, ha: false }] } })) });
    }
    await waitFor("all environments running", async () => (await db.environment.count({ where: { name: { startsWith: "pair-" }, status: "RUNNING" } })) === envs.length, 90_000, 250);
    for (const e of envs) await deleteEnvironment({ actor, environmentId: e.environmentId, confirmName: e.name });
    await waitFor("all environments deleted", async () => (await db.environment.count({ where: { name: { startsWith: "pair-" } } })) === 0 && (await openOperations()) === 0, 90_000, 250);
    const ops = await db.operation.findMany({ where: { id: { in: envs.map((e) => e.operationId) } }, include: { steps: true } });
    expect(ops.every((o) => o.status === "SUCCEEDED")).toBe(true);
    const twice = ops.flatMap((o) => o.steps).filter((st) => st.attempts !== 1 || st.status !== "SUCCEEDED");
    expect(twice).toEqual([]);
    expect(await checkInvariants({ nodeIds: [nodeId] })).toEqual([]);
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
  }, 300_000);
});
