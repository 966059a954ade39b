import { describe, expect, it } from "vitest";
import { planEvacuation } from "./evacuate";
import { applyPlacement } from "./reservations";
import { makeNode } from "./test-helpers";
import type { EvacuatingContainer } from "./types";

const container = (id: string, patch: Partial<EvacuatingContainer> = {}): EvacuatingContainer => ({
  containerId: id,
  environmentId: "env-1",
  layerId: "app",
  ha: false,
  resources: { reservedCloudlets: 4, dynamicCloudlets: 8, diskGib: 10 },
  ...patch,
});

describe("planEvacuation", () => {
  it("moves every container off the node, never onto it or a non-ACTIVE node", () => {
    const source = makeNode("hn-1", {
      status: "EVACUATING",
      reserved: { ramMib: 1024, cpuMhz: 3200, diskGib: 20, containers: 2, limitCloudlets: 16 },
    });
    const nodes = [
      source,
      makeNode("hn-2", { status: "MAINTENANCE" }),
      makeNode("hn-3"),
      makeNode("hn-4", { status: "OFFLINE" }),
    ];
    const plan = planEvacuation({ nodeId: "hn-1", containers: [container("c1"), container("c2")], nodes });
    expect(plan.complete).toBe(true);
    expect(plan.unmovable).toEqual([]);
    expect(plan.moves.map((m) => [m.containerId, m.fromNodeId, m.toNodeId])).toEqual([
      ["c1", "hn-1", "hn-3"],
      ["c2", "hn-1", "hn-3"],
    ]);
    const after = applyPlacement(nodes, plan);
    expect(after[0].reserved).toEqual({ ramMib: 0, cpuMhz: 0, diskGib: 0, containers: 0, limitCloudlets: 0 });
    expect(after[2].reserved).toEqual({ ramMib: 1024, cpuMhz: 3200, diskGib: 20, containers: 2, limitCloudlets: 16 });
  });

  it("keeps HA layers apart, counting their containers on other nodes", () => {
    const nodes = [makeNode("hn-1"), makeNode("hn-2"), makeNode("hn-3"), makeNode("hn-4")];
    const plan = planEvacuation({
      nodeId: "hn-1",
      containers: [container("db-0", { layerId: "db", ha: true })],
      nodes,
      placements: [
        { environmentId: "env-1", layerId: "db", nodeId: "hn-2" },
        { environmentId: "env-1", layerId: "db", nodeId: "hn-3" },
        { environmentId: "env-2", layerId: "db", nodeId: "hn-4" },
      ],
    });
    expect(plan.moves.map((m) => m.toNodeId)).toEqual(["hn-4"]);
  });

  it("reports what cannot move and why, and moves the rest", () => {
    const nodes = [
      makeNode("hn-1"),
      makeNode("hn-2", { capacity: { ramMib: 1024 } }),
      makeNode("hn-3", { regionId: "r2" }),
    ];
    const plan = planEvacuation({
      nodeId: "hn-1",
      containers: [
        container("small", { resources: { reservedCloudlets: 2, dynamicCloudlets: 2, diskGib: 1 } }),
        container("big", { resources: { reservedCloudlets: 16, dynamicCloudlets: 16, diskGib: 1 } }),
      ],
      nodes,
    });
    expect(plan.complete).toBe(false);
    expect(plan.moves.map((m) => m.containerId)).toEqual(["small"]);
    expect(plan.unmovable).toHaveLength(1);
    const [stuck] = plan.unmovable;
    expect(stuck.containerId).toBe("big");
    expect(stuck.message).toContain("container big");
    // "big" is tried first (biggest first), so "small" has not taken hn-2's RAM yet.
    expect(stuck.rejections).toEqual([
      { nodeId: "hn-1", nodeName: "hn-1", reasons: ["hn-1: is the node being evacuated"] },
      {
        nodeId: "hn-2",
        nodeName: "hn-2",
        reasons: [
          expect.stringMatching(/^hn-2: needs 2048 MiB RAM, 1024 MiB allocatable of [\d.]+ GiB at 1:1$/),
          expect.stringContaining("hn-2: dynamic limit"),
        ],
      },
      { nodeId: "hn-3", nodeName: "hn-3", reasons: ["hn-3: in region r2, environment is in region r1"] },
    ]);
  });

  it("does not depend on the order containers are listed in", () => {
    const nodes = Array.from({ length: 5 }, (_, i) => makeNode(`hn-${i}`));
    const cs = [
      container("a"),
      container("b", { layerId: "db", ha: true }),
      container("c", { resources: { reservedCloudlets: 9, dynamicCloudlets: 9, diskGib: 3 } }),
    ];
    const one = planEvacuation({ nodeId: "hn-0", containers: cs, nodes });
    const two = planEvacuation({ nodeId: "hn-0", containers: [...cs].reverse(), nodes });
    expect(two).toEqual(one);
  });

  it("explains a node missing from the snapshot", () => {
    const plan = planEvacuation({ nodeId: "ghost", containers: [container("c1")], nodes: [makeNode("hn-1")] });
    expect(plan.complete).toBe(false);
    expect(plan.unmovable[0].message).toContain("not in the cluster snapshot");
  });
});
