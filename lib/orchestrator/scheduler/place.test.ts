import { describe, expect, it } from "vitest";
import { placeEnvironment, placeScaleOut } from "./place";
import { prepareCluster } from "./prepared-cluster";
import { makeLayer, makeNode } from "./test-helpers";
import type { PlacementFailure, PlacementRequest, PlacementResult, PlacementSuccess } from "./types";

const three = () => [makeNode("hn-1"), makeNode("hn-2"), makeNode("hn-3")];
const request = (patch: Partial<PlacementRequest> = {}): PlacementRequest => ({
  requestId: "req-1",
  regionId: "r1",
  layers: [makeLayer("app")],
  ...patch,
});

function ok(result: PlacementResult): PlacementSuccess {
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return result;
}
function failed(result: PlacementResult): PlacementFailure {
  if (result.ok) throw new Error("expected a failure");
  return result;
}

describe("placeEnvironment", () => {
  it("spread puts the containers of one layer on different nodes while it can", () => {
    const result = ok(
      placeEnvironment({ request: request({ layers: [makeLayer("app", { count: 3 })] }), nodes: three() }),
    );
    expect(new Set(result.assignments.map((a) => a.nodeId)).size).toBe(3);
    expect(result.assignments.map((a) => a.ordinal)).toEqual([0, 1, 2]);
  });

  it("spread prefers the node with the lowest load mark", () => {
    const nodes = [
      makeNode("hot", { load: { swapUsedMib: 4096 } }),
      makeNode("cool"),
      makeNode("warm", { load: { memUsedMib: 16_000 } }),
    ];
    expect(ok(placeEnvironment({ request: request(), nodes })).assignments[0].nodeId).toBe("cool");
  });

  it("pack fills the fullest node that still fits", () => {
    const nodes = [makeNode("empty"), makeNode("half", { reserved: { ramMib: 8192, cpuMhz: 25_600, diskGib: 250 } })];
    const result = ok(
      placeEnvironment({ request: request({ strategy: "pack", layers: [makeLayer("app", { count: 3 })] }), nodes }),
    );
    expect(result.assignments.every((a) => a.nodeId === "half")).toBe(true);
    expect(result.strategy).toBe("pack");
  });

  it("never puts two containers of an HA layer on one node", () => {
    const result = ok(
      placeEnvironment({
        request: request({ strategy: "pack", layers: [makeLayer("cp", { count: 3, ha: true })] }),
        nodes: three(),
      }),
    );
    expect(new Set(result.assignments.map((a) => a.nodeId)).size).toBe(3);
  });

  it("is atomic: one container that fits nowhere fails the whole environment, with every node's reasons", () => {
    const nodes = [
      makeNode("hn-1", { status: "MAINTENANCE" }),
      makeNode("hn-2", { capacity: { ramMib: 1536 }, reserved: { ramMib: 1024 } }),
      makeNode("hn-3"),
    ];
    const layers = [
      makeLayer("web", { count: 1 }),
      makeLayer("cp", { count: 2, ha: true, resources: { reservedCloudlets: 8, dynamicCloudlets: 8, diskGib: 10 } }),
    ];
    const result = failed(placeEnvironment({ request: request({ layers }), nodes }));
    expect(result.code).toBe("NO_CAPACITY");
    expect(result.failed).toEqual({ layerId: "cp", ordinal: 1 });
    expect(result.rejections).toEqual([
      { nodeId: "hn-1", nodeName: "hn-1", reasons: ["hn-1: in MAINTENANCE"] },
      {
        nodeId: "hn-2",
        nodeName: "hn-2",
        reasons: ["hn-2: needs 1024 MiB RAM, 512 MiB allocatable of 1.5 GiB at 1:1"],
      },
      { nodeId: "hn-3", nodeName: "hn-3", reasons: ['hn-3: already runs a container of HA layer "cp"'] },
    ]);
    expect(result.message).toContain('container 1 of layer "cp"');
    expect(result.message).toContain("3 nodes checked");
    expect(result.message).toContain("1 not ACTIVE");
    expect(result).not.toHaveProperty("assignments");
  });

  it("filters by region and labels", () => {
    const nodes = [
      makeNode("eu", { regionId: "r2", labels: { ssd: "1" } }),
      makeNode("plain"),
      makeNode("fast", { labels: { ssd: "1" } }),
    ];
    const result = ok(
      placeEnvironment({ request: request({ layers: [makeLayer("db", { labelSelector: { ssd: "1" } })] }), nodes }),
    );
    expect(result.assignments[0].nodeId).toBe("fast");
  });

  it("respects the dynamic-limit overcommit ceiling", () => {
    const nodes = [
      makeNode("tight", { reserved: { limitCloudlets: 120 } }),
      makeNode("loose", { overcommitRatio: 2, reserved: { limitCloudlets: 120 } }),
    ];
    const layers = [makeLayer("app", { resources: { reservedCloudlets: 1, dynamicCloudlets: 16, diskGib: 1 } })];
    expect(ok(placeEnvironment({ request: request({ layers, strategy: "pack" }), nodes })).assignments[0].nodeId).toBe(
      "loose",
    );
  });

  it("returns per-node reserved deltas in node order", () => {
    const nodes = [makeNode("hn-1"), makeNode("hn-2")];
    const layers = [
      makeLayer("db", { count: 2, ha: true, resources: { reservedCloudlets: 2, dynamicCloudlets: 6, diskGib: 7 } }),
    ];
    const result = ok(placeEnvironment({ request: request({ layers }), nodes }));
    expect(result.deltas).toEqual([
      { nodeId: "hn-1", ramMib: 256, cpuMhz: 800, diskGib: 7, containers: 1, limitCloudlets: 6 },
      { nodeId: "hn-2", ramMib: 256, cpuMhz: 800, diskGib: 7, containers: 1, limitCloudlets: 6 },
    ]);
  });

  it("places big layers first but reports assignments in request order", () => {
    const nodes = [
      makeNode("small", { capacity: { ramMib: 1024, cpuMhz: 3200 } }),
      makeNode("big", { capacity: { ramMib: 2048, cpuMhz: 6400 } }),
    ];
    const layers = [
      makeLayer("tiny", { resources: { reservedCloudlets: 8, dynamicCloudlets: 8, diskGib: 1 } }),
      makeLayer("huge", { resources: { reservedCloudlets: 16, dynamicCloudlets: 16, diskGib: 1 } }),
    ];
    // Request order would put "tiny" on "big" (spread: more free) and leave no room for "huge".
    const result = ok(placeEnvironment({ request: request({ layers }), nodes }));
    expect(result.assignments.map((a) => [a.layerId, a.nodeId])).toEqual([
      ["tiny", "small"],
      ["huge", "big"],
    ]);
  });

  it("breaks ties with the request id: replayable, and different ids spread over tied nodes", () => {
    const nodes = Array.from({ length: 8 }, (_, i) => makeNode(`hn-${i}`));
    const pick = (id: string) =>
      ok(placeEnvironment({ request: request({ requestId: id }), nodes })).assignments[0].nodeId;
    expect(pick("same")).toBe(pick("same"));
    const chosen = new Set(Array.from({ length: 40 }, (_, i) => pick(`r-${i}`)));
    expect(chosen.size).toBeGreaterThan(3);
  });

  it("gives the same answer for node arrays and a PreparedCluster", () => {
    const nodes = [
      makeNode("a", { load: { memUsedMib: 3000 } }),
      makeNode("b"),
      makeNode("c", { reserved: { ramMib: 4096, cpuMhz: 12_800 } }),
    ];
    const req = request({ layers: [makeLayer("app", { count: 4 }), makeLayer("cp", { count: 2, ha: true })] });
    expect(placeEnvironment({ request: req, nodes: prepareCluster(nodes) })).toEqual(
      placeEnvironment({ request: req, nodes }),
    );
  });

  it.each<[string, PlacementRequest["layers"], string]>([
    [
      "fractional cloudlets",
      [makeLayer("a", { resources: { reservedCloudlets: 1.5, dynamicCloudlets: 2, diskGib: 1 } })],
      "whole number",
    ],
    [
      "limit below reserved",
      [makeLayer("a", { resources: { reservedCloudlets: 4, dynamicCloudlets: 2, diskGib: 1 } })],
      "below the reserved",
    ],
    ["negative count", [makeLayer("a", { count: -1 })], "count"],
    ["duplicate layer ids", [makeLayer("a"), makeLayer("a")], "appears twice"],
  ])("rejects an invalid request: %s", (_name, layers, fragment) => {
    const result = failed(placeEnvironment({ request: request({ layers }), nodes: three() }));
    expect(result.code).toBe("INVALID_REQUEST");
    expect(result.message).toContain(fragment);
    expect(result.rejections).toEqual([]);
  });

  it("explains an empty cluster", () => {
    const result = failed(placeEnvironment({ request: request(), nodes: [] }));
    expect(result.message).toContain("no nodes");
  });
});

