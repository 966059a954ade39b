// The tab-wide live feed (Server-Sent Events): one stream per open tab, fed by the process's one
// LISTEN connection (lib/events). Authorized here: a session is required; a developer receives the
// events of their own environments and account, an admin every event. Capped per user and per process
// (429 with Retry-After); the session is re-read whenever the user's row changes.
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { resolveSessionUser, type SessionClaims } from "@/lib/auth/resolve-session";
import { openEventStream } from "@/lib/events/feed";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const claims = (await getServerSession(authOptions)) as SessionClaims;
  const user = await resolveSessionUser(claims);
  if (!user)
    return Response.json({ error: "Sign in first." }, { status: 401, headers: { "cache-control": "no-store" } });
  return openEventStream({
    request,
    viewer: { id: user.id, role: user.role },
    revalidate: () => resolveSessionUser(claims),
  });
}
