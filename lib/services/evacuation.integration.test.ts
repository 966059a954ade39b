// Evacuating a real LXC node: containers move to the other node, keep their IPs and keep running.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { stopBoss } from "@/lib/queue";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { checkInvariants } from "../../scripts/test/invariants";
import { createEnvironment } from "./environments";
import { evacuateNode, planNodeEvacuation } from "./evacuation";
import { engineFor } from "./node-engine";

const A = { lxcPath: "/var/lib/hostplane-test/evac-a", bridge: "hp-tea", subnet: "10.213.246.0/24" };
const B = { lxcPath: "/var/lib/hostplane-test/evac-b", bridge: "hp-teb", subnet: "10.213.247.0/24" };
let worker: RunningWorker;

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  cleanLxcNode(A);
  cleanLxcNode(B);
  worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    log: () => {},
  });
});

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  cleanLxcNode(A);
  cleanLxcNode(B);
  await disconnectDb();
});

describe("evacuation", () => {
  it("plans first (with reasons when something cannot move), then moves containers for real keeping their IPs", async () => {
    const region = await makeRegion();
    const admin = await makeUser({ role: "ADMIN" });
    const dev = await makeUser();
    const nodeA = await makeLxcNode({ regionId: region.id, name: "evac-a", lxc: A });
    const nodeB = await makeLxcNode({ regionId: region.id, name: "evac-b", lxc: B, ramMib: 256 });
    await db.hardwareNode.update({ where: { id: nodeB.id }, data: { status: "MAINTENANCE" } });
    const { environmentId, operationId } = await createEnvironment({
      actor: dev,
      input: {
        name: "movable",
        regionId: region.id,
        layers: [
          { name: "web", stack: "busybox", count: 2, reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1, ha: false },
        ],
      },
    });
    await waitFor(
      "environment running",
      async () => (await db.operation.findUniqueOrThrow({ where: { id: operationId } })).status === "SUCCEEDED",
    );
    await db.hardwareNode.update({ where: { id: nodeB.id }, data: { status: "ACTIVE", ramMib: 128 } });

    // B has room for one container only: nothing starts, and the admin sees why.
    const tight = await planNodeEvacuation({ actor: admin, nodeId: nodeA.id });
    expect(tight.complete).toBe(false);
    expect(tight.startLabel).toBeNull();
    expect(tight.blocked[0].nodeReasons.join(" ")).toMatch(
      /evac-b: needs 128 MiB RAM, 0 MiB allocatable of [\d.]+ [MG]iB at 1:1/,
    );
    await expect(evacuateNode({ actor: admin, nodeId: nodeA.id })).rejects.toMatchObject({ code: "NO_CAPACITY" });
    expect(await db.container.count({ where: { hardwareNodeId: nodeA.id } })).toBe(2);
    await expect(planNodeEvacuation({ actor: dev, nodeId: nodeA.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await db.hardwareNode.update({ where: { id: nodeB.id }, data: { ramMib: 1024 } });
    const plan = await planNodeEvacuation({ actor: admin, nodeId: nodeA.id });
    expect(plan.complete).toBe(true);
    expect(plan.moves.map((m) => m.toNodeName)).toEqual(["evac-b", "evac-b"]);
    const before = await db.container.findMany({ where: { environmentId }, orderBy: { id: "asc" } });
    const { operationId: evacId } = await evacuateNode({ actor: admin, nodeId: nodeA.id });
    await waitFor(
      "evacuation done",
      async () => (await db.operation.findUniqueOrThrow({ where: { id: evacId } })).status === "SUCCEEDED",
      180_000,
    );

    const after = await db.container.findMany({ where: { environmentId }, orderBy: { id: "asc" } });
    expect(after.map((c) => [c.id, c.ip, c.hardwareNodeId])).toEqual(before.map((c) => [c.id, c.ip, nodeB.id]));
    const onB = new Map((await engineFor(nodeB).list()).map((o) => [o.name, o]));
    for (const c of after) {
      expect(onB.get(containerNameFor(c.id))?.state).toBe("running");
      execFileSync("ping", ["-c", "1", "-W", "2", c.ip!]);
    }
    expect((await engineFor(nodeA).list()).filter((o) => o.name.startsWith("hp-"))).toEqual([]);
    expect((await db.environment.findUniqueOrThrow({ where: { id: environmentId } })).status).toBe("RUNNING");
    expect((await db.hardwareNode.findUniqueOrThrow({ where: { id: nodeA.id } })).status).toBe("EVACUATING");
    expect(await checkInvariants({ nodeIds: [nodeA.id, nodeB.id] })).toEqual([]);
  }, 600_000);
});
