/**
 * Contract test over a real sshd on 127.0.0.1. `prlctl` on the remote PATH is the TEST DOUBLE
 * in scripts/test/prlctl-double (documented subset, JSON state on disk): real Virtuozzo hosts
 * are not available to this project.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSshd, type TestSshd } from "../../../../scripts/test/sshd";
import { SshRunner } from "../../transport/ssh-runner";
import { EngineError, isTransientError } from "../errors";
import type { EngineNodeConfig } from "../types";
import { VirtuozzoEngine } from "./engine";

const DOUBLE_DIR = path.resolve(__dirname, "../../../../scripts/test/prlctl-double");
const stateRoot = mkdtempSync(path.join(tmpdir(), "hp-prlctl-"));
const servers: TestSshd[] = [];
const runners: SshRunner[] = [];
const nodeA: EngineNodeConfig = {
  name: "vz-a",
  engine: "virtuozzo",
  virtuozzo: { defaultOsTemplate: "vzlinux-8-x86_64" },
};
const nodeB: EngineNodeConfig = { name: "vz-b", engine: "virtuozzo", virtuozzo: { migrationHost: "vz-b" } };
let a: VirtuozzoEngine;
let b: VirtuozzoEngine;
let runnerB: SshRunner;
const limits = { reservedCloudlets: 2, dynamicCloudlets: 8, diskGib: 10 };

async function nodeServer(stateName: string): Promise<SshRunner> {
  mkdirSync(path.join(stateRoot, stateName), { recursive: true });
  const server = await startSshd({
    env: {
      PATH: `${DOUBLE_DIR}:${path.dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`,
      PRLCTL_DOUBLE_STATE: path.join(stateRoot, stateName),
    },
  });
  servers.push(server);
  const runner = new SshRunner({
    host: server.host,
    port: server.port,
    privateKey: server.privateKey,
    hostKey: server.hostKey,
    knownHostsFile: path.join(stateRoot, `known_hosts_${stateName}`),
  });
  runners.push(runner);
  return runner;
}

beforeAll(async () => {
  a = new VirtuozzoEngine(nodeA, await nodeServer("vz-a"));
  runnerB = await nodeServer("vz-b");
  b = new VirtuozzoEngine(nodeB, runnerB);
});

afterAll(async () => {
  for (const runner of runners) await runner.close();
  for (const server of servers) await server.stop();
  rmSync(stateRoot, { recursive: true, force: true });
});

describe("virtuozzo engine over ssh against the prlctl double", () => {
  it("probes the node", async () => {
    const probe = await a.probe();
    expect(probe).toMatchObject({ engine: "virtuozzo", simulated: false });
    expect(probe.engineVersion).toContain("test double");
    expect(probe.cpuCores).toBeGreaterThan(0);
  });

  it("runs the lifecycle idempotently despite deprecation warnings on stderr", async () => {
    const spec = {
      name: "hp-vz1",
      ip: "10.213.5.7",
      hostname: "web-1",
      template: { kind: "busybox" as const },
      limits,
    };
    await a.create(spec);
    await a.create(spec);
    expect(await a.list()).toEqual([{ name: "hp-vz1", state: "stopped", ip: "10.213.5.7", limits }]);
    await a.start("hp-vz1");
    await a.start("hp-vz1");
    const bigger = { ...limits, dynamicCloudlets: 16 };
    await a.setLimits("hp-vz1", bigger);
    expect((await a.list())[0]).toEqual({ name: "hp-vz1", state: "running", ip: "10.213.5.7", limits: bigger });
    const exec = await a.exec("hp-vz1", ["printf", "%s", "it's $(x)"]);
    expect(exec).toMatchObject({ code: 0, stdout: "it's $(x)" });
    const stats = await a.stats();
    expect(stats[0]).toMatchObject({ name: "hp-vz1" });
    expect(stats[0]!.cpuUsageNs).toBeGreaterThan(0);
    expect(stats[0]!.memoryBytes).toBeGreaterThan(0);
    await a.restart("hp-vz1");
    await a.stop("hp-vz1");
    await a.stop("hp-vz1");
    expect((await a.list())[0]!.state).toBe("stopped");
  });

  it("migrates to another node, idempotently", async () => {
    await a.migrate("hp-vz1", { node: nodeB, runner: runnerB });
    await a.migrate("hp-vz1", { node: nodeB, runner: runnerB });
    expect(await a.list()).toEqual([]);
    expect((await b.list()).map((c) => c.name)).toEqual(["hp-vz1"]);
    await b.destroy("hp-vz1");
    await b.destroy("hp-vz1");
    expect(await b.list()).toEqual([]);
  });

  it("reports a downed dispatcher (exit 253) as transient and a failure (255) as permanent", async () => {
    writeFileSync(path.join(stateRoot, "vz-a", "dispatcher-down"), "");
    const down = await a.list().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(EngineError);
    expect((down as EngineError).exitCode).toBe(253);
    expect(isTransientError(down)).toBe(true);
    rmSync(path.join(stateRoot, "vz-a", "dispatcher-down"));
    await a.create({
      name: "hp-vz2",
      ip: "10.213.5.8",
      template: { kind: "os-template", name: "vzlinux-8-x86_64" },
      limits,
    });
    const failed = await a.exec("hp-vz2", ["true"]).catch((e: unknown) => e);
    expect(isTransientError(failed)).toBe(false);
    await a.destroy("hp-vz2");
  });
});
