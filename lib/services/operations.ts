// Operations: the recorded, resumable units of orchestration work. Services record intent and an
// Operation in one transaction, then ask a worker to converge the environment.
import { db, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { enqueueEnvironment } from "@/lib/queue";
import { failpoint } from "@/lib/queue/failpoint";

type Tx = Db.Prisma.TransactionClient;

export type OperationKind =
  | "CREATE"
  | "START"
  | "STOP"
  | "RESTART"
  | "SCALE"
  | "RESIZE"
  | "DELETE"
  | "RETRY"
  | "REPAIR"
  | "ROLLBACK"
  | "MIGRATE"
  | "EVACUATE";

export async function recordOperation(
  tx: Tx,
  options: {
    kind: OperationKind;
    environmentId?: string | null;
    hardwareNodeId?: string | null;
    userId?: string | null;
    idempotencyKey?: string | null;
    input?: Record<string, unknown>;
  },
) {
  return tx.operation.create({
    data: {
      kind: options.kind,
      environmentId: options.environmentId ?? null,
      hardwareNodeId: options.hardwareNodeId ?? null,
      userId: options.userId ?? null,
      idempotencyKey: options.idempotencyKey ?? null,
      input: (options.input ?? {}) as object,
    },
    select: { id: true },
  });
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

/** Environments with unfinished work: resync re-dispatches them (covers crashes before enqueue). */
export async function listEnvironmentsWithOpenOperations(): Promise<string[]> {
  const rows = await db.operation.findMany({
    where: { status: { in: ["PENDING", "RUNNING"] }, environmentId: { not: null } },
    select: { environmentId: true },
    distinct: ["environmentId"],
  });
  return rows.map((r) => r.environmentId!).filter(Boolean);
}
