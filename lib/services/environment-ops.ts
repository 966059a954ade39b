// Changing environments: lifecycle (start/stop/restart), scaling, resizing, deletion and retries.
// Each validates, authorizes (ownership in the query), records intent plus an Operation in one
// transaction and returns at once with the operation id; the worker converges.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { cloudletsToResources } from "@/lib/orchestrator/cloudlet";
import {
  CLOUDLET_CPU_MHZ,
  CLOUDLET_RAM_MIB,
  freeCapacity,
  placeScaleOut,
  type ReservedDelta,
} from "@/lib/orchestrator/scheduler";
import type { LifecycleTarget, ResizeLayerInput, ScaleLayerInput } from "@/lib/validation/environments";
import type { Actor } from "./environments";
import { noCapacityError } from "./environments";
import { dispatch, recordAuditedOperation } from "./operations";
import {
  allocateIps,
  commitDeltas,
  NODE_WITH_RATIOS,
  readRegionNodes,
  toSnapshot,
  TX_OPTIONS,
  withReservationRetry,
} from "./placement";
import { assertLayerQuota, assertUsageQuota, loadQuota } from "./quota-check";

/** Ownership lives in the query: another user's environment is simply not found. */
export async function getOwnedEnvironment(actor: Actor, environmentId: string) {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(actor.role === "ADMIN" ? {} : { ownerId: actor.id }) },
    include: { layers: true },
  });
  if (!env) throw new AppError("NOT_FOUND", "Environment not found.");
  if (env.desiredState === "DELETED") throw new AppError("CONFLICT", "This environment is being deleted.");
  return env;
}

/** After the commit (the operation and its audit event are in it): hand the environment to a worker. */
async function finish(environmentId: string, operationId: string) {
  await dispatch(environmentId);
  return { operationId };
}

export async function setEnvironmentRunning(options: {
  actor: Actor;
  environmentId: string;
  running: boolean;
  ip?: string | null;
}) {
  const env = await getOwnedEnvironment(options.actor, options.environmentId);
  const desired = options.running ? "RUNNING" : "STOPPED";
  // Deadlock / write-conflict aborts (P2034) are retried like reservation conflicts.
  const op = await withReservationRetry(() =>
    db.$transaction(async (tx) => {
      await tx.environment.update({
        where: { id: env.id },
        data: { desiredState: desired, status: "UPDATING", version: { increment: 1 } },
      });
      await tx.container.updateMany({
        where: { environmentId: env.id, desiredState: { not: "DELETED" } },
        data: { desiredState: desired },
      });
      return recordAuditedOperation(
        tx,
        {
          kind: options.running ? "START" : "STOP",
          environmentId: env.id,
          userId: options.actor.id,
          input: {},
        },
        {
          actor: options.actor,
          action: options.running ? "environment.start" : "environment.stop",
          ip: options.ip,
        },
      );
    }),
  );
  return finish(env.id, op.id);
}

/** Stop or start one container; the rest of the environment keeps its desired state. */
export async function setContainerRunning(options: {
  actor: Actor;
  environmentId: string;
  containerId: string;
  running: boolean;
  ip?: string | null;
}) {
  const env = await getOwnedEnvironment(options.actor, options.environmentId);
  const container = await db.container.findFirst({
    where: { id: options.containerId, environmentId: env.id, desiredState: { not: "DELETED" } },
  });
  if (!container) throw new AppError("NOT_FOUND", "Container not found.");
  // Deadlock / write-conflict aborts (P2034) are retried like reservation conflicts.
  const op = await withReservationRetry(() =>
    db.$transaction(async (tx) => {
      await tx.container.update({
        where: { id: container.id },
        data: { desiredState: options.running ? "RUNNING" : "STOPPED" },
      });
      if (options.running && env.desiredState === "STOPPED")
        await tx.environment.update({ where: { id: env.id }, data: { desiredState: "RUNNING" } });
      await tx.environment.update({ where: { id: env.id }, data: { status: "UPDATING" } });
      return recordAuditedOperation(
        tx,
        {
          kind: options.running ? "START" : "STOP",
          environmentId: env.id,
          userId: options.actor.id,
          input: { containerId: container.id },
        },
        {
          actor: options.actor,
          action: options.running ? "container.start" : "container.stop",
          ip: options.ip,
          detail: { containerId: container.id },
        },
      );
    }),
  );
  return finish(env.id, op.id);
}

