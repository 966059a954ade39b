import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { superviseWorker, type WorkerProcess } from "./worker-process";

// A stand-in worker: appends its pid to a file, then idles until signalled (SIGTERM ends it cleanly).
const STAND_IN = `require("node:fs").appendFileSync(process.env.PIDS, process.pid + "\\n"); setInterval(() => {}, 1000);`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor<T>(read: () => T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("superviseWorker", () => {
  let dir = "";
  let pidsFile = "";
  let worker: WorkerProcess | null = null;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "hp-supervise-"));
    pidsFile = path.join(dir, "pids");
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    rmSync(dir, { recursive: true, force: true });
  });
  const pids = () => readFileSync(pidsFile, { encoding: "utf8", flag: "a+" }).split("\n").filter(Boolean).map(Number);

  it("starts a worker killed with SIGKILL again, and stops the running one for good", async () => {
    const lines: string[] = [];
    worker = superviseWorker({
      env: { ...process.env, PIDS: pidsFile },
      args: ["-e", STAND_IN],
      initialBackoffMs: 100,
      log: (line) => lines.push(line),
    });
    const first = await waitFor(() => pids()[0]);
    expect(worker.pid).toBe(first);
    process.kill(first, "SIGKILL");
    const second = await waitFor(() => pids()[1]);
    expect(second).not.toBe(first);
    expect(lines.join("\n")).toMatch(/worker exited \(SIGKILL\); starting it again/);
    expect(alive(second)).toBe(true);

    await worker.stop();
    expect(alive(second)).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    // Stopped on purpose: not started a third time.
    expect(pids()).toEqual([first, second]);
    expect(worker.pid).toBeUndefined();
  });

  it("kills a worker that does not stop within its grace period", async () => {
    worker = superviseWorker({
      env: { ...process.env, PIDS: pidsFile },
      args: ["-e", `process.on("SIGTERM", () => {}); ${STAND_IN}`],
      stopGraceMs: 300,
      log: () => {},
    });
    const pid = await waitFor(() => pids()[0]);
    const t0 = Date.now();
    await worker.stop();
    expect(alive(pid)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });
});
