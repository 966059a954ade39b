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
import { resolveSessionUser, type SessionClaims } from "./resolve-session";

export type { SessionUser } from "./actor";

/** The signed-in user if the token is valid AND the account is ACTIVE with a matching sessionVersion. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  return resolveSessionUser((await getServerSession(authOptions)) as SessionClaims);
});

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
  if (!user) redirect("/login?ended=1");
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
