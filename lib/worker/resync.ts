// Periodic resync: observe every node and compare with the database. A container that died or
// vanished is repaired (restart / recreate, per the desired state) and reported; an `hp-*`
// container with no row is an orphan, destroyed after a grace period and audited; an unreachable
// node turns OFFLINE and its containers UNKNOWN — never re-placed without fencing.
import { db } from "@/lib/db/client";
import { containerNameFor, isManagedName, type ContainerEngine } from "@/lib/orchestrator/engines";
import { auditEventData, recordAudit } from "@/lib/services/audit";
import { engineFor } from "@/lib/services/node-engine";
import { dispatch } from "@/lib/services/operations";
import { operationRow, type OperationKind } from "@/lib/validation/operations";
import { syncNetworkPolicies } from "@/lib/services/network-policy";
import { syncIngress, syncNodeRoutes } from "@/lib/services/ingress";
import { syncTcpEndpoints } from "@/lib/services/tcp-endpoints";

const firstSeenOrphans = new Map<string, number>();
const reportedRouteFailures = new Map<string, string>();

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type Tally = {
  nodes: number;
  repaired: number;
  orphansDestroyed: number;
  offline: number;
  converted: number;
  policyApplied: number;
  /** The ingress ran another configuration than the database says (drift, or a restarted Caddy). */
  ingressRepaired: boolean;
};
type NodeRow = Awaited<ReturnType<typeof db.hardwareNode.findMany>>[number];
type ObservedContainer = Awaited<ReturnType<ContainerEngine["list"]>>[number];

export async function resyncOnce(options: { orphanGraceMs: number; now?: number }): Promise<Tally> {
  const now = options.now ?? Date.now();
  const tally: Tally = {
    nodes: 0,
    repaired: 0,
    orphansDestroyed: 0,
    offline: 0,
    converted: 0,
    policyApplied: 0,
    ingressRepaired: false,
  };
  const reachable: string[] = [];
  for (const node of await db.hardwareNode.findMany()) {
    tally.nodes++;
    const observed = await observeNode(node);
    if (!observed) {
      tally.offline++;
      continue;
    }
    await markNodeSeen(node, now);
    reachable.push(node.id);
    const known = await reconcileContainers({ node, observed: observed.containers, now, tally });
    await destroyOrphans({
      node,
      engine: observed.engine,
      observed: observed.containers,
      known,
      now,
      tally,
      ...options,
    });
  }
  await applyNetworkPolicies(reachable, tally);
  // Routes are desired state like the firewall: whatever Caddy runs is compared and replaced on drift.
  tally.ingressRepaired = (await syncIngress()).status === "applied";
  // The ingress reaches containers on remote lxc nodes through a route per node (see node-routes.ts).
  const routes = await syncNodeRoutes();
  for (const failure of routes.failed) {
    // Audited when it first happens or changes, not every pass.
    if (reportedRouteFailures.get(failure.node) === failure.reason) continue;
    reportedRouteFailures.set(failure.node, failure.reason);
    await recordAudit({
      action: "node.ingress-route",
      targetType: "node",
      targetId: failure.node,
      result: "FAILURE",
      detail: failure,
    });
  }
  for (const route of routes.applied) reportedRouteFailures.delete(route.node);
  // Published TCP ports (DNAT per node) are desired state too: removed with their containers, moved with them.
  const endpoints = await syncTcpEndpoints({ sweep: reachable });
  for (const failure of endpoints.failed)
    console.error(`[hostplane] endpoint rules on ${failure.node}: ${failure.error}`);
  return tally;
}

/**
 * Firewall rules are desired state too: re-applied on every reachable node each pass, which
 * repairs rules lost to a node reboot or deleted by hand (one atomic nft run per node).
 */
async function applyNetworkPolicies(reachable: string[], tally: Tally) {
  if (reachable.length === 0) return;
  const policy = await syncNetworkPolicies({ nodeIds: reachable });
  tally.policyApplied = policy.applied.length;
  for (const failure of policy.failed)
    await recordAudit({
      action: "node.network-policy",
      targetType: "node",
      targetId: failure.node,
      result: "FAILURE",
      detail: failure,
    });
}

