// One shape for every mutation the panel offers (server actions today, the REST API next): who may
// call it, the zod schema its input must pass, the service call, and what to revalidate on success.
// This file is framework-free: runAction takes the caller (already resolved) and the raw input and
// returns an ActionResult; lib/actions/next.ts binds it to Next.js sessions, headers and the cache.
import type { Actor } from "@/lib/auth/actor";
import type { z } from "zod";
import { AppError, toActionError, type ActionResult } from "@/lib/errors";
import { recordAudit } from "@/lib/services/audit";
import { zodFieldErrors } from "@/lib/validation/errors";

export type ActionAuth = "public" | "user" | "admin";
/** The one Actor type (lib/auth/actor.ts), under the name the action helpers have always used. */
export type ActionActor = Actor;

/** What run() receives: the caller (null only for public actions), the parsed input and the client IP. */
export type ActionContext<A extends ActionAuth, I> = {
  actor: A extends "public" ? ActionActor | null : ActionActor;
  input: I;
  ip: string | null;
};

export type ActionDefinition<A extends ActionAuth, S extends z.ZodType, T> = {
  /** Stable name (e.g. "region.create"): named in denied-attempt audit rows and, later, in API routes. */
  name: string;
  auth: A;
  input: S;
  run: (context: ActionContext<A, z.output<S>>) => Promise<T>;
  /** Paths whose cached pages change when the action succeeds. */
  revalidate?: readonly string[] | ((input: z.output<S>) => readonly string[]);
  /** Also revalidate after a failure: for runs that persist what went wrong before they throw. */
  revalidateOnError?: boolean;
  /**
   * Called by a session opened with a temporary password (an admin's reset), which is no session for
   * anything else: the binding resolves that caller instead of a full session (lib/actions/next.ts).
   */
  forTemporaryPasswordSession?: boolean;
};

/** Identity at runtime; it exists so each definition's input and result types are inferred once. */
export function defineAction<A extends ActionAuth, S extends z.ZodType, T>(
  definition: ActionDefinition<A, S, T>,
): ActionDefinition<A, S, T> {
  return definition;
}

/** For a service that takes the input's fields beside the actor (`{ actor, nodeId, ip }`) instead of an `input`. */
export function spreadInput<O extends { actor: unknown }, R>(service: (options: O) => Promise<R>) {
  return ({ actor, input, ip }: { actor: O["actor"]; input: Omit<O, "actor" | "ip">; ip: string | null }) =>
    service({ ...input, actor, ip } as unknown as O);
}

export const VALIDATION_MESSAGE = "Check the highlighted fields.";

/**
 * The caller as the transport knows it, and the untrusted input. `claimedUserId`: the user a refused
 * session token names (an account suspended or signed out everywhere meanwhile).
 */
export type ActionCall = {
  actor: ActionActor | null;
  input: unknown;
  ip?: string | null;
  claimedUserId?: string | null;
  revalidate?: (path: string) => void;
};

export type ActionDependencies = { audit: typeof recordAudit };

/** Auth, validation, the run, revalidation and error mapping: the one place they happen. */
export async function runAction<A extends ActionAuth, S extends z.ZodType, T>(
  definition: ActionDefinition<A, S, T>,
  call: ActionCall,
  dependencies: ActionDependencies = { audit: recordAudit },
): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await executeAction(definition, call, dependencies) };
  } catch (error) {
    return toActionError(error);
  }
}

/** The same steps for callers that want exceptions (scripts, tests): a refusal or bad input throws an AppError. */
export async function executeAction<A extends ActionAuth, S extends z.ZodType, T>(
  definition: ActionDefinition<A, S, T>,
  call: ActionCall,
  dependencies: ActionDependencies = { audit: recordAudit },
): Promise<T> {
  const actor = await authorize(definition, call, dependencies);
  const parsed = definition.input.safeParse(call.input);
  if (!parsed.success) {
    throw new AppError("VALIDATION", VALIDATION_MESSAGE, { fieldErrors: zodFieldErrors(parsed.error) });
  }
  let data: T;
  try {
    data = await definition.run({ actor, input: parsed.data, ip: call.ip ?? null } as ActionContext<A, z.output<S>>);
  } catch (error) {
    if (definition.revalidateOnError) revalidate(definition, parsed.data, call);
    throw error;
  }
  revalidate(definition, parsed.data, call);
  return data;
}

function revalidate<S extends z.ZodType>(
  definition: ActionDefinition<ActionAuth, S, unknown>,
  input: z.output<S>,
  call: ActionCall,
) {
  if (!definition.revalidate || !call.revalidate) return;
  const paths = typeof definition.revalidate === "function" ? definition.revalidate(input) : definition.revalidate;
  for (const path of paths) call.revalidate(path);
}

type Named = { name: string; auth: ActionAuth };

/** Refuses callers the definition does not admit, leaving an "auth.denied" audit row for each refusal. */
async function authorize(
  definition: Named,
  call: ActionCall,
  dependencies: ActionDependencies,
): Promise<ActionActor | null> {
  if (definition.auth === "public") return call.actor;
  if (!call.actor) {
    const reason = call.claimedUserId ? "session-revoked" : "no-session";
    await recordDenied(dependencies, definition, call, { reason, claimedUserId: call.claimedUserId ?? undefined });
    throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  }
  if (definition.auth === "admin" && call.actor.role !== "ADMIN") {
    await recordDenied(dependencies, definition, call, { reason: "not-admin" });
    throw new AppError("FORBIDDEN", "Only administrators can do this.");
  }
  return call.actor;
}

async function recordDenied(
  dependencies: ActionDependencies,
  definition: Named,
  call: ActionCall,
  detail: { reason: string; claimedUserId?: string },
) {
  try {
    await dependencies.audit({
      actorId: call.actor?.id ?? null,
      actorEmail: call.actor?.email ?? null,
      action: "auth.denied",
      targetType: "action",
      targetId: definition.name,
      result: "FAILURE",
      ip: call.ip ?? null,
      detail: { action: definition.name, required: definition.auth, ...detail },
    });
  } catch (error) {
    // The refusal stands either way; a lost audit row is worth a log line, not a different answer.
    console.error("[hostplane] could not record a denied action", definition.name, error);
  }
}
