import { currentSnapshot, type Candidate, type ClusterState } from "./cluster-state";
import { runFilters, type FilterName, type FilterVerdict } from "./filters";
import { describeResources } from "./resources";
import type { ContainerResources, NodeRejection } from "./types";

/**
 * Reasons are built only here, after a container failed (or for explain), never in the hot loop:
 * a successful placement of 10,000 containers must not format 10 million strings.
 */

export interface LayerView {
  id: string;
  ha: boolean;
  labelSelector?: Readonly<Record<string, string>>;
  resources: ContainerResources;
}

export function verdictAt(options: {
  state: ClusterState;
  index: number;
  candidate: Candidate;
  layer: LayerView;
  regionId: string;
}): FilterVerdict {
  const { state, index, candidate, layer } = options;
  return runFilters({
    node: currentSnapshot(state, index),
    regionId: options.regionId,
    demand: candidate.demand,
    layer,
    sameLayerOnNode: candidate.counts[index],
    excluded: index === state.excludedIndex,
  });
}

export interface RejectionReport {
  rejections: NodeRejection[];
  message: string;
  /** Why, without naming what failed ("2 nodes checked: 1 being evacuated, 1 not enough allocatable RAM"): groups equal failures. */
  reason: string;
}

const SUMMARY_LABEL: Record<FilterName, string> = {
  excluded: "being evacuated",
  status: "not ACTIVE",
  region: "in another region",
  labels: "labels do not match",
  ram: "not enough allocatable RAM",
  cpu: "not enough allocatable CPU",
  disk: "not enough allocatable disk",
  slots: "no free container slot",
  overcommit: "dynamic-limit overcommit reached",
  haAntiAffinity: "already run a container of this HA layer",
};

export function reportRejections(options: {
  state: ClusterState;
  candidate: Candidate;
  layer: LayerView;
  /** What could not be placed, e.g. `container 3 of layer "cp"`. */
  subject: string;
  regionId: string;
}): RejectionReport {
  const { state, layer } = options;
  const rejections: NodeRejection[] = [];
  const tally = new Map<FilterName, number>();
  for (let index = 0; index < state.size; index++) {
    const verdict = verdictAt({ ...options, index });
    for (const name of verdict.failed) tally.set(name, (tally.get(name) ?? 0) + 1);
    const node = state.nodes[index];
    rejections.push({ nodeId: node.id, nodeName: node.name, reasons: verdict.reasons });
  }
  const counts = [...tally].map(([name, n]) => `${n} ${SUMMARY_LABEL[name]}`).join(", ");
  const container = `${options.subject} (${describeResources(layer.resources)})`;
  const checked = `${state.size} node${state.size === 1 ? "" : "s"} checked`;
  const message =
    state.size === 0
      ? `No hardware node can take ${container}: the cluster has no nodes.`
      : `No hardware node can take ${container}: ${checked}; ${counts}.`;
  const reason = state.size === 0 ? "the cluster has no hardware nodes" : `${checked}: ${counts}`;
  return { rejections, message, reason };
}
