import type { CommandRunner, RunOptions, RunResult } from "../transport/types";
import { EngineError, wrapTransportError } from "./errors";
import type { EngineKind } from "./types";

/**
 * Runs commands on one node on behalf of one engine and turns every failure into an
 * EngineError carrying engine, node, redacted argv, exit code and an stderr excerpt.
 */
export class NodeCommands {
  constructor(
    private readonly context: { engine: EngineKind; node: string; runner: CommandRunner; defaultTimeoutMs: number },
  ) {}

  get runner(): CommandRunner {
    return this.context.runner;
  }

  /** Runs and returns the result whatever the exit code; throws only for transport failures. */
  async run(argv: string[], options: Partial<RunOptions> = {}): Promise<RunResult> {
    try {
      return await this.context.runner.run(argv, {
        ...options,
        timeoutMs: options.timeoutMs ?? this.context.defaultTimeoutMs,
      });
    } catch (error) {
      throw wrapTransportError(error, { engine: this.context.engine, node: this.context.node, argv });
    }
  }

  /** Runs and throws an EngineError unless the exit code is 0 (or listed in okCodes). */
  async check(
    argv: string[],
    options: Partial<RunOptions> & { okCodes?: number[]; transientCodes?: number[] } = {},
  ): Promise<RunResult> {
    const result = await this.run(argv, options);
    const okCodes = options.okCodes ?? [0];
    if (!okCodes.includes(result.code))
      throw this.failure({ argv, result, transient: options.transientCodes?.includes(result.code) ?? false });
    return result;
  }

  failure(options: {
    argv: string[];
    result?: RunResult;
    message?: string;
    transient?: boolean;
    reason?: EngineError["reason"];
  }): EngineError {
    return new EngineError({
      engine: this.context.engine,
      node: this.context.node,
      argv: options.argv,
      exitCode: options.result?.code ?? null,
      stderr: options.result?.stderr,
      message: options.message,
      transient: options.transient,
      reason: options.reason,
    });
  }
}
