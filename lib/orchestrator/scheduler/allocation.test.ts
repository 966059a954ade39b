import { describe, expect, it } from "vitest";
import { allocatableOf, mhzText, overAllocatedResources, ratioText } from "./allocation";
import { explain } from "./explain";
import { placeEnvironment } from "./place";
import { applyPlacement, freeCapacity } from "./reservations";
import { makeLayer, makeNode } from "./test-helpers";
import type { HardwareNodeSnapshot, PlacementFailure, PlacementRequest } from "./types";

const RATIO_4 = { cpu: 4, ram: 1, disk: 1 };

/** A 2-core machine: 5.2 GHz, 16 GiB, 200 GiB (13 cloudlets of CPU at 1:1, 52 at 4:1). */
const twoCore = (id: string, patch: Parameters<typeof makeNode>[1] = {}) =>
  makeNode(id, {
    capacity: { cpuMhz: 5200, ramMib: 16_384, diskGib: 200, maxContainers: 100 },
    allocationRatios: RATIO_4,
    ...patch,
  });

const oneCloudlet = (requestId: string): PlacementRequest => ({
  requestId,
  regionId: "r1",
  layers: [makeLayer("app", { resources: { reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1 } })],
});

describe("allocation ratios", () => {
  it("allocatable is physical × ratio per resource, rounded down", () => {
    expect(allocatableOf(twoCore("a"))).toEqual({ cpuMhz: 20_800, ramMib: 16_384, diskGib: 200 });
    expect(allocatableOf(makeNode("b", { allocationRatios: { cpu: 1.5, ram: 0.9, disk: 2 } }))).toEqual({
      cpuMhz: 76_800,
      ramMib: 14_745,
      diskGib: 1000,
    });
    expect(allocatableOf(makeNode("c"))).toEqual({ cpuMhz: 51_200, ramMib: 16_384, diskGib: 500 });
    expect(ratioText(4)).toBe("4:1");
    expect(ratioText(1.25)).toBe("1.25:1");
    expect(mhzText(20_800)).toBe("20.8 GHz");
  });

  it("ratio 4 on a 2-core node admits 52 one-cloudlet containers and refuses the 53rd naming the ratio", () => {
    let nodes: HardwareNodeSnapshot[] = [twoCore("hn-1")];
    for (let i = 0; i < 52; i++) {
      const result = placeEnvironment({ request: oneCloudlet(`r${i}`), nodes });
      expect(result.ok).toBe(true);
      if (result.ok) nodes = applyPlacement(nodes, result);
    }
    expect(nodes[0].reserved.cpuMhz).toBe(20_800);
    const refused = placeEnvironment({ request: oneCloudlet("r52"), nodes }) as PlacementFailure;
    expect(refused.ok).toBe(false);
    expect(refused.code).toBe("NO_CAPACITY");
    expect(refused.rejections[0].reasons).toEqual(["hn-1: needs 400 MHz CPU, 0 MHz allocatable of 20.8 GHz at 4:1"]);
    expect(refused.message).toContain("1 not enough allocatable CPU");
    // At 1:1 the same node stops at 13.
    let plain: HardwareNodeSnapshot[] = [twoCore("hn-1", { allocationRatios: { cpu: 1, ram: 1, disk: 1 } })];
    let admitted = 0;
    for (;;) {
      const result = placeEnvironment({ request: oneCloudlet(`p${admitted}`), nodes: plain });
      if (!result.ok) break;
      plain = applyPlacement(plain, result);
      admitted++;
    }
    expect(admitted).toBe(13);
  });

  it("a ratio lowered below what is reserved marks the node over-allocated and placement avoids it", () => {
    // 30 cloudlets (12 GHz) reserved, then the admin lowers CPU from 4:1 to 2:1 (10.4 GHz allocatable).
    const busy = twoCore("busy", {
      allocationRatios: { cpu: 2, ram: 1, disk: 1 },
      reserved: { ramMib: 3840, cpuMhz: 12_000, diskGib: 30, containers: 30, limitCloudlets: 30 },
    });
    const idle = twoCore("idle", { load: { loadAvg5: 1.9, cores: 2, memUsedMib: 15_000, memTotalMib: 16_384 } });
    expect(overAllocatedResources(busy)).toEqual(["cpu"]);
    expect(overAllocatedResources(idle)).toEqual([]);
    expect(freeCapacity(busy).cpuMhz).toBe(-1600);
    // Even a container reserving nothing does not land there.
    const zero: PlacementRequest = {
      requestId: "z",
      regionId: "r1",
      layers: [makeLayer("w", { count: 3, resources: { reservedCloudlets: 0, dynamicCloudlets: 1, diskGib: 0 } })],
    };
    const placed = placeEnvironment({ request: zero, nodes: [busy, idle] });
    expect(placed.ok && placed.assignments.every((a) => a.nodeId === "idle")).toBe(true);
    const preview = explain(oneCloudlet("x"), [busy]);
    expect(preview.steps[0].nodes[0].reasons).toEqual([
      "busy: over-allocated: 12 GHz CPU reserved, 10.4 GHz at 2:1 allocatable",
    ]);
  });

  it("the hot loop and the reference filters agree on allocatable capacity", () => {
    const nodes = [
      twoCore("a", { reserved: { cpuMhz: 20_000, ramMib: 0, diskGib: 0, containers: 0, limitCloudlets: 0 } }),
      twoCore("b", { allocationRatios: { cpu: 1, ram: 1, disk: 1 } }),
    ];
    const request: PlacementRequest = {
      requestId: "agree",
      regionId: "r1",
      layers: [makeLayer("app", { resources: { reservedCloudlets: 4, dynamicCloudlets: 4, diskGib: 1 } })],
    };
    const preview = explain(request, nodes);
    const fitByExplain = preview.steps[0].nodes.map((n) => n.fit);
    expect(fitByExplain).toEqual([false, true]);
    expect(preview.result.ok && preview.result.assignments[0].nodeId).toBe("b");
  });
});
