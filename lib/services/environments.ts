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
  commitDeltas,
  NODE_WITH_RATIOS,
  readRegionNodes,
  toSnapshot,
  TX_OPTIONS,
  withReservationRetry,
} from "./placement";
import { assertLayerQuota, assertUsageQuota, loadQuota } from "./quota-check";
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
      // Place on an unlocked read of the region, then reserve on just the nodes chosen (row locks in
      // id order, each re-checking that it still fits; a node that filled up meanwhile retries the
      // whole attempt on fresh numbers). The quota comes first (over quota is QUOTA_EXCEEDED whatever
      // the nodes have free) and its totals again after the writes, on the counters (race-safe).
      const quota = await loadQuota(tx, actor.id);
      assertLayerQuota(
        quota,
        input.layers.map((l) => ({ name: l.name, count: l.count, dynamicCloudlets: l.dynamicCloudlets })),
      );
      const demand = {
        newEnvironments: 1,
        addedReservedCloudlets: input.layers.reduce((s, l) => s + l.count * l.reservedCloudlets, 0),
        addedDiskGib: input.layers.reduce((s, l) => s + l.count * l.diskGib, 0),
      };
      await assertUsageQuota(tx, actor.id, quota, demand, { written: false });
      const rows = await readRegionNodes(tx, input.regionId);
      const result = placeEnvironment({ request: placementRequest(input, requestId), nodes: rows.map(toSnapshot) });
      if (!result.ok) throw noCapacityError(result);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const secrets = input.layers.map((l) => generateCredentials(l.stack, l.name));
      // Lock order: the chosen nodes (id order), then the owner's usage counter (the environment's insert
      // trigger). From here on other placements on these nodes wait for this commit: few round trips.
      await commitDeltas(tx, result.deltas);
      const env = await tx.environment.create({
        data: {
          name: input.name,
          ownerId: actor.id,
          regionId: input.regionId,
          status: "CREATING",
          desiredState: "RUNNING",
        },
      });
      const layers = await tx.layer.createManyAndReturn({
        data: input.layers.map((l, position) => ({
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
          secretsEncrypted: secrets[position],
        })),
        select: { id: true, name: true },
      });
      const layerIds = new Map(layers.map((l) => [l.name, l.id]));
      const perNode = new Map<string, typeof result.assignments>();
      for (const a of result.assignments) perNode.set(a.nodeId, [...(perNode.get(a.nodeId) ?? []), a]);
      const containerRows = [];
      for (const [nodeId, assignments] of perNode) {
        const ips = await allocateIps(tx, byId.get(nodeId)!, assignments.length);
        for (const [i, a] of assignments.entries()) {
          const l = input.layers.find((x) => x.name === a.layerId)!;
          containerRows.push({
            environmentId: env.id,
            layerId: layerIds.get(a.layerId)!,
            ordinal: a.ordinal,
            hardwareNodeId: nodeId,
            ip: ips[i],
            reservedCloudlets: l.reservedCloudlets,
            dynamicCloudlets: l.dynamicCloudlets,
            diskGib: l.diskGib,
            observedState: "PENDING" as const,
          });
        }
      }
      const containerIds = (await tx.container.createManyAndReturn({ data: containerRows, select: { id: true } })).map(
        (c) => c.id,
      );
      await assertUsageQuota(tx, actor.id, quota, demand, { written: true });
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
