// Runs the ingress (Debian's Caddy) for `npm start`, like the embedded PostgreSQL: started with the
// panel, restarted with backoff when it dies, stopped with the panel. Its admin API listens on a unix
// socket in its own 0700 directory only. Routes are not this file's business: after every (re)start
// `onStart` pushes the configuration computed from the database (lib/worker/ingress.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import path from "node:path";
import { bootstrapCaddyConfig, type IngressSettings } from "../../lib/orchestrator/ingress/caddy-config";
import { caddyAdminRequest } from "../../lib/orchestrator/ingress/caddy-admin";

export const CADDY_BINARY = "/usr/bin/caddy";

export type RunningIngress = { pid: () => number | null; stop: () => Promise<void>; dir: string };

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A Caddy this directory's pid file names that is still running (left by a panel killed with -9). */
export function stopLeftoverIngress(dir: string) {
  stopLeftover(path.join(dir, "caddy.pid"), path.join(dir, "caddy.json"));
}

function stopLeftover(pidFile: string, configFile: string) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return; // not running
  }
  // Only the Caddy started with this directory's config file: a recycled pid is someone else's process.
  if (cmdline.split("\0").includes(configFile) && cmdline.includes("caddy")) process.kill(pid, "SIGTERM");
}

async function waitForAdmin(socket: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`caddy exited with code ${child.exitCode}`);
    const ok = await caddyAdminRequest({ socket, method: "GET", path: "/config/", timeoutMs: 1000 })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`caddy's admin socket did not answer within ${timeoutMs} ms`);
}

export async function startIngress(options: {
  settings: IngressSettings;
  /** Pushes the desired routes; called after every start of Caddy. */
  onStart: () => Promise<unknown>;
  log?: (line: string) => void;
}): Promise<RunningIngress> {
  const log = options.log ?? ((line: string) => console.log(`[hostplane:ingress] ${line}`));
  const { settings } = options;
  const dir = path.dirname(settings.adminSocket);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(settings.storageDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, "caddy.json");
  const pidFile = path.join(dir, "caddy.pid");
  const logFile = path.join(dir, "caddy.log");
  stopLeftover(pidFile, configFile);
  writeFileSync(configFile, JSON.stringify(bootstrapCaddyConfig(settings), null, 2), { mode: 0o600 });

  let child: ChildProcess | null = null;
  let stopping = false;
  let backoffMs = 1000;

  const launch = async (): Promise<void> => {
    rmSync(settings.adminSocket, { force: true });
    const out = openSync(logFile, "a");
    const proc: ChildProcess = spawn(CADDY_BINARY, ["run", "--config", configFile], {
      cwd: dir,
      // Caddy keeps its own files under HOME/XDG dirs when not told otherwise: keep them in ours.
      env: {
        NODE_ENV: process.env.NODE_ENV,
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: dir,
        XDG_DATA_HOME: dir,
        XDG_CONFIG_HOME: dir,
        ...(settings.goMaxProcs ? { GOMAXPROCS: String(settings.goMaxProcs) } : {}),
      },
      stdio: ["ignore", out, out],
      // Its own process group: a Ctrl-C or a SIGTERM to the panel's group does not stop Caddy behind the
      // supervisor's back (which would restart it mid-shutdown); stop() ends it. A panel killed with -9
      // leaves it running, and the next start ends it through the pid file.
      detached: true,
    });
    closeSync(out);
    child = proc;
    if (proc.pid) writeFileSync(pidFile, String(proc.pid));
    const startedAt = Date.now();
    proc.on("exit", (code, signal) => {
      if (stopping) return;
      // A Caddy that ran a while gets a fresh backoff; one that dies at once backs off up to 30 s.
      backoffMs = Date.now() - startedAt > 60_000 ? 1000 : Math.min(backoffMs * 2, 30_000);
      log(`caddy exited (${signal ?? `code ${code}`}); restarting in ${backoffMs / 1000} s (log: ${logFile})`);
      setTimeout(() => void (stopping ? undefined : launch().catch((e) => log((e as Error).message))), backoffMs);
    });
    await waitForAdmin(settings.adminSocket, proc, 15_000);
    const result = await options.onStart().catch((error) => `routes not pushed: ${(error as Error).message}`);
    log(`caddy ${proc.pid} on :${settings.httpPort} / :${settings.httpsPort}; ${JSON.stringify(result)}`);
  };

  await launch();
  return {
    dir,
    pid: () => child?.pid ?? null,
    stop: async () => {
      stopping = true;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(pidFile, { force: true });
    },
  };
}
