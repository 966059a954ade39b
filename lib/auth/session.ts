// The security boundary for pages, server actions and route handlers: every one of them calls
// requireUser / requireAdmin (or the page variants) itself. proxy.ts only redirects for convenience.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { AppError } from "@/lib/errors";
import { clientIpFromHeaders } from "./client-ip";
import { authOptions } from "./options";
import type { SessionUser } from "./actor";
import { resolveSession, type SessionClaims } from "./resolve-session";

export type { SessionUser } from "./actor";

const getSession = cache(async () => resolveSession((await getServerSession(authOptions)) as SessionClaims));

/**
 * The signed-in user if the token is valid AND the account is ACTIVE with a matching sessionVersion.
 * Null while the account must replace a temporary password: that session opens nothing but /change-password.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getSession();
  return session && !session.mustChangePassword ? session.user : null;
});

/** The user of a session opened with a temporary password (admin reset), who must set a new one first. */
export async function getPasswordChangeUser(): Promise<SessionUser | null> {
  const session = await getSession();
  return session?.mustChangePassword ? session.user : null;
}

export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  return user;
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can do this.");
  return user;
}

/** Pages: send signed-out visitors to the sign-in page. */
export async function requirePageUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect((await getPasswordChangeUser()) ? "/change-password" : "/login?ended=1");
  return user;
}

/** Admin pages answer 404 to non-admins: the page's existence is not disclosed. */
export async function requirePageAdmin(): Promise<SessionUser> {
  const user = await requirePageUser();
  if (user.role !== "ADMIN") notFound();
  return user;
}

/** The client's address from the socket (X-Forwarded-For only via HOSTPLANE_TRUSTED_PROXIES). */
export async function clientIp(): Promise<string> {
  const h = await headers();
  return clientIpFromHeaders((name) => h.get(name));
}
