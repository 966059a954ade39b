// Who is acting, as every layer below app/ sees it. Framework-free on purpose (no next/headers, no
// NextAuth): lib/db, lib/services and the worker name the caller with these types without pulling the
// session machinery of lib/auth/session.ts into their import graph.

export type Role = "ADMIN" | "DEVELOPER";

/** The caller of a service or data function: checked for role and ownership inside the callee. */
export type Actor = { id: string; email: string; role: Role };

/** The signed-in user as pages and server actions get it (an Actor with a display name). */
export type SessionUser = Actor & { name: string };
