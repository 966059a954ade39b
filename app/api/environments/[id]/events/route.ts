// The live feed narrowed to one environment (Server-Sent Events), for API clients: authorized exactly
// like the environment page (session, then ownership in the query: 401 / 404), then the same
// process-wide feed as /api/events, filtered to this environment. Counts against the same caps.
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { resolveSessionUser, type SessionClaims } from "@/lib/auth/resolve-session";
import { authorizeEnvironmentAccess } from "@/lib/db/environments";
import { openEventStream } from "@/lib/events/feed";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const claims = (await getServerSession(authOptions)) as SessionClaims;
  const user = await resolveSessionUser(claims);
  const auth = await authorizeEnvironmentAccess(user, id);
  if (!auth.ok || !user) {
    return Response.json(
      { error: auth.ok || auth.status === 401 ? "Sign in first." : "Environment not found." },
      { status: auth.ok ? 401 : auth.status, headers: { "cache-control": "no-store" } },
    );
  }
  return openEventStream({
    request,
    viewer: { id: user.id, role: user.role },
    environmentId: auth.environmentId,
    // Losing access to the environment (or the session) ends the stream like the page would.
    revalidate: async () => {
      const again = await resolveSessionUser(claims);
      return again && (await authorizeEnvironmentAccess(again, id)).ok ? { id: again.id, role: again.role } : null;
    },
  });
}
