import { describe, expect, it } from "vitest";
import { describeEvacuationPlan, type PlanContainer } from "./evacuation-view";

const names: Record<string, PlanContainer> = {
  c1: { containerId: "c1", containerName: "cp-1", engineName: "hp-c1", environmentName: "shop", layerName: "cp" },
  c2: { containerId: "c2", containerName: "cp-2", engineName: "hp-c2", environmentName: "shop", layerName: "cp" },
  c3: { containerId: "c3", containerName: "db-1", engineName: "hp-c3", environmentName: "blog", layerName: "db" },
};
const describe_ = (id: string) => names[id]!;
const nodeNames = new Map([
  ["n1", "hn-1"],
  ["n2", "hn-2"],
]);
const move = (containerId: string, toNodeId: string) => ({
  containerId,
  environmentId: "e",
  layerId: "l",
  fromNodeId: "n1",
  toNodeId,
  score: 50,
});
const stuck = (containerId: string, reason: string) => ({
  containerId,
  environmentId: "e",
  layerId: "l",
  message: `No hardware node can take container ${containerId}: ${reason}`,
  reason,
  rejections: [
    { nodeId: "n1", nodeName: "hn-1", reasons: ["hn-1: being evacuated"] },
    { nodeId: "n2", nodeName: "hn-2", reasons: ["hn-2: needs 1024 MiB RAM, 0 MiB free"] },
  ],
});

describe("describeEvacuationPlan", () => {
  it("a complete plan names containers by environment, layer and display name, and its button says what moves where", () => {
    const view = describeEvacuationPlan({
      plan: { complete: true, moves: [move("c1", "n2"), move("c3", "n2")], unmovable: [] },
      nodeName: "hn-1",
      nodeNames,
      describe: describe_,
    });
    expect(view.moves.map((m) => `${m.environmentName}/${m.layerName}/${m.containerName}→${m.toNodeName}`)).toEqual([
      "shop/cp/cp-1→hn-2",
      "blog/db/db-1→hn-2",
    ]);
    expect(view.startLabel).toBe("Move 2 containers to hn-2");
    expect(view.blocked).toEqual([]);
  });

  it("an incomplete plan offers no start, groups what cannot move by reason and leaves out the evacuated node", () => {
    const full = "2 nodes checked: 1 being evacuated, 1 not enough free RAM";
    const view = describeEvacuationPlan({
      plan: {
        complete: false,
        moves: [move("c3", "n2")],
        unmovable: [stuck("c1", full), stuck("c2", full)],
      },
      nodeName: "hn-1",
      nodeNames,
      describe: describe_,
    });
    expect(view.startLabel).toBeNull();
    expect(view.summary).toMatch(/^This evacuation cannot start: 2 containers have nowhere to go\./);
    expect(view.blocked).toHaveLength(1);
    expect(view.blocked[0]!.reason).toBe(full);
    expect(view.blocked[0]!.containers.map((c) => c.containerName)).toEqual(["cp-1", "cp-2"]);
    expect(view.blocked[0]!.nodeReasons).toEqual(["hn-2: needs 1024 MiB RAM, 0 MiB free"]);
  });

  it("one container uses the singular, and an empty node has nothing to start", () => {
    const one = describeEvacuationPlan({
      plan: { complete: false, moves: [], unmovable: [stuck("c1", "x")] },
      nodeName: "hn-1",
      nodeNames,
      describe: describe_,
    });
    expect(one.summary).toMatch(/1 container has nowhere to go/);
    const none = describeEvacuationPlan({
      plan: { complete: true, moves: [], unmovable: [] },
      nodeName: "hn-1",
      nodeNames,
      describe: describe_,
    });
    expect(none.startLabel).toBeNull();
    expect(none.summary).toBe("");
  });
});
