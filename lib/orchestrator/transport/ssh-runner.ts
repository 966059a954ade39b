/**
 * SSH transport through the OpenSSH client binary rather than the `ssh2` npm package:
 * - it is the real OpenSSH every admin already trusts and debugs (same ciphers, same
 *   known_hosts semantics, same error messages);
 * - no native dependencies or crypto reimplementation to ship and audit;
 * - host-key pinning is done by OpenSSH itself via `StrictHostKeyChecking=yes` and a
 *   known_hosts file that holds only the key an admin confirmed at enrolment.
 */
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CommandRunner, RunOptions, RunResult, RunnerIdentity } from "./types";
import { runFile } from "./local-runner";
import { assertOperand, joinRemoteCommand } from "./quote";
import { HostKeyMismatchError, SshConnectionError, excerpt } from "./errors";
import { fingerprintOf, knownHostsPattern } from "./host-key";

export interface SshRunnerOptions {
  host: string;
  port?: number;
  user?: string;
  /** PEM/OpenSSH private key text; the app decrypts it from the database. Never logged. */
  privateKey: string;
  /** The confirmed host key: "ssh-ed25519 AAAA…" (type and base64 blob, as scanHostKey returns). */
  hostKey: { type: string; key: string };
  /** known_hosts file the app manages for this node; it is rewritten to hold only hostKey. */
  knownHostsFile: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  /** Path of the ssh binary (default "ssh" from PATH). */
  sshBinary?: string;
  /**
   * Connection sharing (ControlMaster): the first command opens an authenticated master
   * connection that later commands reuse, so a call costs a channel open instead of a key
   * exchange (≈ 300 ms → ≈ 10 ms here). The master exits after persistSec idle seconds or on
   * close(). false = one connection per command.
   */
  multiplex?: { persistSec: number } | false;
}

/** Messages ssh prints (exit 255) when the transport, not the remote command, failed. */
const HOST_KEY_PATTERNS = [/Host key verification failed/i, /REMOTE HOST IDENTIFICATION HAS CHANGED/i];
// Anchored to ssh's own message prefixes so a remote command's stderr is not mistaken for them.
const CONNECTION_PATTERNS = [
  /^ssh: /m,
  /^Connection (closed|reset|timed out) by /m,
  /^kex_exchange_identification/m,
  /^Timeout, server .* not responding/m,
  /^client_loop: /m,
];

export class SshRunner implements CommandRunner {
  readonly identity: RunnerIdentity;
  private readonly options: Required<SshRunnerOptions>;
  private knownHostsWritten: Promise<void> | null = null;
  private controlDir: Promise<string> | null = null;

  constructor(options: SshRunnerOptions) {
    assertOperand(options.host, "ssh host");
    assertOperand(options.user ?? "root", "ssh user");
    if (!/^[A-Za-z0-9+/=]+$/.test(options.hostKey.key) || !/^[a-z0-9@.-]+$/.test(options.hostKey.type)) {
      throw new TypeError("hostKey must be a type and a base64 blob");
    }
    this.options = {
      multiplex: { persistSec: 60 },
      port: 22,
      user: "root",
      connectTimeoutSec: 10,
      serverAliveIntervalSec: 15,
      sshBinary: "ssh",
      ...options,
    };
    this.identity = { kind: "ssh", machine: `${this.options.user}@${this.options.host}:${this.options.port}` };
  }

  get hostKeyFingerprint(): string {
    return fingerprintOf(this.options.hostKey.key);
  }

  async run(argv: string[], options: RunOptions): Promise<RunResult> {
    const remoteCommand = joinRemoteCommand(argv);
    await this.writeKnownHosts();
    // A fresh 0600 file per call: the key exists on disk only while ssh needs it.
    const keyDir = await mkdtemp(path.join(tmpdir(), "hp-ssh-"));
    const keyFile = path.join(keyDir, "id");
    try {
      await writeFile(
        keyFile,
        this.options.privateKey.endsWith("\n") ? this.options.privateKey : `${this.options.privateKey}\n`,
        { mode: 0o600 },
      );
      const controlPath = this.options.multiplex ? path.join(await this.getControlDir(), "cm") : null;
      const sshArgv = this.buildArgv({ keyFile, remoteCommand, controlPath });
      const result = await runFile(sshArgv, { ...options, redactedArgv: argv });
      if (result.code === 255) this.throwIfTransportFailure(result.stderr);
      return result;
    } finally {
      await rm(keyDir, { recursive: true, force: true });
    }
  }

  /** Stops the shared master connection (if any) and removes its socket directory. */
  async close(): Promise<void> {
    const dir = this.controlDir ? await this.controlDir : null;
    this.controlDir = null;
    if (!dir) return;
    await runFile(
      [
        this.options.sshBinary,
        "-F",
        "/dev/null",
        "-o",
        `ControlPath=${path.join(dir, "cm")}`,
        "-O",
        "exit",
        "--",
        this.options.host,
      ],
      { timeoutMs: 5_000 },
      // The master may already be gone (it exits with its last client); removing its socket dir ends it for good.
    ).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  private getControlDir(): Promise<string> {
    // Short path on purpose: a unix socket path must stay under ~104 bytes.
    this.controlDir ??= mkdtemp(path.join("/tmp", "hp-cm-"));
    return this.controlDir;
  }

  private buildArgv(options: { keyFile: string; remoteCommand: string; controlPath: string | null }): string[] {
    const o = this.options;
    const multiplex =
      options.controlPath && o.multiplex
        ? [
            "-o",
            "ControlMaster=auto",
            "-o",
            `ControlPath=${options.controlPath}`,
            "-o",
            `ControlPersist=${o.multiplex.persistSec}`,
          ]
        : [];
    return [
      o.sshBinary,
      "-F",
      "/dev/null",
      ...multiplex,
      "-o",
      "BatchMode=yes",
      "-o",
      `ConnectTimeout=${o.connectTimeoutSec}`,
      "-o",
      `ServerAliveInterval=${o.serverAliveIntervalSec}`,
      "-o",
      "ServerAliveCountMax=3",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${o.knownHostsFile}`,
      "-o",
      "GlobalKnownHostsFile=/dev/null",
      "-o",
      "UpdateHostKeys=no",
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "LogLevel=ERROR",
      "-i",
      options.keyFile,
      "-p",
      String(o.port),
      "-l",
      o.user,
      "-T",
      "--",
      o.host,
      options.remoteCommand,
    ];
  }

  private throwIfTransportFailure(stderr: string): void {
    if (HOST_KEY_PATTERNS.some((pattern) => pattern.test(stderr))) {
      throw new HostKeyMismatchError({
        host: this.options.host,
        port: this.options.port,
        expectedFingerprint: this.hostKeyFingerprint,
      });
    }
    if (CONNECTION_PATTERNS.some((pattern) => pattern.test(stderr))) {
      throw new SshConnectionError({ host: this.options.host, stderrExcerpt: excerpt(stderr, 300) });
    }
  }

  /** The file holds exactly the confirmed key, so ssh can never learn or accept another. */
  private writeKnownHosts(): Promise<void> {
    this.knownHostsWritten ??= (async () => {
      const { host, port, hostKey, knownHostsFile } = this.options;
      await mkdir(path.dirname(knownHostsFile), { recursive: true });
      const line = `${knownHostsPattern({ host, port })} ${hostKey.type} ${hostKey.key}\n`;
      await writeFile(knownHostsFile, line, { mode: 0o600 });
    })();
    return this.knownHostsWritten;
  }
}
