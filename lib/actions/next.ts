// Binds action definitions (lib/actions/define.ts) to Next.js: the session from the request's cookie,
// the client IP from its headers, revalidatePath for the pages a success changes. app/**/actions.ts
// export what serverActions() returns, so every server action authorizes, validates and maps errors
// the same way, and none of them repeats it.
import "server-only";
import { revalidatePath } from "next/cache";
import { getServerSession } from "next-auth";
import type { z } from "zod";
import { authOptions } from "@/lib/auth/options";
import { clientIp, getPasswordChangeUser, getSessionUser } from "@/lib/auth/session";
import type { ActionResult } from "@/lib/errors";
import { runAction, type ActionAuth, type ActionDefinition } from "./define";

/**
 * One server action: called with the input (a plain object or a FormData) from client code, or by
 * useActionState-style forms with (previous state, FormData). The input is untrusted either way.
 */
export type ServerAction<T> = {
  (raw: unknown): Promise<ActionResult<T>>;
  (previous: unknown, formData: FormData): Promise<ActionResult<T>>;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches a definition of any auth, input and result
type AnyDefinition = ActionDefinition<any, any, any>;

/** A module's definitions as server actions, each named after its definition plus "Action". */
export type ServerActions<M> = {
  [K in keyof M as M[K] extends AnyDefinition ? `${K & string}Action` : never]: M[K] extends ActionDefinition<
    ActionAuth,
    z.ZodType,
    infer T
  >
    ? ServerAction<T>
    : never;
};

/** `export const { createRegionAction } = serverActions(regions)` in a "use server" file. */
export function serverActions<M extends object>(definitions: M): ServerActions<M> {
  const actions: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(definitions)) {
    if (isDefinition(definition)) actions[`${key}Action`] = bind(definition);
  }
  return actions as ServerActions<M>;
}

function isDefinition(value: unknown): value is AnyDefinition {
  return typeof value === "object" && value !== null && "auth" in value && "input" in value && "run" in value;
}

function bind<T>(definition: ActionDefinition<ActionAuth, z.ZodType, T>): ServerAction<T> {
  return async (...args: unknown[]) => {
    const raw = args.length >= 2 ? args[1] : args[0];
    const actor = definition.forTemporaryPasswordSession ? await getPasswordChangeUser() : await getSessionUser();
    return runAction(definition, {
      actor,
      input: raw instanceof FormData ? Object.fromEntries(raw) : raw,
      ip: await clientIp(),
      claimedUserId: actor || definition.auth === "public" ? null : await claimedUserId(),
      revalidate: (path) => revalidatePath(path),
    });
  };
}

/** The user id a refused session token names (a suspended account, a bumped sessionVersion), for the audit row. */
async function claimedUserId(): Promise<string | null> {
  const claims = (await getServerSession(authOptions)) as { uid?: unknown } | null;
  return typeof claims?.uid === "string" ? claims.uid : null;
}
