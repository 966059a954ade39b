// Liveness + readiness: the database answers and every migration on disk is applied.
import { NextResponse } from "next/server";
import { listPendingMigrations } from "@/lib/db/migration-status";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

export async function GET() {
  const url = config.DATABASE_URL;
  if (!url) return NextResponse.json({ ok: false, database: "unconfigured" }, { status: 503 });
  try {
    const pending = await listPendingMigrations(url);
    const ok = pending.length === 0;
    return NextResponse.json(
      { ok, database: "reachable", migrations: ok ? "current" : "pending", pending },
      { status: ok ? 200 : 503 },
    );
  } catch {
    return NextResponse.json({ ok: false, database: "unreachable" }, { status: 503 });
  }
}