/** Restart the environment, one layer, or one container (the target's running containers restart). */
export async function restartTarget(options: { actor: Actor; target: LifecycleTarget; ip?: string | null }) {
  const { target } = options;
  const env = await getOwnedEnvironment(options.actor, target.environmentId);
  const containers = await db.container.findMany({
    where: {
      environmentId: env.id,
      desiredState: "RUNNING",
      ...(target.layerId ? { layerId: target.layerId } : {}),
      ...(target.containerId ? { id: target.containerId } : {}),
    },
    select: { id: true },
  });
  if (containers.length === 0) throw new AppError("NOT_FOUND", "Nothing to restart: no running container matches.");
  // Deadlock / write-conflict aborts (P2034) are retried like reservation conflicts.
  const op = await withReservationRetry(() =>
    db.$transaction(async (tx) => {
      await tx.environment.update({ where: { id: env.id }, data: { status: "UPDATING" } });
      return recordAuditedOperation(
        tx,
        {
          kind: "RESTART",
          environmentId: env.id,
          userId: options.actor.id,
          input: { restart: containers.map((c) => c.id), layerId: target.layerId, containerId: target.containerId },
        },
        {
          actor: options.actor,
          action: "environment.restart",
          ip: options.ip,
          detail: { containers: containers.length },
        },
      );
    }),
  );
  return finish(env.id, op.id);
}

/** Horizontal scaling: scale-out places new containers (reserving capacity); scale-in removes the newest. */
export async function scaleLayer(options: { actor: Actor; input: ScaleLayerInput; ip?: string | null }) {
  const { input } = options;
  const env = await getOwnedEnvironment(options.actor, input.environmentId);
  const layer = env.layers.find((l) => l.id === input.layerId);
  if (!layer) throw new AppError("NOT_FOUND", "Layer not found.");
  if (input.count === layer.count)
    throw new AppError("VALIDATION", `The layer already has ${layer.count} containers.`, {
      fieldErrors: { count: ["Pick a different count."] },
    });
  const requestId = randomUUID();
  const result = await withReservationRetry(async () => {
    return db.$transaction(async (tx) => {
      // Lock order of every placing transaction: the layer row (scaling one layer is serial), then
      // the touched nodes in id order (commitDeltas), then the owner's quota counters (triggers).
      await tx.layer.update({ where: { id: layer.id }, data: { count: input.count, version: { increment: 1 } } });
      const live = await tx.container.findMany({
        where: { layerId: layer.id, desiredState: { not: "DELETED" } },
        orderBy: { ordinal: "asc" },
      });
      if (input.count < live.length) {
        const removed = live.slice(input.count).map((c) => c.id);
        await tx.container.updateMany({ where: { id: { in: removed } }, data: { desiredState: "DELETED" } });
        await tx.environment.update({ where: { id: env.id }, data: { status: "UPDATING" } });
        return recordAuditedOperation(
          tx,
          {
            kind: "SCALE",
            environmentId: env.id,
            userId: options.actor.id,
            input: { layerId: layer.id, from: live.length, to: input.count, removed },
          },
          {
            actor: options.actor,
            action: "layer.scale",
            ip: options.ip,
            detail: { layer: layer.name, count: input.count },
          },
        );
      }
      const add = input.count - live.length;
      const quota = await loadQuota(tx, env.ownerId);
      assertLayerQuota(quota, [{ name: layer.name, count: input.count, dynamicCloudlets: layer.dynamicCloudlets }]);
      const demand = {
        newEnvironments: 0,
        addedReservedCloudlets: add * layer.reservedCloudlets,
        addedDiskGib: add * layer.diskGib,
      };
      await assertUsageQuota(tx, env.ownerId, quota, demand, { written: false });
      const rows = await readRegionNodes(tx, env.regionId);
      const existing = await tx.container.findMany({
        where: { environmentId: env.id, desiredState: { not: "DELETED" }, hardwareNodeId: { not: null } },
        select: { layerId: true, hardwareNodeId: true },
      });
      const placed = placeScaleOut({
        requestId,
        regionId: env.regionId,
        layer: {
          id: layer.id,
          ha: layer.ha,
          resources: {
            reservedCloudlets: layer.reservedCloudlets,
            dynamicCloudlets: layer.dynamicCloudlets,
            diskGib: layer.diskGib,
          },
        },
        count: add,
        existing: existing.map((c) => ({ layerId: c.layerId, nodeId: c.hardwareNodeId! })),
        nodes: rows.map(toSnapshot),
      });
      if (!placed.ok) throw noCapacityError(placed);
      const byId = new Map(rows.map((r) => [r.id, r]));
      await commitDeltas(tx, placed.deltas);
      const maxOrdinal =
        (await tx.container.aggregate({ where: { layerId: layer.id }, _max: { ordinal: true } }))._max.ordinal ?? -1;
      const added: string[] = [];
      let ordinal = maxOrdinal + 1;
      for (const a of placed.assignments) {
        const [ip] = await allocateIps(tx, byId.get(a.nodeId)!, 1);
        const c = await tx.container.create({
          data: {
            environmentId: env.id,
            layerId: layer.id,
            ordinal: ordinal++,
            hardwareNodeId: a.nodeId,
            ip,
            reservedCloudlets: layer.reservedCloudlets,
            dynamicCloudlets: layer.dynamicCloudlets,
            diskGib: layer.diskGib,
            desiredState: env.desiredState === "STOPPED" ? "STOPPED" : "RUNNING",
            // Added containers serve the layer's current release: the start hook unpacks and switches it.
            releaseId: layer.currentReleaseId,
          },
        });
        added.push(c.id);
      }
      await assertUsageQuota(tx, env.ownerId, quota, demand, { written: true });
      await tx.environment.update({ where: { id: env.id }, data: { status: "UPDATING" } });
      return recordAuditedOperation(
        tx,
        {
          kind: "SCALE",
          environmentId: env.id,
          userId: options.actor.id,
          input: { layerId: layer.id, from: live.length, to: input.count, containerIds: added },
        },
        {
          actor: options.actor,
          action: "layer.scale",
          ip: options.ip,
          detail: { layer: layer.name, count: input.count },
        },
      );
    });
  });
  return finish(env.id, result.id);
}

