import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "./client";
import { assertAdmin } from "./guard";

export type AuditFilter = { actor?: string; action?: string; result?: "SUCCESS" | "FAILURE"; take?: number };

const whereOf = (f: AuditFilter) => ({
  ...(f.actor ? { actorEmail: { contains: f.actor, mode: "insensitive" as const } } : {}),
  ...(f.action ? { action: { startsWith: f.action } } : {}),
  ...(f.result ? { result: f.result } : {}),
});

/** One page of the log, newest first, with the number of matching events. */
export async function pageAuditEvents(options: { actor: Actor; filter: AuditFilter; page: number; pageSize?: number }) {
  assertAdmin(options.actor);
  const pageSize = Math.min(200, Math.max(1, options.pageSize ?? 50));
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({
      where: whereOf(options.filter),
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (options.page - 1) * pageSize,
      take: pageSize,
      select: SELECT,
    }),
    db.auditEvent.count({ where: whereOf(options.filter) }),
  ]);
  return { rows, total, pageSize };
}

const SELECT = {
  id: true,
  actorEmail: true,
  action: true,
  targetType: true,
  targetId: true,
  result: true,
  ip: true,
  detail: true,
  createdAt: true,
} as const;

export async function listAuditEvents(options: { actor: Actor; filter: AuditFilter }) {
  assertAdmin(options.actor);
  const f = options.filter;
  return db.auditEvent.findMany({
    where: whereOf(f),
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
