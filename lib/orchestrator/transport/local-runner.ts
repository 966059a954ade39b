import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import type { CommandRunner, RunOptions, RunResult, RunnerIdentity } from "./types";
import { CommandTimeoutError } from "./errors";

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Spawns argv[0] directly (execFile, no shell), so no argument is ever interpreted by a
 * shell on this machine. Shared by SshRunner, which is "run the ssh binary locally".
 */
export function runFile(argv: string[], options: RunOptions & { redactedArgv?: string[] }): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new TypeError("empty argv"));
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        encoding: "buffer",
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER,
        windowsHide: true,
      },
      (error, stdoutBytes, stderrBytes) => {
        const stdout = Buffer.from(stdoutBytes ?? []);
        const stderr = Buffer.from(stderrBytes ?? []).toString("utf8");
        if (error && error.killed && error.signal === "SIGKILL") {
          reject(new CommandTimeoutError({ argv: options.redactedArgv ?? argv, timeoutMs: options.timeoutMs }));
          return;
        }
        if (error && typeof error.code !== "number") {
          // Spawn failures (ENOENT, EACCES) or buffer overflow: there is no exit code to report.
          resolve({
            code: 127,
            stdout: stdout.toString("utf8"),
            stderr: `${stderr}${error.message}`,
            stdoutBytes: stdout,
          });
          return;
        }
        const code = error && typeof error.code === "number" ? error.code : 0;
        resolve({ code, stdout: stdout.toString("utf8"), stderr, stdoutBytes: stdout });
      },
    );
    // Closing stdin matters: ssh and tar would otherwise wait for input that never comes.
    child.stdin?.on("error", () => undefined);
    if (options.inputFile && child.stdin) {
      // Streamed, never read whole: a file that cannot be read ends stdin, and the command sees a short input.
      const source = createReadStream(options.inputFile);
      source.on("error", () => child.stdin?.end());
      source.pipe(child.stdin);
    } else child.stdin?.end(options.input ?? "");
  });
}

export class LocalRunner implements CommandRunner {
  readonly identity: RunnerIdentity = { kind: "local", machine: "local" };

  run(argv: string[], options: RunOptions): Promise<RunResult> {
    return runFile(argv, options);
  }
}
