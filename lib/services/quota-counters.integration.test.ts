// Quota usage counters against real PostgreSQL: row triggers keep QuotaUsage equal to the
// aggregates through every kind of mutation (property test on the sim engine, with the worker
// converging and deleting rows meanwhile), and the quota check on them is atomic under concurrency.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { stopBoss } from "@/lib/queue";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { makeRegion, makeSimNode, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { createEnvironment } from "./environments";
import { deleteEnvironment, resizeLayer, scaleLayer, setEnvironmentRunning } from "./environment-ops";
import type { Actor } from "@/lib/auth/actor";

let worker: RunningWorker;
// Inside 10.213.0.0/16 (the sim engine refuses other container addresses), clear of the lxc tests' /24s.
let subnet = 150;
const simSubnet = () => ({ subnetIndex: subnet, subnet: `10.213.${subnet++}.0/24` });

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  worker = await startWorker({
    concurrency: 3,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    log: () => {},
  });
});

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  await disconnectDb();
});

type Reader = Pick<typeof db, "environment" | "container" | "quotaUsage">;

/** The aggregates the counters stand for. */
async function aggregateOf(userId: string, client: Reader = db) {
  const [environments, reserved] = await Promise.all([
    client.environment.count({ where: { ownerId: userId } }),
    client.container.aggregate({
      where: { environment: { ownerId: userId }, desiredState: { not: "DELETED" } },
      _sum: { reservedCloudlets: true },
    }),
  ]);
  return { environments, reservedCloudlets: reserved._sum.reservedCloudlets ?? 0 };
}

async function counterOf(userId: string, client: Reader = db) {
  const row = await client.quotaUsage.findUnique({ where: { userId } });
  return { environments: row?.environments ?? 0, reservedCloudlets: row?.reservedCloudlets ?? 0 };
}

type Command =
  | { kind: "create"; user: number; count: number; cloudlets: number }
  | { kind: "scale"; pick: number; count: number }
  | { kind: "resize"; pick: number; cloudlets: number }
  | { kind: "toggle"; pick: number }
  | { kind: "delete"; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant("create" as const),
    user: fc.nat(2),
    count: fc.integer({ min: 1, max: 3 }),
    cloudlets: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant("scale" as const), pick: fc.nat(1000), count: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant("resize" as const), pick: fc.nat(1000), cloudlets: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant("toggle" as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat(1000) }),
);