describe("placeScaleOut", () => {
  it("counts existing containers for HA and continues ordinals", () => {
    const result = ok(
      placeScaleOut({
        requestId: "scale-1",
        regionId: "r1",
        layer: makeLayer("cp", { ha: true }),
        count: 1,
        existing: [
          { layerId: "cp", nodeId: "hn-1" },
          { layerId: "cp", nodeId: "hn-2" },
          { layerId: "other", nodeId: "hn-3" },
        ],
        nodes: three(),
      }),
    );
    expect(result.assignments).toEqual([{ layerId: "cp", ordinal: 2, nodeId: "hn-3", score: expect.any(Number) }]);
  });

  it("counts existing containers for soft spread of a non-HA layer", () => {
    const result = ok(
      placeScaleOut({
        requestId: "scale-2",
        regionId: "r1",
        layer: makeLayer("app"),
        count: 1,
        existing: [
          { layerId: "app", nodeId: "hn-1" },
          { layerId: "app", nodeId: "hn-3" },
        ],
        nodes: three(),
      }),
    );
    expect(result.assignments[0].nodeId).toBe("hn-2");
  });

  it("fails when the HA layer already covers every node", () => {
    const result = failed(
      placeScaleOut({
        requestId: "scale-3",
        regionId: "r1",
        layer: makeLayer("cp", { ha: true }),
        count: 1,
        existing: three().map((n) => ({ layerId: "cp", nodeId: n.id })),
        nodes: three(),
      }),
    );
    expect(result.failed).toEqual({ layerId: "cp", ordinal: 3 });
    expect(result.rejections.every((r) => r.reasons[0].includes('HA layer "cp"'))).toBe(true);
  });
});