/** Vertical scaling: new reserved cloudlets and dynamic limit for every container of the layer, applied live. */
export async function resizeLayer(options: { actor: Actor; input: ResizeLayerInput; ip?: string | null }) {
  const { input } = options;
  const env = await getOwnedEnvironment(options.actor, input.environmentId);
  const layer = env.layers.find((l) => l.id === input.layerId);
  if (!layer) throw new AppError("NOT_FOUND", "Layer not found.");
  const op = await withReservationRetry(async () => {
    return db.$transaction(async (tx) => {
      // Same lock order as scaling: the layer row, the touched nodes in id order, the quota counters.
      // The sizes are read under the layer's lock, so a concurrent resize cannot skew the deltas.
      const [current] = await tx.$queryRaw<{ reservedCloudlets: number; dynamicCloudlets: number; count: number }[]>`
        SELECT "reservedCloudlets", "dynamicCloudlets", "count" FROM "Layer" WHERE id = ${layer.id} FOR UPDATE`;
      if (!current) throw new AppError("NOT_FOUND", "Layer not found.");
      await tx.layer.update({
        where: { id: layer.id },
        data: {
          reservedCloudlets: input.reservedCloudlets,
          dynamicCloudlets: input.dynamicCloudlets,
          version: { increment: 1 },
        },
      });
      const quota = await loadQuota(tx, env.ownerId);
      assertLayerQuota(quota, [{ name: layer.name, count: current.count, dynamicCloudlets: input.dynamicCloudlets }]);
      const containers = await tx.container.findMany({
        where: { layerId: layer.id, desiredState: { not: "DELETED" }, hardwareNodeId: { not: null } },
      });
      const dRes = input.reservedCloudlets - current.reservedCloudlets;
      const dDyn = input.dynamicCloudlets - current.dynamicCloudlets;
      const perNode = new Map<string, number>();
      for (const c of containers) perNode.set(c.hardwareNodeId!, (perNode.get(c.hardwareNodeId!) ?? 0) + 1);
      const nodes = new Map(
        (await tx.hardwareNode.findMany({ where: { id: { in: [...perNode.keys()] } }, include: NODE_WITH_RATIOS })).map(
          (n) => [n.id, n],
        ),
      );
      const deltas: ReservedDelta[] = [];
      for (const [nodeId, n] of perNode) {
        const node = nodes.get(nodeId)!;
        const delta = {
          nodeId,
          ...cloudletsToResources(dRes * n),
          diskGib: 0,
          containers: 0,
          limitCloudlets: dDyn * n,
        };
        // The same rules the reservation guard enforces, with a reason a person can act on.
        const free = freeCapacity(toSnapshot(node));
        if (delta.limitCloudlets > 0 && delta.limitCloudlets > free.limitCloudlets)
          throw new AppError(
            "NO_CAPACITY",
            `${node.name}: the dynamic limits would exceed ${node.overcommitRatio}× its RAM.`,
          );
        if ((delta.ramMib > 0 && delta.ramMib > free.ramMib) || (delta.cpuMhz > 0 && delta.cpuMhz > free.cpuMhz))
          throw new AppError(
            "NO_CAPACITY",
            `${node.name}: ${dRes * n} more reserved cloudlets do not fit (${Math.max(0, Math.floor(Math.min(free.ramMib / CLOUDLET_RAM_MIB, free.cpuMhz / CLOUDLET_CPU_MHZ)))} allocatable left).`,
          );
        deltas.push(delta);
      }
      await commitDeltas(tx, deltas);
      await tx.container.updateMany({
        where: { layerId: layer.id, desiredState: { not: "DELETED" } },
        data: { reservedCloudlets: input.reservedCloudlets, dynamicCloudlets: input.dynamicCloudlets },
      });
      await assertUsageQuota(
        tx,
        env.ownerId,
        quota,
        { newEnvironments: 0, addedReservedCloudlets: dRes * containers.length, addedDiskGib: 0 },
        { written: true },
      );
      await tx.environment.update({ where: { id: env.id }, data: { status: "UPDATING" } });
      return recordAuditedOperation(
        tx,
        {
          kind: "RESIZE",
          environmentId: env.id,
          userId: options.actor.id,
          input: {
            layerId: layer.id,
            reservedCloudlets: input.reservedCloudlets,
            dynamicCloudlets: input.dynamicCloudlets,
          },
        },
        {
          actor: options.actor,
          action: "layer.resize",
          ip: options.ip,
          detail: {
            layer: layer.name,
            reservedCloudlets: input.reservedCloudlets,
            dynamicCloudlets: input.dynamicCloudlets,
          },
        },
      );
    }, TX_OPTIONS);
  });
  return finish(env.id, op.id);
}

