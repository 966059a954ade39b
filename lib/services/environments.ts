// Creating environments: validate, authorize, check quota, place (scheduler), commit the
// reservation with the rows and the Operation in one transaction, then dispatch to a worker.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { explain, placeEnvironment, type PlacementFailure, type PlacementRequest } from "@/lib/orchestrator/scheduler";
import { getStack } from "@/lib/stacks/catalog";
import type { CreateEnvironmentInput } from "@/lib/validation/environments";
import { dispatch, findByIdempotencyKey, recordAuditedOperation } from "./operations";
import {
  allocateIps,
  commitDelta,
  lockRegionNodes,
  NODE_WITH_RATIOS,
  toSnapshot,
  TX_OPTIONS,
  withReservationRetry,
} from "./placement";
import { assertQuota, lockOwner } from "./quota-check";
import { assertRegionAcceptsEnvironments } from "./regions";
import { generateCredentials } from "@/lib/stacks/credentials";

import type { Actor } from "@/lib/auth/actor";

export type { Actor } from "@/lib/auth/actor";

function placementRequest(input: CreateEnvironmentInput, requestId: string): PlacementRequest {
  return {
    requestId,
    regionId: input.regionId,
    layers: input.layers.map((l) => ({
      id: l.name,
      count: l.count,
      ha: l.ha,
      resources: { reservedCloudlets: l.reservedCloudlets, dynamicCloudlets: l.dynamicCloudlets, diskGib: l.diskGib },
    })),
  };
}

export function noCapacityError(result: PlacementFailure): AppError {
  return new AppError("NO_CAPACITY", result.message, {
    details: { rejections: result.rejections.map((r) => ({ node: r.nodeName, reasons: r.reasons })) },
  });
}

/** The scheduler's explanation for the wizard's placement preview; writes nothing. */
export async function previewPlacement(options: { actor: Actor; input: CreateEnvironmentInput; requestId?: string }) {
  const { input } = options;
  await assertRegionAcceptsEnvironments(input.regionId);
  const nodes = (
    await db.hardwareNode.findMany({ where: { regionId: input.regionId }, include: NODE_WITH_RATIOS })
  ).map(toSnapshot);
  return explain(placementRequest(input, options.requestId ?? `preview-${options.actor.id}-${input.name}`), nodes);
}

export async function createEnvironment(options: {
  actor: Actor;
  input: CreateEnvironmentInput;
  idempotencyKey?: string | null;
  ip?: string | null;
}) {
  const { actor } = options;
  const prior = await findByIdempotencyKey(options.idempotencyKey, actor.id);
  if (prior) return { environmentId: prior.environmentId!, operationId: prior.id };
  const { input } = options;
  await assertRegionAcceptsEnvironments(input.regionId);
  if (
    await db.environment.findUnique({
      where: { ownerId_name: { ownerId: actor.id, name: input.name } },
      select: { id: true },
    })
  ) {
    throw new AppError("CONFLICT", `You already have an environment named "${input.name}".`, {
      fieldErrors: { name: ["This name is taken."] },
    });
  }
  // The idempotency key seeds tie-breaking, so the wizard's preview (same key) matches the result.
  const requestId = options.idempotencyKey ?? randomUUID();

  const created = await withReservationRetry(() =>
    db.$transaction(async (tx) => {
      // Lock the owner and check the quota first (a request over quota is QUOTA_EXCEEDED whatever the
      // nodes have free), then lock the region's nodes (in id order) and place on what the lock shows:
      // concurrent requests serialise here and can never overcommit a node.
      await lockOwner(tx, actor.id);
      await assertQuota(tx, actor.id, {
        newEnvironments: 1,
        addedReservedCloudlets: input.layers.reduce((s, l) => s + l.count * l.reservedCloudlets, 0),
        addedDiskGib: input.layers.reduce((s, l) => s + l.count * l.diskGib, 0),
        layers: input.layers.map((l) => ({ name: l.name, count: l.count, dynamicCloudlets: l.dynamicCloudlets })),
      });
      const rows = await lockRegionNodes(tx, input.regionId);
      const result = placeEnvironment({ request: placementRequest(input, requestId), nodes: rows.map(toSnapshot) });
      if (!result.ok) throw noCapacityError(result);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const delta of result.deltas) await commitDelta(tx, delta, byId.get(delta.nodeId)!.version);
      const env = await tx.environment.create({
        data: {
          name: input.name,
          ownerId: actor.id,
          regionId: input.regionId,
          status: "CREATING",
          desiredState: "RUNNING",
        },
      });
      const layerIds = new Map<string, string>();
      for (const [position, l] of input.layers.entries()) {
        const layer = await tx.layer.create({
          data: {
            environmentId: env.id,
            name: l.name,
            role: l.role ?? getStack(l.stack)!.role,
            stack: l.stack,
            count: l.count,
            reservedCloudlets: l.reservedCloudlets,
            dynamicCloudlets: l.dynamicCloudlets,
            diskGib: l.diskGib,
            ha: l.ha,
            position,
            secretsEncrypted: generateCredentials(l.stack, l.name),
          },
        });
        layerIds.set(l.name, layer.id);
      }
      const perNode = new Map<string, typeof result.assignments>();
      for (const a of result.assignments) perNode.set(a.nodeId, [...(perNode.get(a.nodeId) ?? []), a]);
      const containerIds: string[] = [];
      for (const [nodeId, assignments] of perNode) {
        const ips = await allocateIps(tx, byId.get(nodeId)!, assignments.length);
        for (const [i, a] of assignments.entries()) {
          const l = input.layers.find((x) => x.name === a.layerId)!;
          const c = await tx.container.create({
            data: {
              environmentId: env.id,
              layerId: layerIds.get(a.layerId)!,
              ordinal: a.ordinal,
              hardwareNodeId: nodeId,
              ip: ips[i],
              reservedCloudlets: l.reservedCloudlets,
              dynamicCloudlets: l.dynamicCloudlets,
              diskGib: l.diskGib,
              observedState: "PENDING",
            },
          });
          containerIds.push(c.id);
        }
      }
      const op = await recordAuditedOperation(
        tx,
        {
          kind: "CREATE",
          environmentId: env.id,
          userId: actor.id,
          idempotencyKey: options.idempotencyKey,
          input: { requestId, containerIds, name: input.name },
        },
        {
          actor,
          action: "environment.create",
          ip: options.ip,
          detail: { name: input.name, containers: containerIds.length },
        },
      );
      return { environmentId: env.id, operationId: op.id, containers: containerIds.length };
    }, TX_OPTIONS),
  );

  await dispatch(created.environmentId);
  return { environmentId: created.environmentId, operationId: created.operationId };
}
