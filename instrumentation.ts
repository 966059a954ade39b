// Starts the worker inside the app process (the default). Set HOSTPLANE_WORKER=off to run the
// panel without one, e.g. when workers run separately with `npm run worker`.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  if (!config.HOSTPLANE_WORKER || !config.DATABASE_URL) return;
  const { startWorker } = await import("./lib/worker");
  await startWorker();
}
