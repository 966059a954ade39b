// The evacuation plan as an admin reads it: environment, layer and container names instead of ids,
// the containers that cannot move grouped by why, and one sentence saying what the start button does.
// Pure: the service passes the scheduler's plan and the names it loaded.
import type { EvacuationPlan } from "@/lib/orchestrator/scheduler";
import { listOf, plural } from "@/lib/words";

export type PlanContainer = {
  containerId: string;
  /** `cp-1` */
  containerName: string;
  /** `hp-<id>`, for hover text */
  engineName: string;
  environmentName: string;
  layerName: string;
};

export type EvacuationPlanView = {
  complete: boolean;
  moves: (PlanContainer & { toNodeId: string; toNodeName: string })[];
  /** What cannot move, one group per distinct reason, biggest group first. */
  blocked: { reason: string; containers: PlanContainer[]; nodeReasons: string[] }[];
  /** What the start button will do, or why there is none ("" when there is nothing to move). */
  summary: string;
  /** Label of the start button; null when the server would refuse the plan (or nothing moves). */
  startLabel: string | null;
};

export function describeEvacuationPlan(options: {
  plan: Pick<EvacuationPlan, "complete" | "moves" | "unmovable">;
  nodeName: string;
  nodeNames: ReadonlyMap<string, string>;
  describe: (containerId: string) => PlanContainer;
}): EvacuationPlanView {
  const { plan, nodeName, nodeNames, describe } = options;
  const moves = plan.moves.map((m) => ({
    ...describe(m.containerId),
    toNodeId: m.toNodeId,
    toNodeName: nodeNames.get(m.toNodeId) ?? m.toNodeId,
  }));
  const groups = new Map<string, { reason: string; containers: PlanContainer[]; nodeReasons: Set<string> }>();
  for (const u of plan.unmovable) {
    const group = groups.get(u.reason) ?? { reason: u.reason, containers: [], nodeReasons: new Set<string>() };
    group.containers.push(describe(u.containerId));
    for (const r of u.rejections) {
      if (r.nodeName === nodeName) continue; // the node being evacuated: "being evacuated" says it
      for (const reason of r.reasons) group.nodeReasons.add(reason);
    }
    groups.set(u.reason, group);
  }
  const blocked = [...groups.values()]
    .map((g) => ({ reason: g.reason, containers: g.containers, nodeReasons: [...g.nodeReasons] }))
    .sort((a, b) => b.containers.length - a.containers.length || a.reason.localeCompare(b.reason));
  const targets = [...new Set(moves.map((m) => m.toNodeName))].sort();
  const stuck = plan.unmovable.length;
  let summary = "";
  let startLabel: string | null = null;
  if (stuck > 0) {
    summary =
      `This evacuation cannot start: ${plural(stuck, "container")} ${stuck === 1 ? "has" : "have"} nowhere to go. ` +
      `Nothing moves until every container has a target: free capacity or add a hardware node in this region, then show the plan again.`;
  } else if (moves.length > 0) {
    const what = `${plural(moves.length, "container")} to ${listOf(targets)}`;
    summary = `Moves ${what}; they keep their IP addresses, and nothing new is placed on ${nodeName} meanwhile.`;
    startLabel = `Move ${what}`;
  }
  return { complete: plan.complete, moves, blocked, summary, startLabel };
}
