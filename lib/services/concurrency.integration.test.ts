// Parallel placement against one database: reservations are committed under the locks of the nodes
// they touch, so exactly what fits succeeds and no node is ever allocated beyond physical × ratio.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB } from "@/lib/orchestrator/scheduler";
import { stopBoss } from "@/lib/queue";
import { makeRegion, makeSimNode, makeUser } from "../../scripts/test/cluster-fixture";
import { createEnvironment } from "./environments";
import type { Actor } from "@/lib/auth/actor";

let subnet = 0;
let users: Actor[] = [];

beforeAll(async () => {
  users = await Promise.all([1, 2, 3, 4, 5].map(() => makeUser()));
});

afterAll(async () => {
  await stopBoss();
  await disconnectDb();
});

async function nodeConsistency(regionId: string) {
  const nodes = await db.hardwareNode.findMany({ where: { regionId }, include: { containers: true, region: true } });
  for (const n of nodes) {
    // Allocatable: physical × the region's ratio (CPU 4:1 by default).
    expect(n.reservedRamMib).toBeLessThanOrEqual(Math.floor(n.ramMib * n.region.ramAllocationRatio));
    expect(n.reservedCpuMhz).toBeLessThanOrEqual(Math.floor(n.cpuMhz * n.region.cpuAllocationRatio));
    expect(n.reservedDiskGib).toBeLessThanOrEqual(Math.floor(n.diskGib * n.region.diskAllocationRatio));
    expect(n.reservedContainers).toBeLessThanOrEqual(n.maxContainers);
    expect(n.reservedLimitCloudlets * CLOUDLET_RAM_MIB).toBeLessThanOrEqual(n.ramMib * n.overcommitRatio);
    expect(n.reservedRamMib).toBe(n.containers.reduce((s, c) => s + c.reservedCloudlets * CLOUDLET_RAM_MIB, 0));
    expect(n.reservedCpuMhz).toBe(n.containers.reduce((s, c) => s + c.reservedCloudlets * CLOUDLET_CPU_MHZ, 0));
    expect(n.reservedContainers).toBe(n.containers.length);
  }
}

async function race(regionId: string, requests: { cloudlets: number; dynamic: number; count: number }[]) {
  const results = await Promise.allSettled(
    requests.map((r, i) =>
      createEnvironment({
        actor: users[i % users.length],
        input: {
          name: `par-${regionId.slice(-6)}-${i}`,
          regionId,
          layers: [
            {
              name: "app",
              stack: "busybox",
              count: r.count,
              reservedCloudlets: r.cloudlets,
              dynamicCloudlets: r.dynamic,
              diskGib: 1,
              ha: false,
            },
          ],
        },
      }),
    ),
  );
  const failures = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
  return { ok: results.filter((r) => r.status === "fulfilled").length, failures };
}

describe("concurrent creations", () => {
  it("50 parallel creations on a cluster that fits exactly 15: exactly 15 succeed, the rest get NO_CAPACITY", async () => {
    const region = await makeRegion();
    for (let i = 0; i < 3; i++)
      await makeSimNode({
        regionId: region.id,
        ramMib: 10 * CLOUDLET_RAM_MIB,
        cpuMhz: 10 * CLOUDLET_CPU_MHZ,
        subnetIndex: subnet++,
      });
    const { ok, failures } = await race(
      region.id,
      Array.from({ length: 50 }, () => ({ cloudlets: 2, dynamic: 2, count: 1 })),
    );
    expect(ok).toBe(15);
    expect(failures).toHaveLength(35);
    for (const f of failures) expect(f).toMatchObject({ code: "NO_CAPACITY" });
    expect(await db.environment.count({ where: { regionId: region.id } })).toBe(15);
    await nodeConsistency(region.id);
  }, 120_000);

  it("random sizes, many rounds (sim engine): never overcommitted, reservations equal the rows", async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 12; round++) {
      const region = await makeRegion();
      const nodes = 2 + rand(4);
      for (let i = 0; i < nodes; i++)
        await makeSimNode({
          regionId: region.id,
          ramMib: (4 + rand(12)) * CLOUDLET_RAM_MIB,
          cpuMhz: (4 + rand(12)) * CLOUDLET_CPU_MHZ,
          maxContainers: 3 + rand(6),
          subnetIndex: subnet++,
        });
      const requests = Array.from({ length: 20 + rand(15) }, () => {
        const cloudlets = 1 + rand(4);
        return { cloudlets, dynamic: cloudlets + rand(3), count: 1 + rand(3) };
      });
      const { failures } = await race(region.id, requests);
      for (const f of failures) expect(["NO_CAPACITY"]).toContain((f as { code?: string }).code);
      await nodeConsistency(region.id);
    }
  }, 300_000);
});
