// Runs Hostplane: database (embedded unless DATABASE_URL), migrations, first admin, default region, the
// ingress, the worker (a supervised process of its own), then Next.js (production build, or dev with
// --dev) through scripts/next-server.mjs. Stops everything it started on SIGINT/SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { applyMigrations } from "../lib/db/migrate";
import { disconnectDb } from "../lib/db/client";
import { ensureDefaultRegion, ensureFirstAdmin } from "../lib/services/bootstrap";
import { ensureLocalNode } from "../lib/services/local-node";
import { config } from "../lib/config";
import { logIgnored } from "../lib/log";
import { DATA_DIR, openDatabase } from "./lib/database";
import { loadOrCreateSecrets } from "./lib/secrets";
import { startIngress, type RunningIngress } from "./lib/ingress";
import { superviseWorker, type WorkerProcess } from "./lib/worker-process";
import { ingressSettings, syncIngress } from "../lib/services/ingress";

const dev = process.argv.includes("--dev");
const port = config.PORT;
process.env.NEXT_TELEMETRY_DISABLED = "1";

async function main() {
  const t0 = Date.now();
  const database = await openDatabase();
  process.env.DATABASE_URL = database.url;
  let next: ChildProcess | null = null;
  let ingress: RunningIngress | null = null;
  let worker: WorkerProcess | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // The ingress first and meanwhile: it runs in its own process group, so it is the one part a caller's
    // SIGKILL after a grace period would leave behind (Playwright's web server stop, a service manager).
    const ingressStopped = ingress?.stop().catch(logIgnored("stopping the ingress"));
    const workerStopped = worker?.stop().catch(logIgnored("stopping the worker"));
    if (next && next.exitCode === null) {
      next.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(r, 5000);
        next!.once("exit", () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    // Shutting down: report and carry on so the process still exits.
    await ingressStopped;
    await workerStopped;
    await disconnectDb().catch(logIgnored("closing the database client"));
    await database.stop().catch(logIgnored("stopping the embedded database"));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    const applied = await applyMigrations(database.url);
    if (applied.length) console.log(`[hostplane] applied migrations: ${applied.join(", ")}`);
    const secrets = loadOrCreateSecrets(DATA_DIR);
    process.env.NEXTAUTH_SECRET ??= secrets.nextauthSecret;
    process.env.HOSTPLANE_SECRET ??= secrets.hostplaneSecret;
    process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
    await ensureDefaultRegion();
    if (config.HOSTPLANE_LOCAL_NODE)
      console.log(`[hostplane] local hardware node: ${(await ensureLocalNode()).status}`);
    const admin = await ensureFirstAdmin({
      email: config.HOSTPLANE_ADMIN_EMAIL,
      password: config.HOSTPLANE_ADMIN_PASSWORD,
    });

    // The ingress (Caddy) before Next.js: the worker inside Next.js pushes routes to its socket.
    if (config.HOSTPLANE_INGRESS) {
      try {
        ingress = await startIngress({ settings: ingressSettings(), onStart: () => syncIngress() });
      } catch (error) {
        // The panel is still useful without its ingress (environments keep their bridge addresses).
        console.error(`[hostplane] the ingress did not start: ${(error as Error).message}`);
      }
    }

    // The worker in its own process: under churn it no longer delays the pages and the API (one event
    // loop each). Next.js then runs none (instrumentation.ts starts one only when run on its own).
    if (config.HOSTPLANE_WORKER) worker = superviseWorker({ env: { ...process.env } });

    // Next.js behind scripts/next-server.mjs, which stamps the socket's peer address on each request.
    const server = path.join(process.cwd(), "scripts", "next-server.mjs");
    next = spawn(process.execPath, [server, ...(dev ? ["--dev"] : [])], {
      stdio: "inherit",
      env: { ...process.env, PORT: String(port), HOSTPLANE_WORKER: "off" },
    });
    next.on("exit", (code) => void stop(code ?? 0));

    console.log(
      `\n[hostplane] ready in ${Date.now() - t0} ms (database: ${database.embedded ? `embedded PostgreSQL, data in ${path.join(DATA_DIR, "postgres")}` : "DATABASE_URL"})`,
    );
    console.log(`[hostplane] open http://localhost:${port}`);
    if (admin.created) {
      console.log(`[hostplane] first admin: ${admin.email}`);
      if (admin.generatedPassword)
        console.log(`[hostplane] password (shown once, only its hash is stored): ${admin.generatedPassword}`);
    } else {
      console.log(
        `[hostplane] sign in with the admin created on first start (${config.HOSTPLANE_ADMIN_EMAIL} unless HOSTPLANE_ADMIN_EMAIL was set)`,
      );
    }
  } catch (error) {
    console.error("[hostplane] start failed:", error instanceof Error ? error.message : error);
    await stop(1);
  }
}

void main();
