import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planEvacuation } from "./evacuate";
import { explain } from "./explain";
import { runFilters } from "./filters";
import { placeEnvironment } from "./place";
import { prepareCluster } from "./prepared-cluster";
import { applyPlacement, releasePlacement } from "./reservations";
import { toDemand } from "./resources";
import {
  CLOUDLET_RAM_MIB,
  type EvacuatingContainer,
  type HardwareNodeSnapshot,
  type LayerRequest,
  type NodeStatus,
  type PlacementRequest,
} from "./types";

const STATUSES: NodeStatus[] = ["ACTIVE", "ACTIVE", "ACTIVE", "MAINTENANCE", "EVACUATING", "OFFLINE"];

const nodeArb = (id: string) =>
  fc
    .record({
      status: fc.constantFrom(...STATUSES),
      regionId: fc.constantFrom("r1", "r1", "r2"),
      zone: fc.constantFrom("a", "b", undefined),
      ramCl: fc.integer({ min: 0, max: 40 }),
      cpuCl: fc.integer({ min: 0, max: 40 }),
      disk: fc.integer({ min: 0, max: 120 }),
      slots: fc.integer({ min: 0, max: 8 }),
      used: fc.double({ min: 0, max: 1.1, noNaN: true }),
      ratio: fc.constantFrom(undefined, 1, 1.5, 2),
      mem: fc.integer({ min: 0, max: 4096 }),
      swap: fc.integer({ min: 0, max: 1024 }),
      loadAvg: fc.double({ min: 0, max: 40, noNaN: true }),
    })
    .map((r): HardwareNodeSnapshot => {
      // Reserved totals are whole numbers below (sometimes above) capacity, as a real node reports.
      const part = (x: number) => Math.floor(x * r.used);
      return {
        id,
        name: id,
        regionId: r.regionId,
        labels: r.zone ? { zone: r.zone } : {},
        status: r.status,
        overcommitRatio: r.ratio,
        capacity: { ramMib: r.ramCl * 128, cpuMhz: r.cpuCl * 400, diskGib: r.disk, maxContainers: r.slots },
        reserved: {
          ramMib: part(r.ramCl) * 128,
          cpuMhz: part(r.cpuCl) * 400,
          diskGib: part(r.disk),
          containers: part(r.slots),
          limitCloudlets: part(r.ramCl * (r.ratio ?? 1)),
        },
        load: {
          memUsedMib: r.mem,
          memTotalMib: 4096,
          swapUsedMib: r.swap,
          swapTotalMib: 1024,
          diskUsedGib: 0,
          diskTotalGib: 100,
          loadAvg5: r.loadAvg,
          cores: 4,
        },
      };
    });

const clusterArb = fc
  .integer({ min: 0, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(`hn-${i}`))));

const layerArb = (id: string) =>
  fc
    .record({
      count: fc.integer({ min: 0, max: 4 }),
      reserved: fc.integer({ min: 0, max: 8 }),
      extra: fc.integer({ min: 0, max: 8 }),
      disk: fc.integer({ min: 0, max: 20 }),
      ha: fc.boolean(),
      zone: fc.constantFrom(undefined, undefined, "a"),
    })
    .map((r): LayerRequest => ({
      id,
      count: r.count,
      ha: r.ha,
      labelSelector: r.zone ? { zone: r.zone } : undefined,
      resources: {
        reservedCloudlets: r.reserved,
        dynamicCloudlets: Math.max(1, r.reserved + r.extra),
        diskGib: r.disk,
      },
    }));

const scenarioArb = fc
  .record({
    nodes: clusterArb,
    layers: fc
      .integer({ min: 1, max: 3 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => layerArb(`l${i}`)))),
    strategy: fc.constantFrom<"spread" | "pack">("spread", "pack"),
    requestId: fc.string({ maxLength: 8 }),
    existingPicks: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
  })
  .map(({ nodes, layers, strategy, requestId, existingPicks }) => {
    const existing =
      nodes.length === 0
        ? []
        : existingPicks.map(([l, n]) => ({
            layerId: layers[l % layers.length].id,
            nodeId: nodes[n % nodes.length].id,
          }));
    const request: PlacementRequest = { requestId, regionId: "r1", strategy, layers, existing };
    return { nodes, request };
  });

