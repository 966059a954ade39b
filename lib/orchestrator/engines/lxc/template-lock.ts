import os from "node:os";
import type { NodeCommands } from "../command";

/** Who holds a build lock: written into the lock directory right after mkdir succeeded. */
interface LockOwner {
  host: string;
  pid: number;
  at: number;
}

/** A build never holds a lock longer than this; an older lock is stale whoever holds it. */
const MAX_LOCK_AGE_MS = 45 * 60_000;
/** A lock directory without an owner file (crash between mkdir and write) is stale after this. */
const OWNERLESS_GRACE_MS = 30_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Same machine and a dead pid, or simply too old: nobody is building any more. */
export function isStaleOwner(
  owner: LockOwner | null,
  options: { now: number; dirAgeMs: number; host: string; alive: (pid: number) => boolean },
): boolean {
  if (!owner) return options.dirAgeMs > OWNERLESS_GRACE_MS;
  if (options.now - owner.at > MAX_LOCK_AGE_MS) return true;
  return owner.host === options.host && !options.alive(owner.pid);
}

async function readOwner(
  commands: NodeCommands,
  dir: string,
): Promise<{ owner: LockOwner | null; dirAgeMs: number } | null> {
  const stat = await commands.run(["stat", "-c", "%Y", "--", dir]);
  if (stat.code !== 0) return null; // released meanwhile
  const dirAgeMs = Date.now() - Number(stat.stdout.trim()) * 1000;
  const file = await commands.run(["cat", "--", `${dir}/owner.json`]);
  try {
    return { owner: file.code === 0 ? (JSON.parse(file.stdout) as LockOwner) : null, dirAgeMs };
  } catch {
    return { owner: null, dirAgeMs };
  }
}

/**
 * Runs `body` while holding a lock on the node: a directory created with mkdir, which is
 * atomic on every filesystem (flock-style, and it works over SSH too). Waiters poll; a lock
 * whose owner died (same host, pid gone) or that is older than any build is broken.
 */
export async function withNodeLock<T>(options: {
  commands: NodeCommands;
  dir: string;
  onWait?: () => void;
  pollMs?: number;
  body: () => Promise<T>;
}): Promise<T> {
  const { commands, dir } = options;
  const host = os.hostname();
  let waited = false;
  let vanished = 0;
  for (;;) {
    const made = await commands.run(["mkdir", "--", dir]);
    if (made.code === 0) break;
    const parent = await commands.run(["mkdir", "-p", "--", dir.replace(/\/[^/]+$/, "")]);
    if (parent.code !== 0) throw commands.failure({ argv: ["mkdir", "-p", dir], result: parent });
    const current = await readOwner(commands, dir);
    if (!current) {
      // Released meanwhile (or the parent was missing): try again at once, but not forever.
      if (++vanished > 50)
        throw commands.failure({ argv: ["mkdir", dir], result: made, message: `cannot create lock ${dir}` });
      continue;
    }
    if (isStaleOwner(current.owner, { now: Date.now(), dirAgeMs: current.dirAgeMs, host, alive: isAlive })) {
      await commands.check(["rm", "-rf", "--", dir]);
      continue;
    }
    if (!waited) options.onWait?.();
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
  try {
    const owner: LockOwner = { host, pid: process.pid, at: Date.now() };
    await commands.check(["tee", "--", `${dir}/owner.json`], { input: JSON.stringify(owner) });
    return await options.body();
  } finally {
    await commands.run(["rm", "-rf", "--", dir]);
  }
}
