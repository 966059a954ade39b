// Single-flight with one trailing run, for "make the outside world match the database" work (pushing
// the ingress routes): callers that arrive while a run is in progress share ONE further run, which
// starts after the current one ends, so each caller's answer comes from a run that began after it
// asked (and therefore read what it had committed), and N concurrent callers cost at most two runs.

export function coalesce<T>(run: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const start = (): Promise<T> => {
    const current = run().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    // The run in progress may have read the rows before this caller's change: wait for one after it.
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}
