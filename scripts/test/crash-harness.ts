// Shared by the crash-safety test and `npm run soak:crash`: worker child processes that kill
// themselves at a failpoint, and a recovering worker that runs until everything converged.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { db } from "../../lib/db/client";
import { waitFor } from "./cluster-fixture";

export const CREATE_STEPS: [string, number][] = [
  ["reserve", 1],
  ["create", 3],
  ["configure", 3],
  ["start", 3],
  ["mark-running", 1],
];
export const DELETE_STEPS: [string, number][] = [
  ["destroy", 3],
  ["release", 3],
  ["finalize-delete", 1],
];
export const crashInput = (name: string, regionId: string) => ({
  name,
  regionId,
  layers: [
    { name: "web", stack: "busybox", count: 2, reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1, ha: false },
    { name: "db", stack: "busybox", count: 1, reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1, ha: false },
  ],
});

const children = new Set<ChildProcess>();

export function startChild(env: Record<string, string>) {
  // One process (no tsx wrapper), so the failpoint's SIGKILL is what the harness sees.
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "test", "crash-child.ts")], {
    env: { ...process.env, HOSTPLANE_ORPHAN_JOB_SECONDS: "1", HOSTPLANE_QUEUE_MAINTENANCE_SECONDS: "2", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code && code !== 0) console.error(stderr);
      resolve({ code, signal });
    }),
  );
  return { child, exited };
}

export function killAllChildren() {
  for (const c of children) c.kill("SIGKILL");
}

export async function openOperations() {
  return db.operation.count({ where: { status: { in: ["PENDING", "RUNNING"] } } });
}

/** The operations not finished yet, with their steps' states (and messages): for failure messages. */
async function describeOpenOperations(messages = false): Promise<string> {
  const open = await db.operation.findMany({
    where: { status: { in: ["PENDING", "RUNNING"] } },
    include: { steps: { orderBy: { position: "asc" } } },
  });
  return JSON.stringify(
    open.map((o) => ({
      kind: o.kind,
      status: o.status,
      steps: o.steps.map((s) => `${s.kind}:${s.status}${messages ? `:${s.message ?? ""}` : ""}`),
    })),
  );
}

/** A worker without failpoints runs until everything is converged, then stops. */
export async function recover(timeoutMs = 60_000) {
  const { child, exited } = startChild({});
  try {
    await waitFor("convergence after a crash", async () => (await openOperations()) === 0, timeoutMs, 250);
  } catch (error) {
    throw new Error(`${(error as Error).message}; open: ${await describeOpenOperations(true)}`);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

/**
 * Runs a worker with a failpoint; resolves with how it ended (SIGKILL when the failpoint fired), or null
 * when it did not get there within `timeoutMs` (a clean-clone run on a cold machine once needed more than 60 s;
 * the open operations are printed to show what it was doing).
 */
export async function crashAt(failpoint: string, submit?: object, timeoutMs = 180_000) {
  const { child, exited } = startChild({
    HOSTPLANE_FAILPOINT: failpoint,
    ...(submit ? { CRASH_SUBMIT: JSON.stringify(submit) } : {}),
  });
  const result = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
  if (!result) {
    child.kill("SIGKILL");
    console.error(
      `failpoint ${failpoint} not reached in ${timeoutMs / 1000} s; open: ${await describeOpenOperations()}`,
    );
  }
  return result;
}
