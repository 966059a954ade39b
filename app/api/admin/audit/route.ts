// CSV export of the audit log (admins only; the role is checked here, not by the page around it).
import { NextResponse, type NextRequest } from "next/server";
import { requireAdmin } from "@/lib/auth/session";
import { listAuditEvents } from "@/lib/db/audit";
import { isAppError } from "@/lib/errors";
import { csvField, ZAuditFilter } from "@/lib/validation/audit";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  let actor;
  try {
    actor = await requireAdmin();
  } catch (error) {
    const status = isAppError(error) && error.code === "FORBIDDEN" ? 403 : 401;
    return NextResponse.json({ error: status === 403 ? "forbidden" : "unauthenticated" }, { status });
  }
  const parsed = ZAuditFilter.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) return NextResponse.json({ error: parsed.error.issues[0]?.message }, { status: 400 });
  const events = await listAuditEvents({ actor, filter: { ...parsed.data, take: 10_000 } });
  const header = ["time", "actor", "action", "target_type", "target_id", "result", "ip", "detail"];
  const lines = events.map((e) =>
    [e.createdAt, e.actorEmail, e.action, e.targetType, e.targetId, e.result, e.ip, e.detail].map(csvField).join(","),
  );
  return new NextResponse([header.join(","), ...lines].join("\r\n") + "\r\n", {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="hostplane-audit.csv"`,
    },
  });
}
