/**
 * The one quoting function for anything that reaches a remote shell. POSIX single quotes
 * make every byte literal except `'` itself, which is written as '\'' (close, escaped
 * quote, reopen). No other escaping scheme is allowed anywhere in the code base.
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new TypeError("argument contains a NUL byte, which no shell can pass");
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into the single command line ssh hands to the remote user's shell. */
export function joinRemoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError("empty argv");
  return argv.map(shellQuote).join(" ");
}

/**
 * Operands (names, paths, hosts) that begin with "-" would be parsed as options by the
 * program receiving them, whatever the quoting. Callers pass every operand they did not
 * write themselves through this check.
 */
export function assertOperand(value: string, what: string): string {
  if (value.length === 0) throw new TypeError(`${what} is empty`);
  if (value.startsWith("-")) throw new TypeError(`${what} must not start with "-": ${JSON.stringify(value)}`);
  if (/[\0\n\r]/.test(value)) throw new TypeError(`${what} contains a control character`);
  return value;
}
