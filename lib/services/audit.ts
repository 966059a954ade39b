// Every mutation by anyone leaves an AuditEvent: who, what, target, result, IP, time.
import { db } from "@/lib/db/client";

export type AuditInput = {
  actorId?: string | null;
  actorEmail?: string | null;
  action: string;
  targetType?: string;
  targetId?: string | null;
  result?: "SUCCESS" | "FAILURE";
  ip?: string | null;
  detail?: Record<string, unknown>;
};

export async function recordAudit(input: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: input.actorId ?? null,
      actorEmail: input.actorEmail ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      result: input.result ?? "SUCCESS",
      ip: input.ip ?? null,
      detail: (input.detail ?? {}) as object,
    },
  });
}
