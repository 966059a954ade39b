import { describe, expect, it } from "vitest";
import { CommandTimeoutError, HostKeyMismatchError, SshConnectionError } from "../transport/errors";
import { EngineError, EngineTimeoutError, isTransientError, redactArgv, wrapTransportError } from "./errors";

const context = {
  engine: "lxc" as const,
  node: "hn-1",
  argv: ["lxc-attach", "-n", "hp-1", "-v", "DB_PASSWORD=hunter2", "--", "true"],
};

describe("engine errors", () => {
  it("redacts environment values and key material from argv", () => {
    expect(redactArgv(context.argv)).toEqual(["lxc-attach", "-n", "hp-1", "-v", "DB_PASSWORD=***", "--", "true"]);
    expect(redactArgv(["x", "-----BEGIN OPENSSH PRIVATE KEY-----"])).toEqual(["x", "***"]);
    const error = new EngineError({ ...context, exitCode: 1, stderr: "boom" });
    expect(error.message).not.toContain("hunter2");
    expect(JSON.stringify(error.argv)).not.toContain("hunter2");
    expect(error.stderrExcerpt).toBe("boom");
  });

  it("classifies transient and permanent failures", () => {
    const timeout = wrapTransportError(new CommandTimeoutError({ argv: ["x"], timeoutMs: 5 }), context);
    expect(timeout).toBeInstanceOf(EngineTimeoutError);
    expect(isTransientError(timeout)).toBe(true);
    expect(
      isTransientError(wrapTransportError(new SshConnectionError({ host: "h", stderrExcerpt: "refused" }), context)),
    ).toBe(true);
    const hostKey = wrapTransportError(
      new HostKeyMismatchError({ host: "h", port: 22, expectedFingerprint: "SHA256:x" }),
      context,
    ) as EngineError;
    expect(hostKey.reason).toBe("host_key");
    expect(isTransientError(hostKey)).toBe(false);
    expect(hostKey.cause).toBeInstanceOf(HostKeyMismatchError);
    expect(isTransientError(new EngineError({ ...context, exitCode: 255 }))).toBe(false);
    expect(isTransientError(new Error("x"))).toBe(false);
  });
});
