// Operations: the recorded, resumable units of orchestration work. Services record intent and an
// Operation in one transaction, then ask a worker to converge the environment.
import { db, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit, type AuditAction } from "./audit";
import { operationRow, type OperationInput, type OperationKind } from "@/lib/validation/operations";
import { enqueueEnvironment } from "@/lib/queue";
import { failpoint } from "@/lib/queue/failpoint";

type Tx = Db.Prisma.TransactionClient;

export type { OperationKind };

/** Records an operation; its input is checked against the kind's schema (lib/validation/operations.ts). */
export async function recordOperation<K extends OperationKind>(
  tx: Tx,
  options: {
    kind: K;
    input: OperationInput<K>;
    environmentId?: string | null;
    hardwareNodeId?: string | null;
    userId?: string | null;
    idempotencyKey?: string | null;
  },
) {
  return tx.operation.create({
    data: {
      ...operationRow(options.kind, options.input),
      environmentId: options.environmentId ?? null,
      hardwareNodeId: options.hardwareNodeId ?? null,
      userId: options.userId ?? null,
      idempotencyKey: options.idempotencyKey ?? null,
    },
    select: { id: true },
  });
}

/**
 * Records an operation on an environment and the audit event of the request that caused it, both in
 * the caller's transaction: the event commits with the change it records (and is retried with it).
 */
export async function recordAuditedOperation<K extends OperationKind>(
  tx: Tx,
  operation: Parameters<typeof recordOperation<K>>[1] & { environmentId: string },
  audit: {
    actor: { id: string; email: string };
    action: AuditAction;
    ip?: string | null;
    detail?: Record<string, unknown>;
  },
) {
  const op = await recordOperation(tx, operation);
  await recordAudit(
    {
      actorId: audit.actor.id,
      actorEmail: audit.actor.email,
      action: audit.action,
      targetType: "environment",
      targetId: operation.environmentId,
      ip: audit.ip,
      detail: { operationId: op.id, ...audit.detail },
    },
    tx,
  );
  return op;
}

/** After the intent is committed: hand it to a worker. A lost hand-off is recovered by resync. */
export async function dispatch(environmentId: string): Promise<void> {
  failpoint("reserve");
  try {
    await enqueueEnvironment(environmentId);
  } catch (error) {
    console.error(
      "[hostplane] enqueue failed; resync will pick the operation up",
      error instanceof Error ? error.message : error,
    );
  }
}

/** A repeated submit with the same idempotency key returns the operation of the first one. */
export async function findByIdempotencyKey(key: string | null | undefined, userId: string) {
  if (!key) return null;
  const op = await db.operation.findUnique({
    where: { idempotencyKey: key },
    select: { id: true, environmentId: true, userId: true },
  });
  if (op && op.userId !== userId) throw new AppError("CONFLICT", "This idempotency key was used by another request.");
  return op;
}
