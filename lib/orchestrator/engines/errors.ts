import { CommandTimeoutError, HostKeyMismatchError, TransportError, excerpt } from "../transport/errors";
import type { EngineKind } from "./types";

export type EngineErrorReason =
  "command_failed" | "timeout" | "connection" | "host_key" | "not_found" | "invalid_input" | "unsupported";

/** Elements after these flags carry KEY=VALUE environment values, which may be secrets. */
const ENV_FLAGS = new Set(["-v", "--set-var", "--env", "-e"]);

/** Replaces values that may be secret (environment assignments, key material) with "***". */
export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, index) => {
    if (/PRIVATE KEY/.test(arg)) return "***";
    const previous = index > 0 ? argv[index - 1] : undefined;
    if (previous && ENV_FLAGS.has(previous) && arg.includes("=")) return `${arg.slice(0, arg.indexOf("="))}=***`;
    if (arg.startsWith("lxc.environment")) return "lxc.environment=***";
    return arg;
  });
}

export interface EngineErrorOptions {
  engine: EngineKind;
  node: string;
  argv: readonly string[];
  exitCode: number | null;
  stderr?: string;
  message?: string;
  reason?: EngineErrorReason;
  transient?: boolean;
  cause?: unknown;
}

/** Failure of an engine operation. The worker retries it only when `transient` is true. */
export class EngineError extends Error {
  readonly engine: EngineKind;
  readonly node: string;
  readonly argv: string[];
  readonly exitCode: number | null;
  readonly stderrExcerpt: string;
  readonly reason: EngineErrorReason;
  readonly transient: boolean;

  constructor(options: EngineErrorOptions) {
    const stderrExcerpt = excerpt(options.stderr ?? "");
    const argv = redactArgv(options.argv);
    const summary = options.message ?? `${argv.slice(0, 3).join(" ")} exited ${options.exitCode}: ${stderrExcerpt}`;
    super(`[${options.engine}@${options.node}] ${summary}`, { cause: options.cause });
    this.name = "EngineError";
    this.engine = options.engine;
    this.node = options.node;
    this.argv = argv;
    this.exitCode = options.exitCode;
    this.stderrExcerpt = stderrExcerpt;
    this.reason = options.reason ?? "command_failed";
    this.transient = options.transient ?? false;
  }
}

export class EngineTimeoutError extends EngineError {
  readonly timeoutMs: number;
  constructor(options: Omit<EngineErrorOptions, "reason" | "transient" | "exitCode"> & { timeoutMs: number }) {
    super({
      ...options,
      exitCode: null,
      reason: "timeout",
      transient: true,
      message: options.message ?? `timed out after ${options.timeoutMs} ms`,
    });
    this.name = "EngineTimeoutError";
    this.timeoutMs = options.timeoutMs;
  }
}

/** True when retrying the same step later may succeed (timeouts, lost connections, prlctl 253). */
export function isTransientError(error: unknown): boolean {
  if (error instanceof EngineError || error instanceof TransportError) return error.transient;
  return false;
}

/** Turns a transport failure into the engine's typed error, keeping the cause. */
export function wrapTransportError(
  error: unknown,
  context: { engine: EngineKind; node: string; argv: readonly string[] },
): unknown {
  if (error instanceof CommandTimeoutError) {
    return new EngineTimeoutError({ ...context, timeoutMs: error.timeoutMs, cause: error });
  }
  if (error instanceof HostKeyMismatchError) {
    return new EngineError({
      ...context,
      exitCode: 255,
      reason: "host_key",
      transient: false,
      message: error.message,
      cause: error,
    });
  }
  if (error instanceof TransportError) {
    return new EngineError({
      ...context,
      exitCode: 255,
      reason: "connection",
      transient: error.transient,
      message: error.message,
      cause: error,
    });
  }
  return error;
}
