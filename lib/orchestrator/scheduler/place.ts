import {
  createClusterState,
  eligibilityFor,
  layerCountsFor,
  nodeIndex,
  reserveAt,
  selectNode,
  type Candidate,
  type Choice,
  type ClusterState,
} from "./cluster-state";
import type { ClusterInput } from "./prepared-cluster";
import { createPrng } from "./prng";
import { reportRejections } from "./report";
import { toDemand, validateRequest } from "./resources";
import { resolveScoring } from "./scorers";
import type {
  Assignment,
  ContainerResources,
  ExistingPlacement,
  LayerRequest,
  PlacementRequest,
  PlacementResult,
  PlacementStrategy,
  ReservedDelta,
  ScoringOptions,
} from "./types";

export interface PlacementStep {
  state: ClusterState;
  layer: LayerRequest;
  ordinal: number;
  candidate: Candidate;
  choice: Choice;
}

/** Called for each container after its node is chosen and before it is reserved (explain uses it). */
export type StepObserver = (step: PlacementStep) => void;

/**
 * Biggest layers first (first-fit-decreasing): an atomic request is far less likely to be refused
 * because small containers fragmented the space a large one needed. Stable, so equal layers keep
 * request order and the result does not depend on anything but the request.
 */
export function placementOrder(layers: readonly LayerRequest[]): LayerRequest[] {
  const size = (r: ContainerResources) => r.reservedCloudlets;
  return layers
    .map((layer, position) => ({ layer, position }))
    .sort(
      (a, b) =>
        size(b.layer.resources) - size(a.layer.resources) ||
        b.layer.resources.diskGib - a.layer.resources.diskGib ||
        a.position - b.position,
    )
    .map((entry) => entry.layer);
}

function countExisting(state: ClusterState, layers: readonly LayerRequest[], existing: readonly ExistingPlacement[]) {
  const wanted = new Set(layers.map((layer) => layer.id));
  const before = new Map<string, number>();
  for (const placement of existing) {
    if (!wanted.has(placement.layerId)) continue;
    before.set(placement.layerId, (before.get(placement.layerId) ?? 0) + 1);
    const index = nodeIndex(state, placement.nodeId);
    if (index >= 0) layerCountsFor(state, placement.layerId)[index] += 1;
  }
  return before;
}

function collectDeltas(state: ClusterState, assignments: readonly Assignment[], layers: readonly LayerRequest[]) {
  const byLayer = new Map(layers.map((layer) => [layer.id, layer.resources]));
  const byNode = new Map<string, ReservedDelta>();
  for (const a of assignments) {
    const demand = toDemand(byLayer.get(a.layerId)!);
    let delta = byNode.get(a.nodeId);
    if (!delta) {
      delta = { nodeId: a.nodeId, ramMib: 0, cpuMhz: 0, diskGib: 0, containers: 0, limitCloudlets: 0 };
      byNode.set(a.nodeId, delta);
    }
    delta.ramMib += demand.ramMib;
    delta.cpuMhz += demand.cpuMhz;
    delta.diskGib += demand.diskGib;
    delta.containers += 1;
    delta.limitCloudlets += demand.limitCloudlets;
  }
  // Node order, so equal requests produce byte-identical answers.
  return [...byNode.values()].sort((a, b) => nodeIndex(state, a.nodeId) - nodeIndex(state, b.nodeId));
}

/**
 * Places every container of an environment, or none: filters → scores → best node, ties broken by a
 * PRNG seeded from the request id. On failure, every node's reasons for the first container that
 * could not be placed. Existing placements (scale-out) count for spread and HA anti-affinity.
 */
export function placeEnvironment(options: {
  request: PlacementRequest;
  /** Node snapshots, or a PreparedCluster when placing many requests in a row. */
  nodes: ClusterInput;
}): PlacementResult {
  return runPlacement(options);
}

/** placeEnvironment with a hook per container; explain is its only other caller. */
export function runPlacement(options: {
  request: PlacementRequest;
  nodes: ClusterInput;
  observe?: StepObserver;
}): PlacementResult {
  const { request, nodes, observe } = options;
  const strategy: PlacementStrategy = request.strategy ?? "spread";
  const invalid = validateRequest(request);
  if (invalid) {
    return { ok: false, code: "INVALID_REQUEST", requestId: request.requestId, message: invalid, rejections: [] };
  }
  const state = createClusterState({
    cluster: nodes,
    regionId: request.regionId,
    scoring: resolveScoring(strategy, request.scoring),
    prng: createPrng(request.requestId),
  });
  const existingCounts = request.existing?.length ? countExisting(state, request.layers, request.existing) : null;
  const assignments: Assignment[] = [];
  const choice: Choice = { index: -1, score: 0 };
  for (const layer of placementOrder(request.layers)) {
    if (layer.count === 0) continue;
    const candidate: Candidate = {
      demand: toDemand(layer.resources),
      eligible: eligibilityFor(state, layer.labelSelector),
      counts: layerCountsFor(state, layer.id),
      ha: layer.ha,
    };
    const first = existingCounts?.get(layer.id) ?? 0;
    for (let ordinal = first; ordinal < first + layer.count; ordinal++) {
      selectNode(state, candidate, choice);
      observe?.({ state, layer, ordinal, candidate, choice });
      if (choice.index < 0) {
        const report = reportRejections({
          state,
          candidate,
          layer,
          subject: `container ${ordinal} of layer "${layer.id}"`,
          regionId: request.regionId,
        });
        return {
          ok: false,
          code: "NO_CAPACITY",
          requestId: request.requestId,
          message: report.message,
          failed: { layerId: layer.id, ordinal },
          rejections: report.rejections,
        };
      }
      reserveAt(state, choice.index, candidate);
      assignments.push({ layerId: layer.id, ordinal, nodeId: state.nodes[choice.index].id, score: choice.score });
    }
  }
  const layerPosition = new Map(request.layers.map((layer, i) => [layer.id, i]));
  assignments.sort((a, b) => layerPosition.get(a.layerId)! - layerPosition.get(b.layerId)! || a.ordinal - b.ordinal);
  return {
    ok: true,
    requestId: request.requestId,
    strategy,
    assignments,
    deltas: collectDeltas(state, assignments, request.layers),
  };
}

/** Adds `count` containers to one layer of a running environment; its existing containers count. */
export function placeScaleOut(options: {
  requestId: string;
  regionId: string;
  layer: Omit<LayerRequest, "count">;
  count: number;
  existing: readonly ExistingPlacement[];
  nodes: ClusterInput;
  strategy?: PlacementStrategy;
  scoring?: ScoringOptions;
}): PlacementResult {
  return placeEnvironment({
    nodes: options.nodes,
    request: {
      requestId: options.requestId,
      regionId: options.regionId,
      strategy: options.strategy,
      scoring: options.scoring,
      layers: [{ ...options.layer, count: options.count }],
      existing: options.existing.filter((placement) => placement.layerId === options.layer.id),
    },
  });
}
