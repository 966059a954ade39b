// The container drawer's data: details, an hour of samples and recent events, for a container of
// an environment the caller may see (another user's answers 404, like the page).
import { getSessionUser } from "@/lib/auth/session";
import { getContainerDetail } from "@/lib/db/environments";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string; containerId: string }> }) {
  const { id, containerId } = await params;
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  const detail = await getContainerDetail(user, { environmentId: id, containerId });
  if (!detail) return Response.json({ error: "Container not found." }, { status: 404 });
  return Response.json(detail, { headers: { "cache-control": "no-store" } });
}
