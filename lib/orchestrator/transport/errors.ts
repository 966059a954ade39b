/** Base class for failures of the transport itself (not of the command it ran). */
export class TransportError extends Error {
  /** Worth retrying: the same command may succeed a moment later. */
  readonly transient: boolean;
  constructor(message: string, options: { transient: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "TransportError";
    this.transient = options.transient;
  }
}

export class CommandTimeoutError extends TransportError {
  readonly argv: string[];
  readonly timeoutMs: number;
  constructor(options: { argv: string[]; timeoutMs: number }) {
    super(`command timed out after ${options.timeoutMs} ms: ${options.argv[0] ?? ""}`, { transient: true });
    this.name = "CommandTimeoutError";
    this.argv = options.argv;
    this.timeoutMs = options.timeoutMs;
  }
}

/** ssh could not reach or lost the node (refused, timed out, reset): retry later. */
export class SshConnectionError extends TransportError {
  readonly host: string;
  readonly stderrExcerpt: string;
  constructor(options: { host: string; stderrExcerpt: string }) {
    super(`ssh connection to ${options.host} failed: ${options.stderrExcerpt}`, { transient: true });
    this.name = "SshConnectionError";
    this.host = options.host;
    this.stderrExcerpt = options.stderrExcerpt;
  }
}

/**
 * The node presented a host key other than the one an admin confirmed at enrolment.
 * Never retried: it is either a reinstalled node (re-enrol it) or an attack.
 */
export class HostKeyMismatchError extends TransportError {
  readonly host: string;
  readonly port: number;
  readonly expectedFingerprint: string;
  constructor(options: { host: string; port: number; expectedFingerprint: string }) {
    super(
      `host key of ${options.host}:${options.port} does not match the confirmed key ${options.expectedFingerprint}`,
      { transient: false },
    );
    this.name = "HostKeyMismatchError";
    this.host = options.host;
    this.port = options.port;
    this.expectedFingerprint = options.expectedFingerprint;
  }
}

/** Keeps error messages short and free of multi-kilobyte dumps. */
export function excerpt(text: string, max = 500): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max)}…`;
}
