import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { EngineError, EngineTimeoutError } from "@/lib/orchestrator/engines/errors";
import { SshConnectionError } from "@/lib/orchestrator/transport/errors";
import { plainFailureSummary } from "./failure-summary";

describe("plainFailureSummary", () => {
  it("never carries the engine's argv, paths or stderr", () => {
    const error = new EngineError({
      engine: "lxc",
      node: "node-7",
      argv: ["lxc-start", "-n", "hp-abc", "-P", "/var/lib/hostplane/lxc/local"],
      exitCode: 1,
      stderr: "lxc-start: hp-abc: /var/lib/hostplane/lxc/local/hp-abc/config: No such file",
    });
    const summary = plainFailureSummary("start", error);
    expect(summary).toBe("start failed: the container engine reported an error. An administrator can see the details.");
    for (const secret of ["lxc-start", "/var/lib", "hp-abc", "node-7", "No such file"])
      expect(summary).not.toContain(secret);
  });

  it("names the kind of problem in plain words", () => {
    const timeout = new EngineTimeoutError({ engine: "lxc", node: "n", argv: ["lxc-ls"], timeoutMs: 5 });
    expect(plainFailureSummary("create", timeout)).toMatch(/^create failed: the container engine did not answer/);
    expect(plainFailureSummary("create", new SshConnectionError({ host: "10.0.0.9", stderrExcerpt: "refused" }))).toBe(
      "create failed: the hardware node could not be reached. An administrator can see the details.",
    );
    expect(plainFailureSummary("create", new Error("ENOENT /etc/secret"))).not.toContain("/etc/secret");
    expect(plainFailureSummary("create", new AppError("NO_CAPACITY", "No node has room."))).toContain(
      "No node has room",
    );
  });
});
