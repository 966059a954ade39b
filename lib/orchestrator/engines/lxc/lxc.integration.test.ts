import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRunner } from "../../transport/local-runner";
import { CommandTimeoutError } from "../../transport/errors";
import type { CommandRunner, RunOptions } from "../../transport/types";
import { cfsQuotaUs, cpuShares, memoryLimitBytes } from "../cloudlets";
import { EngineTimeoutError } from "../errors";
import { LxcEngine } from "./engine";
import { cleanupTestNodes, pings, testNode } from "./test-hosts";

const nodeA = testNode({ name: "engines-a", bridge: "hp-ta", octet: 250 });
const nodeB = testNode({ name: "engines-b", bridge: "hp-tb", octet: 251 });
const runner = new LocalRunner();
const a = new LxcEngine(nodeA, runner);
const b = new LxcEngine(nodeB, runner);
const limits = { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 };

/** httpd answering on port 8080, for a TCP check from the host. */
async function serveHttp(engine: LxcEngine, name: string): Promise<void> {
  const result = await engine.exec(name, ["sh", "-c", "httpd -p 8080 -h /etc </dev/null >/dev/null 2>&1"]);
  expect(result.code).toBe(0);
}

function tcpAnswers(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port: 8080, timeout: 2_000 });
    let data = "";
    socket.on("connect", () => socket.write("GET /hostname HTTP/1.0\r\n\r\n"));
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("end", () => resolve(data));
    socket.on("timeout", () => socket.destroy(new Error("timeout")));
    socket.on("error", reject);
  });
}

function cgroupValue(dir: string | undefined, file: string): string {
  return readFileSync(`${dir}/${file}`, "utf8").trim();
}

beforeAll(() => cleanupTestNodes([nodeA, nodeB]));
afterAll(() => cleanupTestNodes([nodeA, nodeB]));

