// Evacuation and migration: the scheduler plans new homes for a node's containers under the usual
// rules; the reservations move in one guarded transaction; then per environment a MIGRATE
// operation moves the containers for real (they keep their IPs).
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { operationRow } from "@/lib/validation/operations";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { planEvacuation, type EvacuationPlan } from "@/lib/orchestrator/scheduler";
import { recordAudit } from "./audit";
import { dispatch } from "./operations";
import { commitDelta, lockRegionNodes, NODE_WITH_RATIOS, toSnapshot, TX_OPTIONS } from "./placement";
import type { Db } from "@/lib/db/client";
import { containerDisplayName, listOf, plural } from "@/lib/words";
import { describeEvacuationPlan, type EvacuationPlanView, type PlanContainer } from "./evacuation-view";

import type { Actor } from "@/lib/auth/actor";
type Tx = Db.Prisma.TransactionClient;

function assertAdminActor(actor: Actor) {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can do this.");
}

async function computePlan(tx: Tx | typeof db, nodeId: string, only?: string[]) {
  const node = await tx.hardwareNode.findUnique({ where: { id: nodeId } });
  if (!node) throw new AppError("NOT_FOUND", "Hardware node not found.");
  const nodes = await tx.hardwareNode.findMany({
    where: { regionId: node.regionId },
    orderBy: { id: "asc" },
    include: NODE_WITH_RATIOS,
  });
  const containers = await tx.container.findMany({
    where: { hardwareNodeId: nodeId, desiredState: { not: "DELETED" }, ...(only ? { id: { in: only } } : {}) },
    include: { layer: true, environment: { select: { name: true } } },
    orderBy: [{ environmentId: "asc" }, { layerId: "asc" }, { ordinal: "asc" }],
  });
  const envIds = [...new Set(containers.map((c) => c.environmentId))];
  const others = await tx.container.findMany({
    where: { environmentId: { in: envIds }, hardwareNodeId: { not: nodeId }, desiredState: { not: "DELETED" } },
    select: { environmentId: true, layerId: true, hardwareNodeId: true },
  });
  const plan: EvacuationPlan = planEvacuation({
    nodeId,
    nodes: nodes.map(toSnapshot),
    containers: containers.map((c) => ({
      containerId: c.id,
      environmentId: c.environmentId,
      layerId: c.layerId,
      ha: c.layer.ha,
      labelSelector: (c.layer.labelSelector ?? {}) as Record<string, string>,
      resources: { reservedCloudlets: c.reservedCloudlets, dynamicCloudlets: c.dynamicCloudlets, diskGib: c.diskGib },
    })),
    placements: others.map((o) => ({ environmentId: o.environmentId, layerId: o.layerId, nodeId: o.hardwareNodeId! })),
  });
  return { node, nodes, containers, plan };
}

type PlannedContainer = Awaited<ReturnType<typeof computePlan>>["containers"][number];

/** Names for people: environment, layer, `cp-1`, and the engine name for hover text. */
function describer(containers: PlannedContainer[]) {
  const byId = new Map(containers.map((c) => [c.id, c]));
  return (containerId: string): PlanContainer => {
    const c = byId.get(containerId);
    return {
      containerId,
      containerName: c ? containerDisplayName(c.layer.name, c.ordinal) : containerId,
      engineName: containerNameFor(containerId),
      environmentName: c?.environment.name ?? "",
      layerName: c?.layer.name ?? "",
    };
  };
}

export async function planNodeEvacuation(o: { actor: Actor; nodeId: string }): Promise<EvacuationPlanView> {
  assertAdminActor(o.actor);
  const { node, nodes, containers, plan } = await computePlan(db, o.nodeId);
  return describeEvacuationPlan({
    plan,
    nodeName: node.name,
    nodeNames: new Map(nodes.map((n) => [n.id, n.name])),
    describe: describer(containers),
  });
}

/** Moves reservations and records MIGRATE operations; refuses when any container cannot move. */
async function startMoves(o: { actor: Actor; nodeId: string; only?: string[]; evacuate: boolean; ip?: string | null }) {
  const result = await db.$transaction(async (tx) => {
    const source = await tx.hardwareNode.findUnique({ where: { id: o.nodeId } });
    if (!source) throw new AppError("NOT_FOUND", "Hardware node not found.");
    await lockRegionNodes(tx, source.regionId);
    const { node, nodes, containers, plan } = await computePlan(tx, o.nodeId, o.only);
    if (!plan.complete) {
      const view = describeEvacuationPlan({
        plan,
        nodeName: node.name,
        nodeNames: new Map(nodes.map((n) => [n.id, n.name])),
        describe: describer(containers),
      });
      const groups = view.blocked.map(
        (g) =>
          `${listOf(g.containers.map((c) => `${c.environmentName} / ${c.layerName} / ${c.containerName}`))} (${g.reason})`,
      );
      throw new AppError(
        "NO_CAPACITY",
        `${plural(plan.unmovable.length, "container")} cannot move: ${groups.join("; ")}. Nothing was moved.`,
        { details: { unmovable: plan.unmovable } },
      );
    }
    const versions = new Map(nodes.map((n) => [n.id, n.version]));
    for (const delta of plan.deltas) await commitDelta(tx, delta, versions.get(delta.nodeId)!);
    const parent = o.evacuate
      ? await tx.operation.create({
          data: {
            ...operationRow("EVACUATE", { moves: plan.moves.length }),
            status: plan.moves.length ? "RUNNING" : "SUCCEEDED",
            startedAt: new Date(),
            finishedAt: plan.moves.length ? null : new Date(),
            hardwareNodeId: node.id,
            userId: o.actor.id,
          },
        })
      : null;
    if (o.evacuate) await tx.hardwareNode.update({ where: { id: node.id }, data: { status: "EVACUATING" } });
    const perEnv = new Map<string, { containerId: string; toNodeId: string }[]>();
    for (const m of plan.moves)
      perEnv.set(m.environmentId, [
        ...(perEnv.get(m.environmentId) ?? []),
        { containerId: m.containerId, toNodeId: m.toNodeId },
      ]);
    const ops: string[] = [];
    for (const [environmentId, moves] of perEnv) {
      await tx.container.updateMany({
        where: { id: { in: moves.map((m) => m.containerId) } },
        data: { observedState: "MIGRATING" },
      });
      await tx.environment.update({ where: { id: environmentId }, data: { status: "UPDATING" } });
      const op = await tx.operation.create({
        data: {
          ...operationRow("MIGRATE", { moves, fromNodeId: node.id, parentId: parent?.id ?? null }),
          environmentId,
          hardwareNodeId: node.id,
          userId: o.actor.id,
        },
      });
      ops.push(op.id);
    }
    if (o.evacuate)
      await recordAudit(
        {
          actorId: o.actor.id,
          actorEmail: o.actor.email,
          action: "node.evacuate",
          targetType: "node",
          targetId: node.id,
          ip: o.ip,
          detail: { moves: plan.moves.length },
        },
        tx,
      );
    return {
      parentId: parent?.id ?? ops[0] ?? null,
      envs: [...perEnv.keys()],
      moves: plan.moves.length,
      containers: containers.length,
    };
  }, TX_OPTIONS);
  for (const envId of result.envs) await dispatch(envId);
  return result;
}

export async function evacuateNode(o: {
  actor: Actor;
  nodeId: string;
  ip?: string | null;
}): Promise<{ operationId: string }> {
  assertAdminActor(o.actor);
  const r = await startMoves({ ...o, evacuate: true });
  return { operationId: r.parentId! };
}
