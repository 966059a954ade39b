// The per-request check behind every session: the token's user must exist, be ACTIVE and carry the
// current sessionVersion (bumped by suspension, role change, password change and an admin's reset).
// A session opened with a temporary password (admin reset) is a session for one thing only: setting
// a new password. resolveSessionUser treats it as no session at all, so every page, action and route
// handler refuses it without knowing about resets; resolveSession tells the change-password page apart.
import { db } from "@/lib/db/client";
import type { SessionUser } from "./actor";

export type SessionClaims = { uid?: string; sv?: number } | null;

export type ResolvedSession = { user: SessionUser; mustChangePassword: boolean };

export async function resolveSession(claims: SessionClaims): Promise<ResolvedSession | null> {
  if (!claims?.uid || typeof claims.sv !== "number") return null;
  const user = await db.user.findUnique({
    where: { id: claims.uid },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      status: true,
      sessionVersion: true,
      mustChangePassword: true,
    },
  });
  if (!user || user.status !== "ACTIVE" || user.sessionVersion !== claims.sv) return null;
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    mustChangePassword: user.mustChangePassword,
  };
}

/** The signed-in user, or null (also while a temporary password must still be replaced). */
export async function resolveSessionUser(claims: SessionClaims): Promise<SessionUser | null> {
  const session = await resolveSession(claims);
  return session && !session.mustChangePassword ? session.user : null;
}