/** Lists the node's containers; an unreachable node turns OFFLINE (once) and answers null. */
async function observeNode(
  node: NodeRow,
): Promise<{ engine: ContainerEngine; containers: ObservedContainer[] } | null> {
  try {
    const engine = engineFor(node);
    return { engine, containers: await withTimeout(engine.list(), 20_000) };
  } catch (error) {
    if (node.status !== "OFFLINE") {
      const message = (error as Error).message;
      await db.$transaction([
        db.hardwareNode.update({
          where: { id: node.id },
          data: { status: "OFFLINE", lastError: message.slice(0, 500) },
        }),
        db.container.updateMany({ where: { hardwareNodeId: node.id }, data: { observedState: "UNKNOWN" } }),
        db.auditEvent.create({
          data: auditEventData({
            action: "node.offline",
            targetType: "node",
            targetId: node.id,
            result: "FAILURE",
            detail: { node: node.name, error: message.slice(0, 300) },
          }),
        }),
      ]);
    }
    return null;
  }
}

/** An answering node is ACTIVE again (if it was OFFLINE) and seen now. */
async function markNodeSeen(node: NodeRow, now: number) {
  if (node.status === "OFFLINE") {
    await db.$transaction([
      db.hardwareNode.update({ where: { id: node.id }, data: { status: "ACTIVE", lastError: null } }),
      db.auditEvent.create({
        data: auditEventData({
          action: "node.online",
          targetType: "node",
          targetId: node.id,
          detail: { node: node.name },
        }),
      }),
    ]);
  }
  await db.hardwareNode.update({ where: { id: node.id }, data: { lastSeenAt: new Date(now) } });
}

function observedState(seen: ObservedContainer | undefined): "RUNNING" | "STOPPED" | "UNKNOWN" | null {
  if (!seen) return null;
  return seen.state === "running" ? "RUNNING" : seen.state === "stopped" ? "STOPPED" : "UNKNOWN";
}

/**
 * Compares the node's rows with what it runs: a container that should run but died or vanished gets
 * a REPAIR operation (unless its environment has work open); other drift updates the observed state.
 * Returns the engine names of the rows, for the orphan check.
 */
async function reconcileContainers(o: { node: NodeRow; observed: ObservedContainer[]; now: number; tally: Tally }) {
  const { node, now, tally } = o;
  const rows = await db.container.findMany({
    where: { hardwareNodeId: node.id },
    include: { environment: { select: { id: true, name: true } } },
  });
  const byName = new Map(o.observed.map((c) => [c.name, c]));
  const busy = await environmentsWithOpenOperations(rows.map((r) => r.environmentId));
  for (const row of rows) {
    const seen = byName.get(containerNameFor(row.id));
    const state = observedState(seen);
    if (busy.has(row.environmentId)) continue;
    if (row.desiredState === "RUNNING" && state !== "RUNNING") {
      await repairContainer({ row, node, state });
      busy.add(row.environmentId);
      tally.repaired++;
    } else if (state === "RUNNING" && seen?.privileged && row.desiredState === "RUNNING") {
      await convertContainer({ row, node });
      busy.add(row.environmentId);
      tally.converted++;
    } else if (state && state !== row.observedState && row.observedState !== "DELETING") {
      await db.container.updateMany({
        where: { id: row.id },
        data: { observedState: state, lastObservedAt: new Date(now) },
      });
    }
  }
  return new Set(rows.map((r) => containerNameFor(r.id)));
}

async function environmentsWithOpenOperations(environmentIds: string[]): Promise<Set<string | null>> {
  const open = await db.operation.findMany({
    where: { status: { in: ["PENDING", "RUNNING"] }, environmentId: { in: [...new Set(environmentIds)] } },
    select: { environmentId: true },
  });
  return new Set(open.map((op) => op.environmentId));
}

