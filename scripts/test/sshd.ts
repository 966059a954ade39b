/**
 * Test helper: a private sshd on 127.0.0.1 with its own host key, client key and config in a
 * temp dir. It never reads or changes the system's sshd configuration and is stopped by PID.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fingerprintOf } from "../../lib/orchestrator/transport/host-key";

export interface TestSshd {
  host: string;
  port: number;
  user: "root";
  privateKey: string;
  hostKey: { type: string; key: string };
  hostKeyFingerprint: string;
  dir: string;
  stop(): Promise<void>;
}

export interface StartSshdOptions {
  /** Reuse a port (e.g. to restart with a new host key on the same address). */
  port?: number;
  /** Environment for remote sessions (sshd_config SetEnv), e.g. a PATH with test doubles first. */
  env?: Record<string, string>;
  /** Reuse the client key of another instance so the same runner can log in. */
  privateKey?: string;
}

const SSHD = "/usr/sbin/sshd";

function ensureOpenSshInstalled(): void {
  if (existsSync(SSHD) && existsSync("/usr/bin/ssh")) return;
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "openssh-server", "openssh-client"], {
    stdio: "ignore",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until sshd accepts TCP connections, polling briefly instead of sleeping a fixed time. */
async function waitForPort(options: { port: number; child: ChildProcess; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.child.exitCode !== null) throw new Error(`sshd exited with code ${options.child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: options.port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`sshd did not listen on port ${options.port}`);
}

function childPidsOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

export async function startSshd(options: StartSshdOptions = {}): Promise<TestSshd> {
  ensureOpenSshInstalled();
  // Privilege separation needs this directory; creating it changes nothing else on the system.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(path.join(tmpdir(), "hp-sshd-"));
  const hostKeyFile = path.join(dir, "host_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hostplane-test-host", "-f", hostKeyFile]);
  let privateKey = options.privateKey;
  let publicKey: string;
  if (privateKey) {
    writeFileSync(path.join(dir, "client"), privateKey, { mode: 0o600 });
    publicKey = execFileSync("ssh-keygen", ["-y", "-f", path.join(dir, "client")]).toString();
  } else {
    execFileSync("ssh-keygen", [
      "-q",
      "-t",
      "ed25519",
      "-N",
      "",
      "-C",
      "hostplane-test-client",
      "-f",
      path.join(dir, "client"),
    ]);
    privateKey = readFileSync(path.join(dir, "client"), "utf8");
    publicKey = readFileSync(path.join(dir, "client.pub"), "utf8");
  }
  writeFileSync(path.join(dir, "authorized_keys"), publicKey, { mode: 0o600 });
  const port = options.port ?? (await freePort());
  // Remote sessions get an empty HOME of their own: bash sources ~/.bashrc for every ssh command, and
  // the machine's /root/.bashrc is not the tests' business (on this one it runs `pyenv init`, whose
  // rehash lock serialised concurrent sessions for minutes).
  const home = path.join(dir, "home");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // sshd uses the first SetEnv line only: all variables go on one line.
  const envPairs = Object.entries({ HOME: home, ...options.env }).map(([key, value]) => `${key}="${value}"`);
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${hostKeyFile}`,
    `PidFile ${path.join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "StrictModes no",
    "PrintMotd no",
    "LogLevel ERROR",
    "MaxStartups 100:30:200",
    "MaxSessions 100",
    `SetEnv ${envPairs.join(" ")}`,
  ].join("\n");
  const configFile = path.join(dir, "sshd_config");
  writeFileSync(configFile, `${config}\n`);
  const child = spawn(SSHD, ["-D", "-e", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort({ port, child, timeoutMs: 10_000 });
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  const [type, key] = readFileSync(`${hostKeyFile}.pub`, "utf8").trim().split(/\s+/);
  return {
    host: "127.0.0.1",
    port,
    user: "root",
    privateKey,
    hostKey: { type: type!, key: key! },
    hostKeyFingerprint: fingerprintOf(key!),
    dir,
    async stop() {
      // Per-connection sshd processes outlive the listener: stop them too (our own children, by PID).
      if (child.pid) for (const pid of childPidsOf(child.pid)) killQuietly(pid);
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(child.pid, "SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