function withinCapacity(node: HardwareNodeSnapshot): boolean {
  const { capacity: c, reserved: r } = node;
  return (
    r.ramMib <= c.ramMib &&
    r.cpuMhz <= c.cpuMhz &&
    r.diskGib <= c.diskGib &&
    r.containers <= c.maxContainers &&
    r.limitCloudlets * CLOUDLET_RAM_MIB <= c.ramMib * (node.overcommitRatio ?? 1)
  );
}

const RUNS = { numRuns: 300 };

describe("placement properties", () => {
  it("never puts a node over capacity, and only uses nodes that pass every rule", () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, request }) => {
        const result = placeEnvironment({ request, nodes });
        if (!result.ok) return;
        const after = applyPlacement(nodes, result);
        for (const delta of result.deltas) expect(withinCapacity(after.find((n) => n.id === delta.nodeId)!)).toBe(true);
        for (const a of result.assignments) {
          const node = nodes.find((n) => n.id === a.nodeId)!;
          const layer = request.layers.find((l) => l.id === a.layerId)!;
          expect(node.status).toBe("ACTIVE");
          expect(node.regionId).toBe("r1");
          for (const [k, v] of Object.entries(layer.labelSelector ?? {})) expect(node.labels[k]).toBe(v);
        }
      }),
      RUNS,
    );
  });

  it("never lets two containers of an HA layer share a node (existing ones included)", () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, request }) => {
        const result = placeEnvironment({ request, nodes });
        if (!result.ok) return;
        for (const layer of request.layers.filter((l) => l.ha)) {
          const fresh = result.assignments.filter((a) => a.layerId === layer.id).map((a) => a.nodeId);
          const old = new Set(request.existing!.filter((e) => e.layerId === layer.id).map((e) => e.nodeId));
          expect(new Set(fresh).size).toBe(fresh.length);
          for (const nodeId of fresh) expect(old.has(nodeId)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it("places all or nothing; a failure explains every node", () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, request }) => {
        const result = placeEnvironment({ request, nodes });
        const wanted = request.layers.reduce((sum, l) => sum + l.count, 0);
        if (result.ok) {
          expect(result.assignments).toHaveLength(wanted);
          const total = result.deltas.reduce((s, d) => s + d.containers, 0);
          expect(total).toBe(wanted);
        } else {
          expect(result.code).toBe("NO_CAPACITY");
          expect(result).not.toHaveProperty("assignments");
          expect(result.rejections.map((r) => r.nodeId)).toEqual(nodes.map((n) => n.id));
          for (const r of result.rejections) expect(r.reasons.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it("releasing what was placed restores every node exactly", () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, request }) => {
        const result = placeEnvironment({ request, nodes });
        if (!result.ok) return;
        expect(releasePlacement(applyPlacement(nodes, result), result)).toEqual(nodes);
        const cluster = prepareCluster(nodes);
        const back = releasePlacement(applyPlacement(cluster, result), result);
        expect(back.reserved).toEqual(cluster.reserved);
      }),
      RUNS,
    );
  });

  it("gives the same result for the same request and state, whatever the input form", () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, request }) => {
        const first = placeEnvironment({ request, nodes });
        expect(placeEnvironment({ request: structuredClone(request), nodes: structuredClone(nodes) })).toEqual(first);
        expect(placeEnvironment({ request, nodes: prepareCluster(nodes) })).toEqual(first);
        expect(explain(request, nodes).result).toEqual(first);
      }),
      RUNS,
    );
  });

  it("the fast path and the reference filters agree on every node", () => {
    fc.assert(
      fc.property(nodeArb("hn-x"), layerArb("l"), fc.integer({ min: 0, max: 2 }), (node, layer, sameLayer) => {
        const one = { ...layer, count: 1 };
        const existing = Array.from({ length: sameLayer }, () => ({ layerId: "l", nodeId: "hn-x" }));
        const result = placeEnvironment({
          request: { requestId: "x", regionId: "r1", layers: [one], existing },
          nodes: [node],
        });
        const verdict = runFilters({
          node,
          regionId: "r1",
          demand: toDemand(layer.resources),
          layer,
          sameLayerOnNode: sameLayer,
        });
        expect(result.ok).toBe(verdict.fit);
        if (!result.ok) expect(result.rejections[0].reasons).toEqual(verdict.reasons);
      }),
      { numRuns: 1000 },
    );
  });

  it("explain's chosen node is a fitting node with the top score", () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, request }) => {
        for (const step of explain(request, nodes).steps) {
          const fit = step.nodes.filter((n) => n.fit);
          if (step.nodeId === null) {
            expect(fit).toEqual([]);
            continue;
          }
          const chosen = step.nodes.find((n) => n.nodeId === step.nodeId)!;
          expect(chosen.fit).toBe(true);
          expect(chosen.score).toBe(Math.max(...fit.map((n) => n.score!)));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("evacuation properties", () => {
  const containerArb = (i: number) =>
    fc
      .record({
        env: fc.constantFrom("e1", "e2"),
        layer: fc.constantFrom("a", "b"),
        ha: fc.boolean(),
        reserved: fc.integer({ min: 0, max: 8 }),
        disk: fc.integer({ min: 0, max: 20 }),
      })
      .map((r): EvacuatingContainer => ({
        containerId: `c${i}`,
        environmentId: r.env,
        layerId: r.layer,
        ha: r.ha,
        resources: { reservedCloudlets: r.reserved, dynamicCloudlets: Math.max(1, r.reserved), diskGib: r.disk },
      }));
  const evacArb = fc.record({
    nodes: clusterArb.filter((ns) => ns.length > 0),
    pick: fc.nat(),
    containers: fc
      .integer({ min: 0, max: 6 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => containerArb(i)))),
    strategy: fc.constantFrom<"spread" | "pack">("spread", "pack"),
    elsewhere: fc.array(fc.tuple(fc.constantFrom("e1", "e2"), fc.constantFrom("a", "b"), fc.nat()), { maxLength: 4 }),
  });

  it("never targets the evacuated node or a non-ACTIVE node, keeps HA apart and capacity intact", () => {
    fc.assert(
      fc.property(evacArb, ({ nodes, pick, containers, strategy, elsewhere }) => {
        const nodeId = nodes[pick % nodes.length].id;
        const placements = elsewhere.map(([environmentId, layerId, n]) => ({
          environmentId,
          layerId,
          nodeId: nodes[n % nodes.length].id,
        }));
        const plan = planEvacuation({ nodeId, containers, nodes, strategy, placements });
        expect(plan.complete).toBe(plan.unmovable.length === 0);
        expect(plan.moves.length + plan.unmovable.length).toBe(containers.length);
        for (const move of plan.moves) {
          expect(move.toNodeId).not.toBe(nodeId);
          expect(nodes.find((n) => n.id === move.toNodeId)!.status).toBe("ACTIVE");
        }
        const haTargets = new Map<string, string[]>();
        for (const move of plan.moves) {
          const c = containers.find((x) => x.containerId === move.containerId)!;
          if (!c.ha) continue;
          const key = `${c.environmentId}/${c.layerId}`;
          haTargets.set(key, [...(haTargets.get(key) ?? []), move.toNodeId]);
        }
        for (const [key, targets] of haTargets) {
          expect(new Set(targets).size).toBe(targets.length);
          const partners = placements.filter((p) => `${p.environmentId}/${p.layerId}` === key && p.nodeId !== nodeId);
          for (const p of partners) expect(targets).not.toContain(p.nodeId);
        }
        const after = applyPlacement(nodes, plan);
        for (const move of plan.moves) expect(withinCapacity(after.find((n) => n.id === move.toNodeId)!)).toBe(true);
      }),
      RUNS,
    );
  });
});
