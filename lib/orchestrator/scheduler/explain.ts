import { scoreAt } from "./cluster-state";
import { runPlacement, type PlacementStep } from "./place";
import { verdictAt } from "./report";
import type { ClusterInput } from "./prepared-cluster";
import type { ExplainNodeRow, ExplainResult, ExplainStep, PlacementRequest, ScorerName } from "./types";

function rowsFor(step: PlacementStep, regionId: string): ExplainNodeRow[] {
  const { state, candidate, layer } = step;
  const weights = state.scoring.weights;
  const rows: ExplainNodeRow[] = new Array(state.size);
  for (let index = 0; index < state.size; index++) {
    const node = state.nodes[index];
    // The reference filters, not the fast twin: explain is what a person reads to trust the scheduler.
    const verdict = verdictAt({ state, index, candidate, layer, regionId });
    let score: number | null = null;
    const scores: Partial<Record<ScorerName, number>> = {};
    if (verdict.fit) {
      const s = scoreAt(state, index, candidate);
      score = s.total;
      if (weights.spread !== 0) scores.spread = s.spread;
      if (weights.pack !== 0) scores.pack = s.pack;
    }
    rows[index] = { nodeId: node.id, nodeName: node.name, fit: verdict.fit, reasons: verdict.reasons, score, scores };
  }
  return rows;
}

/**
 * A placement preview: runs the real placement and records, for every container in placement
 * order, each node's filter verdict and scores at that moment and the node it lands on. Nothing is
 * committed; the same request on the same nodes then places exactly as previewed.
 */
export function explain(request: PlacementRequest, nodes: ClusterInput): ExplainResult {
  const steps: ExplainStep[] = [];
  const result = runPlacement({
    request,
    nodes,
    observe: (step) => {
      steps.push({
        layerId: step.layer.id,
        ordinal: step.ordinal,
        nodeId: step.choice.index < 0 ? null : step.state.nodes[step.choice.index].id,
        nodes: rowsFor(step, request.regionId),
      });
    },
  });
  return { requestId: request.requestId, strategy: request.strategy ?? "spread", result, steps };
}