/** Two-phase delete: DELETING until the engine confirms every container is gone, then the rows go. */
export async function deleteEnvironment(options: {
  actor: Actor;
  environmentId: string;
  confirmName: string;
  ip?: string | null;
}) {
  const env = await db.environment.findFirst({
    where: { id: options.environmentId, ...(options.actor.role === "ADMIN" ? {} : { ownerId: options.actor.id }) },
  });
  if (!env) throw new AppError("NOT_FOUND", "Environment not found.");
  if (options.confirmName !== env.name)
    throw new AppError("VALIDATION", "Type the environment's name to confirm.", {
      fieldErrors: { confirmName: ["The name does not match."] },
    });
  if (env.desiredState === "DELETED") {
    const open = await db.operation.findFirst({
      where: { environmentId: env.id, kind: "DELETE" },
      orderBy: { createdAt: "desc" },
    });
    if (open) return { operationId: open.id };
  }
  // Deadlock / write-conflict aborts (P2034) are retried like reservation conflicts.
  const op = await withReservationRetry(() =>
    db.$transaction(async (tx) => {
      await tx.environment.update({
        where: { id: env.id },
        data: { desiredState: "DELETED", status: "DELETING", version: { increment: 1 } },
      });
      await tx.container.updateMany({ where: { environmentId: env.id }, data: { desiredState: "DELETED" } });
      return recordAuditedOperation(
        tx,
        {
          kind: "DELETE",
          environmentId: env.id,
          userId: options.actor.id,
          input: { name: env.name },
        },
        {
          actor: options.actor,
          action: "environment.delete",
          ip: options.ip,
          detail: { name: env.name },
        },
      );
    }),
  );
  return finish(env.id, op.id);
}

/** A failed operation is retried as a new operation of the same kind: the worker converges again. */
export async function retryOperation(options: { actor: Actor; operationId: string; ip?: string | null }) {
  const failed = await db.operation.findFirst({
    where: {
      id: options.operationId,
      status: "FAILED",
      environment: options.actor.role === "ADMIN" ? {} : { ownerId: options.actor.id },
    },
  });
  if (!failed?.environmentId) throw new AppError("NOT_FOUND", "Failed operation not found.");
  const env = await getOwnedEnvironment(options.actor, failed.environmentId);
  if (failed.kind === "CREATE" || failed.kind === "SCALE") {
    // Rolled-back containers are re-placed by scaling every layer back to its recorded count.
    for (const layer of env.layers) {
      const live = await db.container.count({ where: { layerId: layer.id, desiredState: { not: "DELETED" } } });
      if (live < layer.count)
        await scaleLayerTo({
          actor: options.actor,
          environmentId: env.id,
          layerId: layer.id,
          count: layer.count,
          live,
        });
    }
  }
  // Deadlock / write-conflict aborts (P2034) are retried like reservation conflicts.
  const op = await withReservationRetry(() =>
    db.$transaction(async (tx) => {
      await tx.environment.update({ where: { id: env.id }, data: { status: "UPDATING" } });
      return recordAuditedOperation(
        tx,
        {
          kind: "RETRY",
          environmentId: env.id,
          userId: options.actor.id,
          input: { retryOf: failed.id, kind: failed.kind },
        },
        {
          actor: options.actor,
          action: "operation.retry",
          ip: options.ip,
          detail: { retryOf: failed.id },
        },
      );
    }),
  );
  return finish(env.id, op.id);
}

async function scaleLayerTo(options: {
  actor: Actor;
  environmentId: string;
  layerId: string;
  count: number;
  live: number;
}) {
  // Reuses scale-out placement: set the layer's count to what is live, then scale to the target.
  await db.layer.update({ where: { id: options.layerId }, data: { count: options.live } });
  await scaleLayer({
    actor: options.actor,
    input: { environmentId: options.environmentId, layerId: options.layerId, count: options.count },
  });
}
