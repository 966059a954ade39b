import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "./client";
import { assertAdmin } from "./guard";

export type AuditFilter = { actor?: string; action?: string; result?: "SUCCESS" | "FAILURE"; take?: number };

export async function listAuditEvents(options: { actor: Actor; filter: AuditFilter }) {
  assertAdmin(options.actor);
  const f = options.filter;
  return db.auditEvent.findMany({
    where: {
      ...(f.actor ? { actorEmail: { contains: f.actor, mode: "insensitive" } } : {}),
      ...(f.action ? { action: { startsWith: f.action } } : {}),
      ...(f.result ? { result: f.result } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: Math.min(f.take ?? 200, 10_000),
    select: {
      id: true,
      actorEmail: true,
      action: true,
      targetType: true,
      targetId: true,
      result: true,
      ip: true,
      detail: true,
      createdAt: true,
    },
  });
}
