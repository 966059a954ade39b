// For failures that change nothing the caller could act on (cleanup on shutdown, a best-effort side
// record): `.catch(logIgnored("…"))` says why it is ignored and still leaves one line in the log,
// where a bare `.catch(() => {})` would hide a database or queue that has gone away.

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A catch handler that logs one warning line naming what failed, then carries on. */
export function logIgnored(what: string): (error: unknown) => void {
  return (error) => console.warn(`[hostplane] ${what} failed (ignored): ${messageOf(error)}`);
}
