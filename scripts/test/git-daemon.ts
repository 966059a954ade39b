/**
 * Test helper: a Git server on loopback (`git daemon`, read-only, every repository under `base`), started
 * on a free port and stopped by PID. `commitAll` writes a repository's work tree as a commit on main.
 */
import { execFileSync, spawn } from "node:child_process";
import { connect, createServer } from "node:net";

export interface TestGitDaemon {
  /** git://127.0.0.1:<port>/<name> */
  url(name: string): string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once("error", reject)
      .listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export async function startGitDaemon(base: string): Promise<TestGitDaemon> {
  const port = await freePort();
  const child = spawn(
    "git",
    ["daemon", "--reuseaddr", "--listen=127.0.0.1", `--port=${port}`, `--base-path=${base}`, "--export-all", base],
    { stdio: "ignore" },
  );
  const url = (name: string) => `git://127.0.0.1:${port}/${name}`;
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`git daemon did not listen on 127.0.0.1:${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop: () => void child.kill("SIGTERM") };
}

/** Commits everything in `work` (a repository, created on first use) and pushes main to the bare `remote`. */
export function commitAll(work: string, remote: string, message: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=test@example.test", "-c", "user.name=test", ...args], {
      cwd: work,
      stdio: "ignore",
    });
  try {
    execFileSync("git", ["init", "-q", "--bare", remote], { stdio: "ignore" });
  } catch {
    // exists
  }
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", message);
  git("push", "-q", remote, "main");
}
