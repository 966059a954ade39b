// Logs of an environment (the Logs tab polls it; `download=1` returns a text file): each container's
// service log merged per layer and labelled, or the deploy logs. The session here, ownership in the
// service (another user's environment answers 404, like the page), the query checked by zod.
import { getSessionUser } from "@/lib/auth/session";
import { readLogs } from "@/lib/services/logs";
import { ZLogQuery } from "@/lib/validation/logs";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  const { id } = await params;
  const search = new URL(request.url).searchParams;
  const parsed = ZLogQuery.safeParse({
    environmentId: id,
    layerId: search.get("layer"),
    containerId: search.get("container"),
    source: search.get("source") ?? undefined,
    lines: search.get("lines") ?? undefined,
    search: search.get("q") ?? undefined,
  });
  if (!parsed.success)
    return Response.json(
      { error: "Check the log query.", fieldErrors: parsed.error.flatten().fieldErrors },
      { status: 400 },
    );
  const view = await readLogs(user, parsed.data);
  if (!view) return Response.json({ error: "Environment not found." }, { status: 404 });
  if (search.get("download") === "1") {
    const text = view.entries.map((e) => `[${e.source}] ${e.line}`).join("\n") + "\n";
    return new Response(text, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="logs-${parsed.data.source}.txt"`,
        "cache-control": "no-store",
      },
    });
  }
  return Response.json(view, { headers: { "cache-control": "no-store" } });
}
