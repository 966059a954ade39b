// The per-request check behind every session: the token's user must exist, be ACTIVE and carry the
// current sessionVersion (bumped by suspension, role change and password change).
import { db } from "@/lib/db/client";
import type { SessionUser } from "./actor";

export type SessionClaims = { uid?: string; sv?: number } | null;

export async function resolveSessionUser(claims: SessionClaims): Promise<SessionUser | null> {
  if (!claims?.uid || typeof claims.sv !== "number") return null;
  const user = await db.user.findUnique({
    where: { id: claims.uid },
    select: { id: true, email: true, name: true, role: true, status: true, sessionVersion: true },
  });
  if (!user || user.status !== "ACTIVE" || user.sessionVersion !== claims.sv) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