/** Records a REPAIR operation (restart or recreate, per the desired state), audited in the same transaction. */
async function repairContainer(o: {
  row: { id: string; environmentId: string; environment: { name: string } };
  node: NodeRow;
  state: "STOPPED" | "UNKNOWN" | null;
}) {
  const { row, node, state } = o;
  const reason = state === null ? "missing (deleted outside Hostplane): recreating" : "not running (died): restarting";
  await db.$transaction([
    db.container.update({ where: { id: row.id }, data: { observedState: state ?? "FAILED", lastError: reason } }),
    db.environment.update({ where: { id: row.environmentId }, data: { status: "DEGRADED" } }),
    db.operation.create({
      data: { ...operationRow("REPAIR", { containerId: row.id, reason }), environmentId: row.environmentId },
    }),
    db.auditEvent.create({
      data: auditEventData({
        action: "container.repair",
        targetType: "container",
        targetId: row.id,
        result: "FAILURE",
        detail: { environment: row.environment.name, node: node.name, reason },
      }),
    }),
  ]);
  await dispatch(row.environmentId);
}

/**
 * Created privileged before tenant isolation: a restart converts it in place (engine start()),
 * through an operation like any other, so it is persisted and resumed after a crash.
 */
async function convertContainer(o: {
  row: { id: string; environmentId: string; environment: { name: string } };
  node: NodeRow;
}) {
  const { row, node } = o;
  await db.$transaction([
    db.environment.update({ where: { id: row.environmentId }, data: { status: "UPDATING" } }),
    db.operation.create({
      data: {
        ...operationRow("RESTART", { restart: [row.id], reason: "convert to an unprivileged container" }),
        environmentId: row.environmentId,
      },
    }),
    db.auditEvent.create({
      data: auditEventData({
        action: "container.convert",
        targetType: "container",
        targetId: row.id,
        detail: { environment: row.environment.name, node: node.name, reason: "privileged → unprivileged" },
      }),
    }),
  ]);
  await dispatch(row.environmentId);
}

/** Managed names in this node's lxcpath without a row here (and not being moved here), past the grace period. */
async function destroyOrphans(o: {
  node: NodeRow;
  engine: ContainerEngine;
  observed: ObservedContainer[];
  known: Set<string>;
  now: number;
  orphanGraceMs: number;
  tally: Tally;
}) {
  const { node, now } = o;
  const migrating = new Set(
    (await db.container.findMany({ where: { observedState: "MIGRATING" }, select: { id: true } })).map((c) =>
      containerNameFor(c.id),
    ),
  );
  for (const { name } of o.observed) {
    if (!isManagedName(name) || o.known.has(name) || migrating.has(name)) continue;
    const key = `${node.id}/${name}`;
    const first = firstSeenOrphans.get(key) ?? now;
    firstSeenOrphans.set(key, first);
    if (now - first < o.orphanGraceMs) continue;
    try {
      await o.engine.destroy(name);
    } catch (error) {
      // One orphan that cannot be destroyed now must not stop the rest of the pass; the next pass retries.
      console.error(`[resync] could not destroy orphan ${name} on ${node.name}: ${(error as Error).message}`);
      continue;
    }
    firstSeenOrphans.delete(key);
    o.tally.orphansDestroyed++;
    await recordAudit({
      action: "container.orphan.destroy",
      targetType: "container",
      targetId: name,
      detail: { node: node.name, graceMs: o.orphanGraceMs },
    });
  }
}

/** Operations that act on one environment (the others act on nodes: MIGRATE and EVACUATE carry a node, TEMPLATE too). */
const ENVIRONMENT_OPERATION_KINDS = [
  "CREATE",
  "START",
  "STOP",
  "RESTART",
  "SCALE",
  "RESIZE",
  "DELETE",
  "RETRY",
  "REPAIR",
  "ROLLBACK",
] satisfies OperationKind[];

/** Environments with unfinished operations get (re)dispatched: covers a crash before the hand-off. */
export async function redispatchOpenOperations(): Promise<number> {
  // An open operation whose environment is gone cannot run again: close it (defensive; deletion
  // completes its operation in the same transaction).
  await db.operation.updateMany({
    where: {
      status: { in: ["PENDING", "RUNNING"] },
      environmentId: null,
      hardwareNodeId: null,
      kind: { in: ENVIRONMENT_OPERATION_KINDS },
    },
    data: { status: "CANCELLED", finishedAt: new Date(), error: "environment no longer exists" },
  });
  const envs = await db.operation.findMany({
    where: { status: { in: ["PENDING", "RUNNING"] }, environmentId: { not: null } },
    select: { environmentId: true },
    distinct: ["environmentId"],
  });
  for (const e of envs) await dispatch(e.environmentId!);
  return envs.length;
}