describe("quota usage counters", () => {
  it("equal the aggregates after 200 random mutations (sim engine, worker converging meanwhile)", async () => {
    const region = await makeRegion();
    for (let i = 0; i < 4; i++)
      await makeSimNode({
        regionId: region.id,
        ramMib: 64 * 1024,
        cpuMhz: 100_000,
        maxContainers: 200,
        ...simSubnet(),
      });
    const users: Actor[] = await Promise.all([0, 1, 2].map(() => makeUser()));
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 200, maxLength: 200 }), async (commands) => {
        const envs: { id: string; name: string; owner: Actor; layerId: string; running: boolean }[] = [];
        let refused = 0;
        for (const c of commands) {
          const env = envs.length && c.kind !== "create" ? envs[c.pick % envs.length] : null;
          try {
            if (c.kind === "create" || !env) {
              const owner = users[c.kind === "create" ? c.user : seq % 3];
              const name = `q-${region.id.slice(-5)}-${seq++}`;
              const cloudlets = c.kind === "create" ? c.cloudlets : 1;
              const r = await createEnvironment({
                actor: owner,
                input: {
                  name,
                  regionId: region.id,
                  layers: [
                    {
                      name: "app",
                      stack: "busybox",
                      count: c.kind === "create" ? c.count : 1,
                      reservedCloudlets: cloudlets,
                      dynamicCloudlets: Math.max(1, cloudlets) + 1,
                      diskGib: 1,
                      ha: false,
                    },
                  ],
                },
              });
              const layer = await db.layer.findFirstOrThrow({ where: { environmentId: r.environmentId } });
              envs.push({ id: r.environmentId, name, owner, layerId: layer.id, running: true });
            } else if (c.kind === "scale") {
              await scaleLayer({
                actor: env.owner,
                input: { environmentId: env.id, layerId: env.layerId, count: c.count },
              });
            } else if (c.kind === "resize") {
              await resizeLayer({
                actor: env.owner,
                input: {
                  environmentId: env.id,
                  layerId: env.layerId,
                  reservedCloudlets: c.cloudlets,
                  dynamicCloudlets: Math.max(1, c.cloudlets) + 1,
                },
              });
            } else if (c.kind === "toggle") {
              env.running = !env.running;
              await setEnvironmentRunning({ actor: env.owner, environmentId: env.id, running: env.running });
            } else {
              await deleteEnvironment({ actor: env.owner, environmentId: env.id, confirmName: env.name });
              envs.splice(envs.indexOf(env), 1);
            }
          } catch (error) {
            // Refusals are fine (scaling to the same count, a layer mid-deletion); anything else is not.
            const code = (error as { code?: string }).code;
            expect(["VALIDATION", "CONFLICT", "NOT_FOUND"]).toContain(code);
            refused++;
          }
        }
        expect(refused).toBeLessThan(commands.length / 2);
        // Counters are exact at every instant, also while the worker deletes rows meanwhile: both read in
        // one snapshot (read one after the other, a deletion committed between them would differ).
        const snapshot = await db.$transaction(
          (tx) => Promise.all(users.map(async (u) => [await counterOf(u.id, tx), await aggregateOf(u.id, tx)])),
          { isolationLevel: "RepeatableRead" },
        );
        for (const [counter, aggregate] of snapshot) expect(counter).toEqual(aggregate);
        await waitFor("the worker to converge", async () =>
          (await db.operation.count({
            where: { environment: { regionId: region.id }, status: { in: ["PENDING", "RUNNING"] } },
          })) === 0
            ? true
            : null,
        );
        for (const u of users) expect(await counterOf(u.id)).toEqual(await aggregateOf(u.id));
        // Nothing failed on the way, and nothing is left for later files' invariants (operations of a
        // deleted environment keep their rows with no environment).
        const ours = { userId: { in: users.map((u) => u.id) } };
        const failed = await db.operation.findMany({
          where: { ...ours, status: "FAILED" },
          select: { kind: true, error: true, errorDetail: true },
        });
        expect(failed).toEqual([]);
        await db.operation.deleteMany({ where: ours });
      }),
      { numRuns: 1, seed: 15, endOnFailure: true },
    );
  }, 300_000);

  it("a deleted environment's live containers leave the counters with it (cascade)", async () => {
    const region = await makeRegion();
    await makeSimNode({ regionId: region.id, ramMib: 8192, cpuMhz: 20_000, ...simSubnet() });
    const user = await makeUser();
    const r = await createEnvironment({
      actor: user,
      input: {
        name: "cascade",
        regionId: region.id,
        layers: [
          { name: "app", stack: "busybox", count: 3, reservedCloudlets: 2, dynamicCloudlets: 2, diskGib: 1, ha: false },
        ],
      },
    });
    expect(await counterOf(user.id)).toEqual({ environments: 1, reservedCloudlets: 6 });
    await db.operation.deleteMany({ where: { environmentId: r.environmentId } });
    await db.environment.delete({ where: { id: r.environmentId } });
    expect(await counterOf(user.id)).toEqual({ environments: 0, reservedCloudlets: 0 });
    expect(await aggregateOf(user.id)).toEqual({ environments: 0, reservedCloudlets: 0 });
  });

  it("checks totals on the counters atomically: 8 parallel creations under a 3-environment quota, exactly 3 succeed", async () => {
    const region = await makeRegion();
    await makeSimNode({ regionId: region.id, ramMib: 64 * 1024, cpuMhz: 100_000, ...simSubnet() });
    const user = await makeUser({ quota: { maxEnvironments: 3, maxReservedCloudlets: 100 } });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        createEnvironment({
          actor: user,
          input: {
            name: `par-${i}`,
            regionId: region.id,
            layers: [
              {
                name: "app",
                stack: "busybox",
                count: 1,
                reservedCloudlets: 1,
                dynamicCloudlets: 1,
                diskGib: 1,
                ha: false,
              },
            ],
          },
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: "QUOTA_EXCEEDED",
        message: expect.stringContaining("at most 3 environments (you have 3)"),
      });
    expect(await counterOf(user.id)).toEqual({ environments: 3, reservedCloudlets: 3 });
    // The reserved-cloudlet total is checked the same way.
    const tight = await makeUser({ quota: { maxReservedCloudlets: 5 } });
    const sized = (name: string, n: number) =>
      createEnvironment({
        actor: tight,
        input: {
          name,
          regionId: region.id,
          layers: [
            {
              name: "app",
              stack: "busybox",
              count: n,
              reservedCloudlets: 1,
              dynamicCloudlets: 1,
              diskGib: 1,
              ha: false,
            },
          ],
        },
      });
    await sized("four", 4);
    await expect(sized("two", 2)).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringContaining("this would make 6"),
    });
    expect(await counterOf(tight.id)).toEqual({ environments: 1, reservedCloudlets: 4 });
  }, 120_000);
});
