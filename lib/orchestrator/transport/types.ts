/** Options for one command. Every command is bounded: there is no default "wait forever". */
export interface RunOptions {
  timeoutMs: number;
  /** Bytes written to the command's stdin (then stdin is closed). */
  input?: string | Buffer;
  /** A file on the machine running the command's client, streamed to stdin (archives too big for `input`). */
  inputFile?: string;
  /** Largest stdout/stderr accepted, in bytes (default 64 MiB; rootfs streams need more). */
  maxBufferBytes?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The raw stdout, for binary streams (tar) that must not go through UTF-8 decoding. */
  stdoutBytes: Buffer;
}

/** Where commands run: two runners with the same `machine` share one filesystem. */
export type RunnerIdentity = { kind: "local"; machine: "local" } | { kind: "ssh"; machine: string };

/**
 * Runs one argv on a hardware node. Implementations never involve a local shell; a non-zero
 * exit code is a result, not an exception. They throw only for transport failures
 * (timeout, lost connection, host key mismatch).
 */
export interface CommandRunner {
  readonly identity: RunnerIdentity;
  run(argv: string[], options: RunOptions): Promise<RunResult>;
}
