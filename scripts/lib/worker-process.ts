// The worker `npm start` runs beside Next.js: its own process (scripts/worker.ts), so reconciling,
// template builds and metrics never share an event loop with the pages and the API. Supervised: a
// worker that exits on its own is started again after a backoff (1 s, doubling to 30 s; back to 1 s once
// one has run for a minute). A worker killed mid-job loses nothing: its open operations resume from
// their persisted steps (the recovery loop of the next worker).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type WorkerProcess = { readonly pid: number | undefined; stop(): Promise<void> };

export function superviseWorker(options: {
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** How long a stopping worker may take to finish its jobs before it is killed. */
  stopGraceMs?: number;
  /** The first restart's delay (doubles to 30 s). */
  initialBackoffMs?: number;
  /** The worker's argv after node (tests run a stand-in). */
  args?: string[];
}): WorkerProcess {
  const log = options.log ?? ((line: string) => console.log(`[hostplane] ${line}`));
  const args = options.args ?? ["--import", "tsx", path.join(process.cwd(), "scripts", "worker.ts")];
  const initialBackoffMs = options.initialBackoffMs ?? 1_000;
  let child: ChildProcess | null = null;
  let stopping = false;
  let backoffMs = initialBackoffMs;
  let restartTimer: NodeJS.Timeout | null = null;

  const start = () => {
    restartTimer = null;
    if (stopping) return;
    const startedAt = Date.now();
    const current = spawn(process.execPath, args, {
      cwd: process.cwd(),
      env: options.env,
      stdio: "inherit",
    });
    child = current;
    current.on("error", (error) => log(`worker: ${error.message}`));
    current.on("exit", (code, signal) => {
      if (child === current) child = null;
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) backoffMs = initialBackoffMs;
      log(`worker exited (${signal ?? `code ${code}`}); starting it again in ${backoffMs / 1000} s`);
      restartTimer = setTimeout(start, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 30_000);
    });
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    stop: async () => {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => current.kill("SIGKILL"), options.stopGraceMs ?? 10_000);
        current.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        current.kill("SIGTERM");
      });
    },
  };
}
