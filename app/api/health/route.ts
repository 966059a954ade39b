// Liveness + readiness on the panel's shared database pool (no connection of its own): the database
// answers and every migration on disk is applied. Anonymous callers get only "ok" (or 503 "unavailable");
// administrators get the detail as JSON.
import { NextResponse } from "next/server";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { pendingMigrationsOnPool } from "@/lib/db/migration-status";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

export async function GET() {
  let detail: { ok: boolean; database: string; migrations?: string; pending?: string[] };
  try {
    const pending = await pendingMigrationsOnPool((sql) => db.$queryRawUnsafe<Record<string, unknown>[]>(sql));
    const ok = pending.length === 0;
    detail = { ok, database: "reachable", migrations: ok ? "current" : "pending", pending };
  } catch {
    detail = { ok: false, database: config.DATABASE_URL ? "unreachable" : "unconfigured" };
  }
  const status = detail.ok ? 200 : 503;
  const user = detail.database === "reachable" ? await getSessionUser().catch(() => null) : null;
  if (user?.role === "ADMIN") return NextResponse.json(detail, { status, headers: NO_STORE });
  return new NextResponse(detail.ok ? "ok" : "unavailable", {
    status,
    headers: { ...NO_STORE, "content-type": "text/plain; charset=utf-8" },
  });
}
