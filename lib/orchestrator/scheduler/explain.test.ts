import { describe, expect, it } from "vitest";
import { explain } from "./explain";
import { placeEnvironment } from "./place";
import { makeLayer, makeNode } from "./test-helpers";

const nodes = () => [
  makeNode("hn-1", { load: { memUsedMib: 8000 } }),
  makeNode("hn-2", { status: "MAINTENANCE" }),
  makeNode("hn-3"),
  makeNode("hn-4", { reserved: { ramMib: 8192, cpuMhz: 25_600 } }),
];

describe("explain", () => {
  const request = {
    requestId: "preview-1",
    regionId: "r1",
    layers: [
      makeLayer("app", { count: 2 }),
      makeLayer("cp", { count: 3, ha: true, resources: { reservedCloudlets: 8, dynamicCloudlets: 8, diskGib: 5 } }),
    ],
  };

  it("shows every node for every container and lands where placement lands", () => {
    const result = explain(request, nodes());
    const placed = placeEnvironment({ request, nodes: nodes() });
    expect(result.result).toEqual(placed);
    if (!placed.ok) throw new Error(placed.message);
    expect(result.steps).toHaveLength(5);
    for (const step of result.steps) {
      expect(step.nodes.map((n) => n.nodeId)).toEqual(["hn-1", "hn-2", "hn-3", "hn-4"]);
      const assignment = placed.assignments.find((a) => a.layerId === step.layerId && a.ordinal === step.ordinal);
      expect(step.nodeId).toBe(assignment?.nodeId);
      const chosen = step.nodes.find((n) => n.nodeId === step.nodeId)!;
      expect(chosen.fit).toBe(true);
      expect(chosen.score).toBe(assignment?.score);
      const best = Math.max(...step.nodes.filter((n) => n.fit).map((n) => n.score!));
      expect(chosen.score).toBe(best);
    }
  });

  it("gives reasons for unfit nodes and scores for fit ones", () => {
    const [first] = explain(request, nodes()).steps;
    const maintenance = first.nodes[1];
    expect(maintenance).toMatchObject({ fit: false, score: null, reasons: ["hn-2: in MAINTENANCE"], scores: {} });
    const fit = first.nodes[2];
    expect(fit.fit).toBe(true);
    expect(fit.reasons).toEqual([]);
    expect(fit.scores.spread).toBeGreaterThan(0);
    expect(fit.scores.pack).toBeUndefined();
  });

  it("sees tentative placements of earlier containers (HA rows)", () => {
    const steps = explain(request, nodes()).steps.filter((s) => s.layerId === "cp");
    const last = steps[2];
    const blocked = last.nodes.filter((n) => n.reasons.some((r) => r.includes('HA layer "cp"')));
    expect(blocked.map((n) => n.nodeId).sort()).toEqual([steps[0].nodeId, steps[1].nodeId].sort());
  });

  it("stops at the container that cannot be placed", () => {
    const tooMany = { ...request, layers: [makeLayer("cp", { count: 4, ha: true })] };
    const result = explain(tooMany, nodes());
    expect(result.result.ok).toBe(false);
    expect(result.steps).toHaveLength(4);
    expect(result.steps[3].nodeId).toBeNull();
    expect(result.steps[3].nodes.every((n) => !n.fit && n.reasons.length > 0)).toBe(true);
  });
});
