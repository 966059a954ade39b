import { describe, expect, it } from "vitest";
import { toDemand } from "./resources";
import {
  combineScores,
  DEFAULT_LOAD_MARK,
  loadFitOf,
  loadMark,
  packScore,
  packScoreOf,
  resolveScoring,
  spreadScore,
  spreadScoreOf,
} from "./scorers";
import { makeNode } from "./test-helpers";
import type { NodeLoad } from "./types";

const idle: NodeLoad = {
  memUsedMib: 0,
  memTotalMib: 1000,
  swapUsedMib: 0,
  swapTotalMib: 1000,
  diskUsedGib: 0,
  diskTotalGib: 100,
  loadAvg5: 0,
  cores: 4,
};

describe("loadMark (Jelastic formula)", () => {
  it.each<[string, Partial<NodeLoad>, number]>([
    ["idle node", {}, 0],
    ["full swap weighs 1", { swapUsedMib: 1000 }, 100],
    ["full memory weighs 0.2", { memUsedMib: 1000 }, 20],
    ["half disk weighs 0.5 × 0.5", { diskUsedGib: 50 }, 25],
    ["CPU at 2 × cores is not yet load", { loadAvg5: 8 }, 0],
    ["CPU above 2 × cores counts in full", { loadAvg5: 12 }, 150],
    ["everything together", { swapUsedMib: 500, memUsedMib: 500, diskUsedGib: 20, loadAvg5: 16 }, 50 + 10 + 10 + 200],
    ["no swap configured counts as none used", { swapTotalMib: 0, swapUsedMib: 10 }, 0],
  ])("%s", (_name, patch, expected) => {
    expect(loadMark({ ...idle, ...patch })).toBeCloseTo(expected, 9);
  });

  it("uses configurable coefficients", () => {
    expect(loadMark({ ...idle, memUsedMib: 1000 }, { ...DEFAULT_LOAD_MARK, mem: 1 })).toBeCloseTo(100, 9);
    expect(loadMark({ ...idle, swapUsedMib: 1000 }, { ...DEFAULT_LOAD_MARK, swap: 0 })).toBe(0);
  });

  it("maps to a fit in (0, 1], decreasing", () => {
    expect(loadFitOf(0)).toBe(1);
    expect(loadFitOf(100)).toBe(0.5);
    expect(loadFitOf(1e9)).toBeGreaterThan(0);
    expect(loadFitOf(50)).toBeGreaterThan(loadFitOf(60));
  });
});

describe("spread scorer", () => {
  it.each<[string, number, number, number, number]>([
    ["empty idle node scores 100", 0, 1, 0, 100],
    ["one container of the layer drops a band", 1, 1, 0, 90],
    ["load and reservation place the node inside its band", 0, 0.5, 0.5, 90 + 10 * (0.125 + 0.375)],
    ["nine or more share the lowest band", 12, 1, 0, 10],
    ["overfull share counts as no free space", 0, 1, 1.2, 92.5],
  ])("%s", (_name, sameLayer, loadFit, dominant, expected) => {
    expect(spreadScoreOf(sameLayer, loadFit, dominant)).toBeCloseTo(expected, 9);
  });

  it("is lexicographic: fewer containers of the layer beats any load", () => {
    const hotEmpty = spreadScoreOf(0, loadFitOf(1e6), 0.99);
    const idleWithOne = spreadScoreOf(1, 1, 0);
    expect(hotEmpty).toBeGreaterThan(idleWithOne);
  });

  it("prefers the less loaded node, then the less reserved one", () => {
    const demand = toDemand({ reservedCloudlets: 4, dynamicCloudlets: 4, diskGib: 0 });
    const cool = makeNode("a");
    const hot = makeNode("b", { load: { swapUsedMib: 4096 } });
    const busy = makeNode("c", { reserved: { ramMib: 8192, cpuMhz: 25_600 } });
    const score = (n: typeof cool) => spreadScore({ node: n, demand, sameLayerOnNode: 0, loadMark: loadMark(n.load) });
    expect(score(cool)).toBeGreaterThan(score(hot));
    expect(score(cool)).toBeGreaterThan(score(busy));
  });
});

describe("pack scorer", () => {
  it.each<[string, [number, number, number], number]>([
    ["empty", [0, 0, 0], 0],
    ["full", [1, 1, 1], 100],
    ["dominant resource drives it", [0.9, 0.9, 0], 0.8 * 90 + (0.2 * 180) / 3],
    ["disk can be dominant", [0.1, 0.1, 0.6], 0.8 * 60 + (0.2 * 80) / 3],
  ])("%s", (_name, [ram, cpu, disk], expected) => {
    expect(packScoreOf(ram, cpu, disk)).toBeCloseTo(expected, 9);
  });

  it("prefers the node that is fuller after placement (best fit)", () => {
    const demand = toDemand({ reservedCloudlets: 8, dynamicCloudlets: 8, diskGib: 10 });
    const empty = makeNode("a");
    const half = makeNode("b", { reserved: { ramMib: 8192, cpuMhz: 25_600, diskGib: 100 } });
    expect(packScore({ node: half, demand })).toBeGreaterThan(packScore({ node: empty, demand }));
    expect(packScore({ node: makeNode("c", { capacity: { ramMib: 1024, cpuMhz: 3200, diskGib: 10 } }), demand })).toBe(
      100,
    );
  });
});

describe("scoring weights", () => {
  it("strategy picks its scorer; explicit weights replace it", () => {
    expect(resolveScoring("spread", undefined).weights).toEqual({ spread: 1, pack: 0 });
    expect(resolveScoring("pack", undefined).weights).toEqual({ spread: 0, pack: 1 });
    expect(resolveScoring("pack", { weights: { spread: 2 } }).weights).toEqual({ spread: 2, pack: 0 });
    expect(resolveScoring("spread", { loadMark: { mem: 1 } }).loadMark).toEqual({ ...DEFAULT_LOAD_MARK, mem: 1 });
  });

  it.each<[string, { spread: number; pack: number }, number]>([
    ["spread only", { spread: 1, pack: 0 }, 80],
    ["pack only", { spread: 0, pack: 3 }, 20],
    ["weighted mean", { spread: 3, pack: 1 }, 65],
    ["no weights", { spread: 0, pack: 0 }, 0],
  ])("combineScores: %s", (_name, weights, expected) => {
    expect(combineScores(weights, { spread: 80, pack: 20 })).toBeCloseTo(expected, 9);
  });
});
