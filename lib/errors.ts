// Errors users may see. Anything that is not an AppError is logged and shown as a generic message.
export type AppErrorCode =
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "CONFLICT"
  | "VALIDATION"
  | "UNAUTHENTICATED"
  | "NO_CAPACITY"
  | "QUOTA_EXCEEDED"
  | "ENGINE_FAILED"
  | "THROTTLED";

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  readonly details?: unknown;

  constructor(
    code: AppErrorCode,
    message: string,
    extra: { fieldErrors?: Record<string, string[]>; details?: unknown } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = extra.fieldErrors;
    this.details = extra.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export const GENERIC_ERROR_MESSAGE = "Something went wrong on our side. It has been logged; please try again.";

export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; error: string; code?: AppErrorCode; fieldErrors?: Record<string, string[]>; details?: unknown };

/** Turns any thrown value into the typed result a server action returns; never leaks internals. */
export function toActionError(error: unknown): Extract<ActionResult, { ok: false }> {
  if (isAppError(error)) {
    return {
      ok: false,
      error: error.message,
      code: error.code,
      fieldErrors: error.fieldErrors,
      details: error.details,
    };
  }
  // Next.js signals redirects and not-found by throwing; those must propagate, not become errors.
  if (
    error &&
    typeof error === "object" &&
    "digest" in error &&
    typeof (error as { digest: unknown }).digest === "string"
  ) {
    const digest = (error as { digest: string }).digest;
    if (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK")) throw error;
  }
  console.error("[hostplane] unexpected error", error);
  return { ok: false, error: GENERIC_ERROR_MESSAGE };
}
