import { describe, expect, it } from "vitest";
import { placeEnvironment } from "./place";
import { prepareCluster } from "./prepared-cluster";
import { applyPlacement, freeCapacity, releaseFromNode, releasePlacement, reserveOnNode } from "./reservations";
import { makeLayer, makeNode } from "./test-helpers";

describe("reservations", () => {
  const resources = { reservedCloudlets: 4, dynamicCloudlets: 10, diskGib: 8 };

  it("reserveOnNode then releaseFromNode restores the node exactly", () => {
    const node = makeNode("hn-1", {
      reserved: { ramMib: 100, cpuMhz: 200, diskGib: 3, containers: 1, limitCloudlets: 5 },
    });
    const reserved = reserveOnNode(node, resources);
    expect(reserved.reserved).toEqual({ ramMib: 612, cpuMhz: 1800, diskGib: 11, containers: 2, limitCloudlets: 15 });
    expect(releaseFromNode(reserved, resources)).toEqual(node);
  });

  it("applyPlacement adds the deltas and keeps untouched nodes by identity", () => {
    const nodes = [makeNode("hn-1"), makeNode("hn-2"), makeNode("hn-3", { status: "OFFLINE" })];
    const result = placeEnvironment({
      request: { requestId: "r", regionId: "r1", layers: [makeLayer("a", { count: 2, ha: true })] },
      nodes,
    });
    if (!result.ok) throw new Error(result.message);
    const after = applyPlacement(nodes, result);
    expect(after[2]).toBe(nodes[2]);
    expect(after[0].reserved.containers + after[1].reserved.containers).toBe(2);
    expect(releasePlacement(after, result)).toEqual(nodes);
  });

  it("works the same on a PreparedCluster, whose arrays follow the snapshots", () => {
    const nodes = [makeNode("hn-1"), makeNode("hn-2")];
    const cluster = prepareCluster(nodes);
    const result = placeEnvironment({
      request: { requestId: "r", regionId: "r1", layers: [makeLayer("a", { count: 3 })] },
      nodes: cluster,
    });
    if (!result.ok) throw new Error(result.message);
    const after = applyPlacement(cluster, result);
    expect(after.nodes).toEqual(applyPlacement(nodes, result));
    expect(prepareCluster(after.nodes).reserved).toEqual(after.reserved);
    expect(cluster.nodes).toEqual(nodes);
    const back = releasePlacement(after, result);
    expect(back.reserved).toEqual(cluster.reserved);
    expect(back.nodes).toEqual(nodes);
  });

  it("freeCapacity subtracts reserved from capacity and the overcommit ceiling", () => {
    const node = makeNode("hn-1", {
      overcommitRatio: 1.5,
      reserved: { ramMib: 1024, cpuMhz: 400, diskGib: 100, containers: 4, limitCloudlets: 50 },
    });
    expect(freeCapacity(node)).toEqual({
      ramMib: 15_360,
      cpuMhz: 50_800,
      diskGib: 400,
      containers: 46,
      limitCloudlets: 142,
    });
  });
});
