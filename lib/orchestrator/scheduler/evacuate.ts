import {
  createClusterState,
  eligibilityFor,
  layerCountsFor,
  nodeIndex,
  reserveAt,
  selectNode,
  type Candidate,
  type Choice,
} from "./cluster-state";
import { asPrepared, type ClusterInput } from "./prepared-cluster";
import { createPrng } from "./prng";
import { reportRejections } from "./report";
import { toDemand, validateResources } from "./resources";
import { resolveScoring } from "./scorers";
import type {
  EnvironmentPlacement,
  EvacuatingContainer,
  EvacuationMove,
  EvacuationPlan,
  PlacementStrategy,
  ReservedDelta,
  ScoringOptions,
  UnmovableContainer,
} from "./types";

// NUL cannot appear in ids typed by people, so environment and layer ids never collide.
const layerKey = (environmentId: string, layerId: string) => `${environmentId}\u0000${layerId}`;

function addDelta(byNode: Map<string, ReservedDelta>, nodeId: string, container: EvacuatingContainer, sign: 1 | -1) {
  const demand = toDemand(container.resources);
  let delta = byNode.get(nodeId);
  if (!delta) {
    delta = { nodeId, ramMib: 0, cpuMhz: 0, diskGib: 0, containers: 0, limitCloudlets: 0 };
    byNode.set(nodeId, delta);
  }
  delta.ramMib += sign * demand.ramMib;
  delta.cpuMhz += sign * demand.cpuMhz;
  delta.diskGib += sign * demand.diskGib;
  delta.containers += sign;
  delta.limitCloudlets += sign * demand.limitCloudlets;
}

/**
 * Re-places every container of a node onto the other ACTIVE nodes of its region under the same
 * filters and scorers as a new placement. Unlike an environment request it is not atomic: an admin
 * draining a host wants to move what can move and see exactly what blocks the rest.
 * `placements` are the environments' containers on other nodes, so HA layers keep their spread.
 */
export function planEvacuation(options: {
  nodeId: string;
  containers: readonly EvacuatingContainer[];
  nodes: ClusterInput;
  placements?: readonly EnvironmentPlacement[];
  strategy?: PlacementStrategy;
  scoring?: ScoringOptions;
  /** Seeds tie-breaking; defaults to "evacuate:<nodeId>" so a re-plan of the same state is identical. */
  seed?: string;
  /** The region to stay in; defaults to the evacuated node's region. */
  regionId?: string;
}): EvacuationPlan {
  const { nodeId } = options;
  const cluster = asPrepared(options.nodes);
  const sourceIndex = cluster.indexById.get(nodeId);
  const source = sourceIndex === undefined ? undefined : cluster.nodes[sourceIndex];
  const regionId = options.regionId ?? source?.regionId;
  const unmovable: UnmovableContainer[] = [];
  const moves: EvacuationMove[] = [];
  const fail = (
    container: EvacuatingContainer,
    message: string,
    reason: string,
    rejections: UnmovableContainer["rejections"] = [],
  ) =>
    unmovable.push({
      containerId: container.containerId,
      environmentId: container.environmentId,
      layerId: container.layerId,
      message,
      reason,
      rejections,
    });

  if (regionId === undefined) {
    for (const c of options.containers)
      fail(
        c,
        `node ${nodeId} is not in the cluster snapshot and no region was given`,
        "the node is not in the cluster snapshot",
      );
    return { nodeId, complete: options.containers.length === 0, moves, unmovable, deltas: [] };
  }
  const state = createClusterState({
    cluster,
    regionId,
    scoring: resolveScoring(options.strategy ?? "spread", options.scoring),
    prng: createPrng(options.seed ?? `evacuate:${nodeId}`),
    excludedNodeId: nodeId,
  });
  for (const p of options.placements ?? []) {
    const index = nodeIndex(state, p.nodeId);
    if (index >= 0 && p.nodeId !== nodeId) layerCountsFor(state, layerKey(p.environmentId, p.layerId))[index] += 1;
  }
  // Biggest first, then by id: the plan depends on the set of containers, not on their order.
  const ordered = [...options.containers].sort(
    (a, b) =>
      b.resources.reservedCloudlets - a.resources.reservedCloudlets ||
      b.resources.diskGib - a.resources.diskGib ||
      (a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0),
  );
  const byNode = new Map<string, ReservedDelta>();
  const choice: Choice = { index: -1, score: 0 };
  for (const container of ordered) {
    const invalid = validateResources(container.resources);
    if (invalid) {
      fail(container, `container ${container.containerId}: ${invalid}`, invalid);
      continue;
    }
    const candidate: Candidate = {
      demand: toDemand(container.resources),
      eligible: eligibilityFor(state, container.labelSelector),
      counts: layerCountsFor(state, layerKey(container.environmentId, container.layerId)),
      ha: container.ha,
    };
    selectNode(state, candidate, choice);
    if (choice.index < 0) {
      const layer = {
        id: container.layerId,
        ha: container.ha,
        labelSelector: container.labelSelector,
        resources: container.resources,
      };
      const subject = `container ${container.containerId} of layer "${container.layerId}" in environment ${container.environmentId}`;
      const report = reportRejections({ state, candidate, layer, subject, regionId });
      fail(container, report.message, report.reason, report.rejections);
      continue;
    }
    reserveAt(state, choice.index, candidate);
    const toNodeId = state.nodes[choice.index].id;
    moves.push({ ...pick(container), fromNodeId: nodeId, toNodeId, score: choice.score });
    addDelta(byNode, toNodeId, container, 1);
    addDelta(byNode, nodeId, container, -1);
  }
  // Node order (an unknown evacuated node last), so the plan is byte-identical for equal inputs.
  const order = (id: string) => cluster.indexById.get(id) ?? cluster.size;
  const deltas = [...byNode.values()].sort((a, b) => order(a.nodeId) - order(b.nodeId));
  return { nodeId, complete: unmovable.length === 0, moves, unmovable, deltas };
}

const pick = (c: EvacuatingContainer) => ({
  containerId: c.containerId,
  environmentId: c.environmentId,
  layerId: c.layerId,
});
