// Starts a worker inside the app process when Next.js runs on its own (`next start`). `npm start` runs
// its worker as a separate, supervised process (scripts/serve.ts) and starts Next.js with
// HOSTPLANE_WORKER=off; so does anyone running workers elsewhere with `npm run worker`.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  if (!config.HOSTPLANE_WORKER || !config.DATABASE_URL) return;
  const { startWorker } = await import("./lib/worker");
  await startWorker();
}
