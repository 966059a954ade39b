// Every mutation by anyone leaves an AuditEvent: who, what, target, result, IP, time. A change's
// event is written in the change's own transaction (pass `tx`), so it commits, or rolls back, with it.
import { db, type Db } from "@/lib/db/client";
import { AUDIT_ACTIONS, type AuditAction, type AuditTargetType } from "@/lib/validation/audit";

export type { AuditAction };

export type AuditInput = {
  actorId?: string | null;
  actorEmail?: string | null;
  action: AuditAction;
  /** Defaults to the action's target type (AUDIT_ACTIONS). */
  targetType?: AuditTargetType;
  targetId?: string | null;
  result?: "SUCCESS" | "FAILURE";
  ip?: string | null;
  detail?: Record<string, unknown>;
};

/** The AuditEvent row for an input, for batch transactions (`db.$transaction([…, db.auditEvent.create({ data })])`). */
export function auditEventData(input: AuditInput) {
  return {
    actorId: input.actorId ?? null,
    actorEmail: input.actorEmail ?? null,
    action: input.action,
    targetType: input.targetType ?? AUDIT_ACTIONS[input.action],
    targetId: input.targetId ?? null,
    result: input.result ?? "SUCCESS",
    ip: input.ip ?? null,
    detail: (input.detail ?? {}) as Db.Prisma.InputJsonObject,
  };
}

/** Writes the event with `client`: the transaction of the change it records, or the pool for events of their own. */
export async function recordAudit(
  input: AuditInput,
  client: Pick<Db.Prisma.TransactionClient, "auditEvent"> = db,
): Promise<void> {
  await client.auditEvent.create({ data: auditEventData(input) });
}