describe("lxc engine on this machine (two hardware nodes)", () => {
  it("probes the host", async () => {
    const probe = await a.probe();
    expect(probe).toMatchObject({ engine: "lxc", simulated: false });
    expect(probe.engineVersion).toMatch(/^\d+\.\d+/);
    expect(probe.cpuCores).toBeGreaterThan(0);
    expect(probe.mhzPerCore).toBeGreaterThan(0);
    expect(probe.ramBytes).toBeGreaterThan(0);
    expect(probe.diskTotalBytes).toBeGreaterThan(0);
    expect(probe.loadAverage).toHaveLength(3);
  });

  it("runs the whole lifecycle, every operation twice", async () => {
    const spec = {
      name: "hp-life",
      ip: "10.213.250.10",
      hostname: "web-1",
      template: { kind: "busybox" as const },
      limits,
      env: { GREETING: "hello world" },
    };
    await a.create(spec);
    await a.create(spec);
    await a.start("hp-life");
    await a.start("hp-life");

    expect((await a.exec("hp-life", ["hostname"])).stdout.trim()).toBe("web-1");
    const addr = await a.exec("hp-life", ["ip", "addr", "show", "eth0"]);
    expect(addr.stdout).toContain("inet 10.213.250.10/24");
    expect((await a.exec("hp-life", ["ip", "route"])).stdout).toContain("default via 10.213.250.1");
    expect((await a.exec("hp-life", ["sh", "-c", 'echo "$GREETING"'])).stdout.trim()).toBe("hello world");
    expect((await a.exec("hp-life", ["sh", "-c", "pidof udhcpc || echo none"])).stdout.trim()).toBe("none");
    expect(pings("10.213.250.10")).toBe(true);

    const bigger = { reservedCloudlets: 4, dynamicCloudlets: 8, diskGib: 2 };
    await a.setLimits("hp-life", bigger);
    await a.setLimits("hp-life", bigger);
    const dirs = await a.cgroupDirs("hp-life");
    const mhzPerCore = (await a.probe()).mhzPerCore;
    expect(cgroupValue(dirs.get("memory"), "memory.limit_in_bytes")).toBe(String(memoryLimitBytes(bigger)));
    expect(cgroupValue(dirs.get("cpu"), "cpu.cfs_quota_us")).toBe(String(cfsQuotaUs({ limits: bigger, mhzPerCore })));
    expect(cgroupValue(dirs.get("cpu"), "cpu.shares")).toBe(String(cpuShares(bigger)));

    const stats = (await a.stats()).find((s) => s.name === "hp-life");
    expect(stats?.cpuUsageNs).toBeGreaterThan(0);
    expect(stats?.memoryBytes).toBeGreaterThan(0);
    expect(stats?.diskBytes).toBeGreaterThan(0);
    expect(stats?.netRxBytes).toBeGreaterThan(0);
    expect(stats?.netTxBytes).toBeGreaterThan(0);
    expect(await a.list()).toEqual([{ name: "hp-life", state: "running", ip: "10.213.250.10", limits: bigger }]);

    await a.stop("hp-life");
    await a.stop("hp-life");
    expect((await a.list())[0]?.state).toBe("stopped");
    await a.restart("hp-life");
    // Limits written to the config survive a restart.
    expect(cgroupValue((await a.cgroupDirs("hp-life")).get("memory"), "memory.limit_in_bytes")).toBe(
      String(memoryLimitBytes(bigger)),
    );
    await a.destroy("hp-life");
    await a.destroy("hp-life");
    expect(await a.list()).toEqual([]);
    expect(pings("10.213.250.10")).toBe(false);
  });

  it("never lists or touches containers without the hp- prefix", async () => {
    const foreign = await runner.run(
      ["lxc-create", "-P", nodeA.lxc!.lxcPath, "-n", "foreign", "-f", "/dev/null", "-t", "busybox"],
      { timeoutMs: 60_000 },
    );
    expect(foreign.code).toBe(0);
    expect((await a.list()).map((c) => c.name)).not.toContain("foreign");
    await expect(a.destroy("foreign")).rejects.toThrow();
    expect(
      (await runner.run(["lxc-info", "-P", nodeA.lxc!.lxcPath, "-n", "foreign"], { timeoutMs: 10_000 })).code,
    ).toBe(0);
    await runner.run(["lxc-destroy", "-P", nodeA.lxc!.lxcPath, "-n", "foreign"], { timeoutMs: 30_000 });
  });

  it("serves containers on both nodes, reachable from the host by IP", async () => {
    await a.create({ name: "hp-m1", ip: "10.213.250.20", template: { kind: "busybox" }, limits });
    await b.create({ name: "hp-n1", ip: "10.213.251.20", template: { kind: "busybox" }, limits });
    await a.start("hp-m1");
    await b.start("hp-n1");
    expect(pings("10.213.250.20")).toBe(true);
    expect(pings("10.213.251.20")).toBe(true);
    await serveHttp(a, "hp-m1");
    expect(await tcpAnswers("10.213.250.20")).toContain("hp-m1");
  });

  it("migrates a running container to the other node and it answers on the same IP", async () => {
    await a.migrate("hp-m1", { node: nodeB, runner });
    await a.migrate("hp-m1", { node: nodeB, runner }); // already done: a no-op
    expect((await a.list()).map((c) => c.name)).not.toContain("hp-m1");
    expect(await b.list()).toContainEqual({ name: "hp-m1", state: "running", ip: "10.213.250.20", limits });
    expect((await b.exec("hp-m1", ["ip", "addr", "show", "eth0"])).stdout).toContain("inet 10.213.250.20/24");
    expect(pings("10.213.250.20")).toBe(true);
    await serveHttp(b, "hp-m1");
    expect(await tcpAnswers("10.213.250.20")).toContain("hp-m1");
    // The container on node B's own subnet is unaffected.
    expect(pings("10.213.251.20")).toBe(true);
  });

  it("resumes an interrupted migration", async () => {
    await b.create({ name: "hp-r1", ip: "10.213.251.30", template: { kind: "busybox" }, limits });
    await b.start("hp-r1");
    // The first attempt dies when it comes to destroying the source (after copy and target start).
    let failOnce = true;
    const flaky: CommandRunner = {
      identity: runner.identity,
      run(argv: string[], options: RunOptions) {
        if (failOnce && argv[0] === "lxc-destroy") {
          failOnce = false;
          return Promise.reject(new CommandTimeoutError({ argv, timeoutMs: options.timeoutMs }));
        }
        return runner.run(argv, options);
      },
    };
    const flakyB = new LxcEngine(nodeB, flaky);
    await expect(flakyB.migrate("hp-r1", { node: nodeA, runner })).rejects.toBeInstanceOf(EngineTimeoutError);
    expect((await b.list()).find((c) => c.name === "hp-r1")?.state).toBe("stopped");
    await b.migrate("hp-r1", { node: nodeA, runner });
    expect((await b.list()).map((c) => c.name)).not.toContain("hp-r1");
    expect((await a.list()).find((c) => c.name === "hp-r1")?.state).toBe("running");
    expect(pings("10.213.251.30")).toBe(true);
  });

  it("creates overlayfs snapshot clones from a template container", async () => {
    await a.create({ name: "hp-tpl-bb", ip: "10.213.250.200", template: { kind: "busybox" }, limits });
    await a.create({
      name: "hp-c1",
      ip: "10.213.250.41",
      hostname: "clone-1",
      template: { kind: "clone", source: "hp-tpl-bb", snapshot: true },
      limits,
    });
    await a.start("hp-c1");
    expect((await a.exec("hp-c1", ["hostname"])).stdout.trim()).toBe("clone-1");
    expect(pings("10.213.250.41")).toBe(true);
    await a.destroy("hp-c1");
    await a.destroy("hp-tpl-bb");
  });
});
