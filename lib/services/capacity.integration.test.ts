// Allocation ratios against real PostgreSQL: the region's ratio decides what placement may reserve,
// refusals name it, and lowering it below what is reserved marks nodes over-allocated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { listNodes } from "@/lib/db/nodes";
import { listRegions } from "@/lib/db/regions";
import { executeAction, type ActionActor } from "@/lib/actions/define";
import * as regionActions from "@/lib/actions/regions";
import { stopBoss } from "@/lib/queue";
import { makeRegion, makeSimNode, makeUser } from "../../scripts/test/cluster-fixture";
import { createEnvironment, previewPlacement } from "./environments";
import { setRegionAllocationRatios } from "./regions";
import type { Actor } from "@/lib/auth/actor";

let admin: ActionActor;
let dev: Actor;
let subnet = 180;

beforeAll(async () => {
  admin = await makeUser({ role: "ADMIN" });
  dev = await makeUser();
});

afterAll(async () => {
  await stopBoss();
  await disconnectDb();
});

const oneCloudletEnv = (regionId: string, name: string, count: number) => ({
  actor: dev,
  input: {
    name,
    regionId,
    layers: [
      { name: "app", stack: "busybox", count, reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1, ha: false },
    ],
  },
});

/** A 2-core machine as probed: 2 × 2600 MHz, 16 GiB, 200 GiB. */
const twoCoreNode = (regionId: string, name: string) =>
  makeSimNode({ regionId, name, ramMib: 16_384, cpuMhz: 5200, diskGib: 200, subnetIndex: subnet++ });

describe("allocation ratios", () => {
  it("ratio 4 (the default) on a 2-core node admits 52 one-cloudlet containers and refuses the 53rd naming the ratio", async () => {
    const region = await makeRegion();
    expect(region.cpuAllocationRatio).toBe(4);
    const node = await twoCoreNode(region.id, `two-core-${region.id.slice(-6)}`);
    for (let i = 0; i < 4; i++) await createEnvironment(oneCloudletEnv(region.id, `fill-${region.id}-${i}`, 13));
    const full = await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } });
    expect(full).toMatchObject({ reservedCpuMhz: 20_800, reservedContainers: 52 });
    const refused = createEnvironment(oneCloudletEnv(region.id, `one-more-${region.id}`, 1));
    await expect(refused).rejects.toMatchObject({ code: "NO_CAPACITY" });
    const error = (await refused.catch((e: unknown) => e)) as {
      details?: { rejections: { node: string; reasons: string[] }[] };
    };
    expect(error.details?.rejections[0].reasons).toEqual([
      `${node.name}: needs 400 MHz CPU, 0 MHz allocatable of 20.8 GHz at 4:1`,
    ]);
    // The wizard's preview reads the same numbers.
    const preview = await previewPlacement({ actor: dev, input: oneCloudletEnv(region.id, "preview", 1).input });
    expect(preview.result.ok).toBe(false);
    expect(preview.steps[0].nodes[0].reasons[0]).toContain("allocatable of 20.8 GHz at 4:1");
    const [row] = (await listRegions({ actor: admin as Actor })).filter((r) => r.id === region.id);
    expect(row).toMatchObject({
      allocatable: { cpuMhz: 20_800, ramMib: 16_384, diskGib: 200 },
      ratios: { cpu: 4, ram: 1, disk: 1 },
      overAllocatedNodes: 0,
    });
  }, 120_000);

  it("lowering a ratio below what is reserved is allowed, marks the node over-allocated and the next placement avoids it", async () => {
    const region = await makeRegion();
    const busy = await twoCoreNode(region.id, `busy-${region.id.slice(-6)}`);
    await createEnvironment(oneCloudletEnv(region.id, `busy-${region.id}`, 20)); // 8 GHz on the only node
    const idle = await twoCoreNode(region.id, `idle-${region.id.slice(-6)}`);
    const result = await setRegionAllocationRatios({
      actor: admin as Actor,
      input: { regionId: region.id, cpuAllocationRatio: 1.5, ramAllocationRatio: 1, diskAllocationRatio: 1 },
    });
    expect(result.overAllocated).toEqual([{ id: busy.id, name: busy.name, resources: ["cpu"] }]);
    const nodes = await listNodes({ actor: admin as Actor, regionId: region.id });
    expect(nodes.find((n) => n.id === busy.id)).toMatchObject({
      overAllocated: ["cpu"],
      allocatable: { cpuMhz: 7800 },
      reserved: { cpuMhz: 8000 },
    });
    expect(nodes.find((n) => n.id === idle.id)?.overAllocated).toEqual([]);
    const next = await createEnvironment(oneCloudletEnv(region.id, `after-${region.id}`, 3));
    const placed = await db.container.findMany({ where: { environmentId: next.environmentId } });
    expect(placed.map((c) => c.hardwareNodeId)).toEqual([idle.id, idle.id, idle.id]);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "region.allocation-ratios", targetId: region.id },
    });
    expect(audit.detail).toMatchObject({ to: { cpuAllocationRatio: 1.5 }, overAllocated: [`${busy.name} (cpu)`] });
    // Raising it again clears the mark.
    await setRegionAllocationRatios({
      actor: admin as Actor,
      input: { regionId: region.id, cpuAllocationRatio: 4, ramAllocationRatio: 1, diskAllocationRatio: 1 },
    });
    expect(
      (await listNodes({ actor: admin as Actor, regionId: region.id })).every((n) => !n.overAllocated.length),
    ).toBe(true);
  }, 120_000);

  it("validates ratios with field errors and only admins may set them", async () => {
    const region = await makeRegion();
    await expect(
      executeAction(regionActions.setRegionAllocationRatios, {
        actor: admin,
        input: { regionId: region.id, cpuAllocationRatio: "0", ramAllocationRatio: "1", diskAllocationRatio: "x" },
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { cpuAllocationRatio: expect.any(Array), diskAllocationRatio: expect.any(Array) },
    });
    await expect(
      executeAction(regionActions.setRegionAllocationRatios, {
        actor: dev as ActionActor,
        input: { regionId: region.id, cpuAllocationRatio: "2", ramAllocationRatio: "1", diskAllocationRatio: "1" },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.region.findUniqueOrThrow({ where: { id: region.id } })).cpuAllocationRatio).toBe(4);
  });
});
