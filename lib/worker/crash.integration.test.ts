// Crash safety: a worker child process SIGKILLs itself at a named step (HOSTPLANE_FAILPOINT);
// a fresh worker must then converge with nothing lost: rows match real LXC containers, reserved
// capacity equals the live containers, no operation stays open, every step finished.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { stopBoss } from "@/lib/queue";
import { deleteEnvironment } from "@/lib/services/environment-ops";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { checkInvariants } from "../../scripts/test/invariants";
import {
  crashAt,
  crashInput,
  CREATE_STEPS,
  DELETE_STEPS,
  killAllChildren,
  openOperations,
  recover,
  startChild,
} from "../../scripts/test/crash-harness";
import type { Actor } from "@/lib/auth/actor";
import { config } from "@/lib/config";

const LXC = { lxcPath: "/var/lib/hostplane-test/crash", bridge: "hp-tcr", subnet: "10.213.248.0/24" };
const KILLS_PER_STEP = config.HOSTPLANE_CRASH_KILLS;

let regionId: string;
let nodeId: string;
let actor: Actor;

async function expectCrash(failpoint: string, submit?: object) {
  const result = await crashAt(failpoint, submit);
  expect(result?.signal, `worker should have killed itself at ${failpoint}`).toBe("SIGKILL");
}

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  cleanLxcNode(LXC);
  // Files before this one ran without a worker and may have left operations open in the shared
  // database. Our workers would run them, and a step's failpoint could fire on theirs instead.
  await db.operation.updateMany({
    where: { status: { in: ["PENDING", "RUNNING"] } },
    data: { status: "CANCELLED", finishedAt: new Date(), error: "left open by an earlier test file" },
  });
  regionId = (await makeRegion()).id;
  nodeId = (await makeLxcNode({ regionId, name: "crash-1", lxc: LXC })).id;
  actor = await makeUser();
});

afterAll(async () => {
  killAllChildren();
  await stopBoss();
  cleanLxcNode(LXC);
  await disconnectDb();
});

describe("crash safety (SIGKILL at every named step, real LXC)", () => {
  const plan: { create: [string, number]; del: [string, number] | null }[] = [];
  for (const [step] of CREATE_STEPS)
    for (let i = 0; i < KILLS_PER_STEP; i++)
      plan.push({ create: [step, (i % CREATE_STEPS.find((s) => s[0] === step)![1]) + 1], del: null });
  let d = 0;
  for (const [step, occurrences] of DELETE_STEPS)
    for (let i = 0; i < KILLS_PER_STEP; i++) plan[d++ % plan.length].del = [step, (i % occurrences) + 1];

  it(`survives ${plan.length} kills during creation and ${plan.filter((p) => p.del).length} during deletion`, async () => {
    const tally: Record<string, number> = {};
    for (const [i, round] of plan.entries()) {
      const name = `crash-${i}`;
      const input = crashInput(name, regionId);
      await expectCrash(`${round.create[0]}:${round.create[1]}`, { kind: "create", actorId: actor.id, input });
      tally[round.create[0]] = (tally[round.create[0]] ?? 0) + 1;
      await recover();
      const env = await db.environment.findFirstOrThrow({ where: { name, ownerId: actor.id } });
      expect(env.status, `after a kill at ${round.create.join("#")}`).toBe("RUNNING");
      expect(await checkInvariants({ nodeIds: [nodeId] }), `after a kill at ${round.create.join("#")}`).toEqual([]);

      await deleteEnvironment({ actor, environmentId: env.id, confirmName: name });
      if (round.del) {
        await expectCrash(`${round.del[0]}:${round.del[1]}`);
        tally[round.del[0]] = (tally[round.del[0]] ?? 0) + 1;
      }
      await recover();
      expect(
        await db.environment.findUnique({ where: { id: env.id } }),
        `after a kill at ${round.del?.join("#") ?? "none"}`,
      ).toBeNull();
      expect(await checkInvariants({ nodeIds: [nodeId] }), `after a kill at ${round.del?.join("#") ?? "none"}`).toEqual(
        [],
      );
    }
    console.log(`[crash] kills per step: ${JSON.stringify(tally)}`);
    for (const [step] of [...CREATE_STEPS, ...DELETE_STEPS]) expect(tally[step]).toBe(KILLS_PER_STEP);
  }, 1_200_000);

  it("two workers on one database never run an environment's steps twice", async () => {
    const workers = [startChild({}), startChild({})];
    const envs = [];
    for (let i = 0; i < 6; i++) {
      const name = `pair-${i}`;
      envs.push({
        name,
        ...(await (
          await import("@/lib/services/environments")
        ).createEnvironment({
          actor,
          input: {
            name,
            regionId,
            layers: [
              {
                name: "web",
                stack: "busybox",
                count: 1 + (i % 2),
                reservedCloudlets: 1,
                dynamicCloudlets: 1,
                diskGib: 1,
                ha: false,
              },
            ],
          },
        })),
      });
    }
    await waitFor(
      "all environments running",
      async () =>
        (await db.environment.count({ where: { name: { startsWith: "pair-" }, status: "RUNNING" } })) === envs.length,
      180_000,
      250,
    );
    for (const e of envs) await deleteEnvironment({ actor, environmentId: e.environmentId, confirmName: e.name });
    await waitFor(
      "all environments deleted",
      async () =>
        (await db.environment.count({ where: { name: { startsWith: "pair-" } } })) === 0 &&
        (await openOperations()) === 0,
      180_000,
      250,
    );
    const ops = await db.operation.findMany({
      where: { id: { in: envs.map((e) => e.operationId) } },
      include: { steps: true },
    });
    expect(ops.every((o) => o.status === "SUCCEEDED")).toBe(true);
    const twice = ops.flatMap((o) => o.steps).filter((st) => st.attempts !== 1 || st.status !== "SUCCEEDED");
    expect(twice).toEqual([]);
    expect(await checkInvariants({ nodeIds: [nodeId] })).toEqual([]);
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
  }, 600_000);
});
