/**
 * The form-level message of an action result, unless a field already shows the same words: each
 * message appears once, next to its field when it has one.
 */
export function formError(
  state: { ok: true } | { ok: false; error: string; fieldErrors?: Record<string, string[] | undefined> } | null,
): string | null {
  if (!state || state.ok) return null;
  const shown = Object.values(state.fieldErrors ?? {}).flatMap((m) => m ?? []);
  return shown.includes(state.error) ? null : state.error;
}

export function FormMessage({ error, success }: { error?: string | null; success?: string | null }) {
  if (error)
    return (
      <p
        role="alert"
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300"
      >
        {error}
      </p>
    );
  if (success)
    return (
      <p
        role="status"
        className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-700 dark:bg-emerald-950/50 dark:text-emerald-300"
      >
        {success}
      </p>
    );
  return null;
}
