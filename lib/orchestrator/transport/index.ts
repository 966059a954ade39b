export type { CommandRunner, RunOptions, RunResult, RunnerIdentity } from "./types";
export { LocalRunner, runFile } from "./local-runner";
export { SshRunner, type SshRunnerOptions } from "./ssh-runner";
export { scanHostKey, fingerprintOf, knownHostsPattern, parseKeyscanOutput, type HostKey } from "./host-key";
export { shellQuote, joinRemoteCommand, assertOperand } from "./quote";
export { TransportError, CommandTimeoutError, SshConnectionError, HostKeyMismatchError, excerpt } from "./errors";
