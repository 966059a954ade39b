// Server-Sent Events for one environment: operation, step and container changes. Authorized
// exactly like the page (session, then ownership in the query); the session is re-checked every
// 15 s, so a suspended user or a changed password ends the stream too.
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { resolveSessionUser, type SessionClaims } from "@/lib/auth/resolve-session";
import { authorizeEnvironmentAccess, readEnvironmentChanges } from "@/lib/db/environments";

export const dynamic = "force-dynamic";

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;
// Writers stamp updatedAt before they commit; looking back a little catches rows committed late.
const LOOKBACK_MS = 3000;

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const claims = (await getServerSession(authOptions)) as SessionClaims;
  const auth = await authorizeEnvironmentAccess(await resolveSessionUser(claims), id);
  if (!auth.ok) {
    return Response.json(
      { error: auth.status === 401 ? "Sign in first." : "Environment not found." },
      { status: auth.status, headers: { "cache-control": "no-store" } },
    );
  }

  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const sent = new Map<string, number>();
      let cursor = Date.now() - LOOKBACK_MS;
      let lastBeat = Date.now();
      let lastAuth = Date.now();
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener("abort", close);
      write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ environmentId: id })}\n\n`);

      const tick = async () => {
        if (closed) return;
        try {
          const now = Date.now();
          if (now - lastAuth >= HEARTBEAT_MS) {
            lastAuth = now;
            const again = await authorizeEnvironmentAccess(await resolveSessionUser(claims), id);
            if (!again.ok) {
              write(`event: ended\ndata: ${JSON.stringify({ status: again.status })}\n\n`);
              return close();
            }
          }
          const since = new Date(cursor - LOOKBACK_MS);
          const { gone, changes } = await readEnvironmentChanges({ environmentId: id, since });
          if (gone) {
            write(`event: gone\ndata: {}\n\n`);
            return close();
          }
          const fresh = changes.filter((c) => sent.get(`${c.type}:${c.id}`) !== c.updatedAt);
          for (const c of fresh) {
            sent.set(`${c.type}:${c.id}`, c.updatedAt);
            cursor = Math.max(cursor, c.updatedAt);
          }
          if (fresh.length) write(`event: changes\ndata: ${JSON.stringify(fresh)}\n\n`);
          if (sent.size > 5000) sent.clear();
          if (now - lastBeat >= HEARTBEAT_MS) {
            lastBeat = now;
            write(`: heartbeat ${now}\n\n`);
          }
        } catch (error) {
          console.error("[hostplane] events stream", error instanceof Error ? error.message : error);
        }
        if (!closed) timer = setTimeout(tick, POLL_MS);
      };
      timer = setTimeout(tick, 0);
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
