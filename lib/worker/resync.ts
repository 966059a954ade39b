// Periodic resync: observe every node and compare with the database. A container that died or
// vanished is repaired (restart / recreate, per the desired state) and reported; an `hp-*`
// container with no row is an orphan, destroyed after a grace period and audited; an unreachable
// node turns OFFLINE and its containers UNKNOWN — never re-placed without fencing.
import { db } from "@/lib/db/client";
import { containerNameFor, isManagedName, type ContainerEngine } from "@/lib/orchestrator/engines";
import { recordAudit } from "@/lib/services/audit";
import { engineFor } from "@/lib/services/node-engine";
import { dispatch } from "@/lib/services/operations";
import { syncNetworkPolicies } from "./network-policy";

const firstSeenOrphans = new Map<string, number>();

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

export async function resyncOnce(options: { orphanGraceMs: number; now?: number }): Promise<{
  nodes: number;
  repaired: number;
  orphansDestroyed: number;
  offline: number;
  converted: number;
  policyApplied: number;
}> {
  const now = options.now ?? Date.now();
  const tally = { nodes: 0, repaired: 0, orphansDestroyed: 0, offline: 0, converted: 0, policyApplied: 0 };
  const reachable: string[] = [];
  const nodes = await db.hardwareNode.findMany();
  for (const node of nodes) {
    tally.nodes++;
    let engine: ContainerEngine;
    let observed;
    try {
      engine = engineFor(node);
      observed = await withTimeout(engine.list(), 20_000);
    } catch (error) {
      tally.offline++;
      if (node.status !== "OFFLINE") {
        await db.$transaction([
          db.hardwareNode.update({
            where: { id: node.id },
            data: { status: "OFFLINE", lastError: (error as Error).message.slice(0, 500) },
          }),
          db.container.updateMany({ where: { hardwareNodeId: node.id }, data: { observedState: "UNKNOWN" } }),
        ]);
        await recordAudit({
          action: "node.offline",
          targetType: "node",
          targetId: node.id,
          result: "FAILURE",
          detail: { node: node.name, error: (error as Error).message.slice(0, 300) },
        });
      }
      continue;
    }
    if (node.status === "OFFLINE") {
      await db.hardwareNode.update({ where: { id: node.id }, data: { status: "ACTIVE", lastError: null } });
      await recordAudit({ action: "node.online", targetType: "node", targetId: node.id, detail: { node: node.name } });
    }
    await db.hardwareNode.update({ where: { id: node.id }, data: { lastSeenAt: new Date(now) } });
    reachable.push(node.id);

    const rows = await db.container.findMany({
      where: { hardwareNodeId: node.id },
      include: { environment: { select: { id: true, name: true } } },
    });
    const byName = new Map(observed.map((o) => [o.name, o]));
    const known = new Set(rows.map((r) => containerNameFor(r.id)));
    const busy = new Set(
      (
        await db.operation.findMany({
          where: {
            status: { in: ["PENDING", "RUNNING"] },
            environmentId: { in: [...new Set(rows.map((r) => r.environmentId))] },
          },
          select: { environmentId: true },
        })
      ).map((o) => o.environmentId),
    );

    for (const row of rows) {
      const seen = byName.get(containerNameFor(row.id));
      const state = !seen
        ? null
        : seen.state === "running"
          ? "RUNNING"
          : seen.state === "stopped"
            ? "STOPPED"
            : "UNKNOWN";
      if (busy.has(row.environmentId)) continue;
      if (row.desiredState === "RUNNING" && state !== "RUNNING") {
        const reason =
          state === null ? "missing (deleted outside Hostplane): recreating" : "not running (died): restarting";
        await db.$transaction([
          db.container.update({ where: { id: row.id }, data: { observedState: state ?? "FAILED", lastError: reason } }),
          db.environment.update({ where: { id: row.environmentId }, data: { status: "DEGRADED" } }),
          db.operation.create({
            data: { kind: "REPAIR", environmentId: row.environmentId, input: { containerId: row.id, reason } },
          }),
        ]);
        busy.add(row.environmentId);
        await recordAudit({
          action: "container.repair",
          targetType: "container",
          targetId: row.id,
          result: "FAILURE",
          detail: { environment: row.environment.name, node: node.name, reason },
        });
        await dispatch(row.environmentId);
        tally.repaired++;
      } else if (state === "RUNNING" && seen?.privileged && row.desiredState === "RUNNING") {
        // Created privileged before issue 12: a restart converts it in place (engine start()),
        // through an operation like any other, so it is persisted and resumed after a crash.
        await db.$transaction([
          db.environment.update({ where: { id: row.environmentId }, data: { status: "UPDATING" } }),
          db.operation.create({
            data: {
              kind: "RESTART",
              environmentId: row.environmentId,
              input: { restart: [row.id], reason: "convert to an unprivileged container" },
            },
          }),
        ]);
        busy.add(row.environmentId);
        await recordAudit({
          action: "container.convert",
          targetType: "container",
          targetId: row.id,
          detail: { environment: row.environment.name, node: node.name, reason: "privileged → unprivileged" },
        });
        await dispatch(row.environmentId);
        tally.converted++;
      } else if (state && state !== row.observedState && row.observedState !== "DELETING") {
        await db.container.updateMany({
          where: { id: row.id },
          data: { observedState: state, lastObservedAt: new Date(now) },
        });
      }
    }

    // Orphans: managed names in this node's lxcpath without a row here (and not being moved here).
    const migrating = new Set(
      (await db.container.findMany({ where: { observedState: "MIGRATING" }, select: { id: true } })).map((c) =>
        containerNameFor(c.id),
      ),
    );
    for (const o of observed) {
      if (!isManagedName(o.name) || known.has(o.name) || migrating.has(o.name)) continue;
      const key = `${node.id}/${o.name}`;
      const first = firstSeenOrphans.get(key) ?? now;
      firstSeenOrphans.set(key, first);
      if (now - first < options.orphanGraceMs) continue;
      await engine.destroy(o.name);
      firstSeenOrphans.delete(key);
      tally.orphansDestroyed++;
      await recordAudit({
        action: "container.orphan.destroy",
        targetType: "container",
        targetId: o.name,
        detail: { node: node.name, graceMs: options.orphanGraceMs },
      });
    }
  }
  // Firewall rules are desired state too: re-applied on every reachable node each pass, which
  // repairs rules lost to a node reboot or deleted by hand (one atomic nft run per node).
  if (reachable.length > 0) {
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
  return tally;
}

/** Environments with unfinished operations get (re)dispatched: covers a crash before the hand-off. */
export async function redispatchOpenOperations(): Promise<number> {
  // An open operation whose environment is gone cannot run again: close it (defensive; deletion
  // completes its operation in the same transaction).
  await db.operation.updateMany({
    where: {
      status: { in: ["PENDING", "RUNNING"] },
      environmentId: null,
      hardwareNodeId: null,
      kind: { in: ["CREATE", "START", "STOP", "RESTART", "SCALE", "RESIZE", "DELETE", "RETRY", "REPAIR", "ROLLBACK"] },
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
