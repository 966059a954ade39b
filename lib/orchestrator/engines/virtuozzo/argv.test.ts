import { describe, expect, it } from "vitest";
import { cpuUnitsFor, prlctlArgv } from "./argv";
import { VirtuozzoEngine } from "./engine";
import { RecordingRunner } from "../test-support";
import { EngineError, isTransientError } from "../errors";

const limits = { reservedCloudlets: 2, dynamicCloudlets: 4, diskGib: 5 };

describe("prlctl argv builders", () => {
  it("builds the documented argv", () => {
    expect(prlctlArgv.list()).toEqual(["prlctl", "list", "-a", "-j", "-o", "uuid,name,status,ip_configured,type"]);
    expect(prlctlArgv.details("hp-1")).toEqual(["prlctl", "list", "-i", "-j", "hp-1"]);
    expect(prlctlArgv.create({ name: "hp-1", osTemplate: "vzlinux-8-x86_64" })).toEqual([
      "prlctl",
      "create",
      "hp-1",
      "--vmtype",
      "ct",
      "--ostemplate",
      "vzlinux-8-x86_64",
    ]);
    expect(prlctlArgv.setResources({ name: "hp-1", limits })).toEqual([
      "prlctl",
      "set",
      "hp-1",
      "--memsize",
      "512",
      "--cpulimit",
      "1600m",
      "--cpuunits",
      "250",
    ]);
    expect(prlctlArgv.setDisk({ name: "hp-1", diskGib: 5 })).toEqual([
      "prlctl",
      "set",
      "hp-1",
      "--device-set",
      "hdd0",
      "--size",
      "5120",
    ]);
    expect(prlctlArgv.setNetwork({ name: "hp-1", ip: "10.213.5.7", prefix: 24, hostname: "web" })).toEqual([
      "prlctl",
      "set",
      "hp-1",
      "--ipdel",
      "all",
      "--ipadd",
      "10.213.5.7/24",
      "--hostname",
      "web",
    ]);
    expect(prlctlArgv.exec({ name: "hp-1", argv: ["ls", "-la"] })).toEqual([
      "prlctl",
      "exec",
      "hp-1",
      "--without-shell",
      "ls",
      "-la",
    ]);
    expect(prlctlArgv.migrate({ name: "hp-1", destination: "root@vz-2" })).toEqual([
      "prlctl",
      "migrate",
      "hp-1",
      "root@vz-2",
    ]);
    expect(() => prlctlArgv.migrate({ name: "hp-1", destination: "-oProxyCommand=x" })).toThrow();
    expect(() => prlctlArgv.exec({ name: "hp-1", argv: ["--help"] })).toThrow();
    expect(cpuUnitsFor({ ...limits, reservedCloudlets: 0 })).toBe(8);
  });
});

const deprecation = "You are using a deprecated CLI component that won't be installed by default";

describe("virtuozzo engine against recorded behaviour", () => {
  it("judges success by exit code despite stderr, and create lists first (idempotent)", async () => {
    const runner = new RecordingRunner((argv) => {
      if (argv[1] === "list")
        return { stdout: `[{"uuid":"u","status":"stopped","ip_configured":"-","type":"CT","name":"hp-1"}]` };
      return { stderr: deprecation };
    });
    const engine = new VirtuozzoEngine({ name: "vz-1", engine: "virtuozzo" }, runner);
    await engine.create({
      name: "hp-1",
      ip: "10.213.5.7",
      template: { kind: "os-template", name: "vzlinux-8-x86_64" },
      limits,
    });
    expect(runner.calls.map((argv) => argv[1])).toEqual(["list", "set", "set", "set"]);
    await engine.stop("hp-1");
    expect(runner.calls.at(-1)![1]).toBe("list");
  });

  it("marks exit 253 transient and 255 permanent, with an stderr excerpt", async () => {
    for (const [code, transient] of [
      [253, true],
      [255, false],
    ] as const) {
      const runner = new RecordingRunner(() => ({ code, stderr: "Failed to start the CT: boom" }));
      const engine = new VirtuozzoEngine({ name: "vz-1", engine: "virtuozzo" }, runner);
      const error = await engine.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect(isTransientError(error)).toBe(transient);
      expect((error as EngineError).exitCode).toBe(code);
      expect((error as EngineError).stderrExcerpt).toContain("boom");
    }
  });
});
