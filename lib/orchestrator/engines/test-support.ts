import type { CommandRunner, RunOptions, RunResult, RunnerIdentity } from "../transport/types";

/** A runner that records argv and answers from a script, for unit tests of argv and parsing. */
export class RecordingRunner implements CommandRunner {
  readonly identity: RunnerIdentity = { kind: "local", machine: "local" };
  readonly calls: string[][] = [];
  constructor(private readonly answer: (argv: string[]) => Partial<RunResult> = () => ({})) {}

  async run(argv: string[], _options: RunOptions): Promise<RunResult> {
    this.calls.push(argv);
    const partial = this.answer(argv);
    const stdout = partial.stdout ?? "";
    return { code: partial.code ?? 0, stdout, stderr: partial.stderr ?? "", stdoutBytes: Buffer.from(stdout) };
  }
}
