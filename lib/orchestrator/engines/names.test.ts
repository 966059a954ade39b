import { describe, expect, it } from "vitest";
import { assertContainerIp, assertContainerName, assertEnv, containerNameFor, isInSubnet, parseCidr } from "./names";
import { createEngine } from "./factory";
import { RecordingRunner } from "./test-support";
import type { ContainerEngine, EngineNodeConfig } from "./types";

const BAD_NAMES = [
  "",
  "HP-1",
  "hp_1",
  "-hp",
  "1hp",
  "hp-1;id",
  "hp-1 x",
  "hp-$(id)",
  "a".repeat(64),
  "hp-" + "a".repeat(61),
  "../hp-1",
  "web-1",
  "hp-1\n",
];

const nodes: EngineNodeConfig[] = [
  {
    name: "hn-l",
    engine: "lxc",
    lxc: {
      lxcPath: "/var/lib/hostplane-test/unit",
      bridge: "hp-tu",
      subnetCidr: "10.213.252.0/24",
      gatewayIp: "10.213.252.1",
    },
  },
  { name: "hn-v", engine: "virtuozzo" },
];

describe("container names", () => {
  it("accepts hp- names matching ^[a-z][a-z0-9-]{0,62}$", () => {
    expect(assertContainerName("hp-1")).toBe("hp-1");
    expect(assertContainerName("hp-" + "a".repeat(60))).toHaveLength(63);
    expect(containerNameFor("Ab12")).toBe("hp-ab12");
  });

  it.each(BAD_NAMES)("refuses %j", (name) => {
    expect(() => assertContainerName(name)).toThrow();
  });

  it.each(nodes)("$engine engine refuses bad names before any command runs", async (node) => {
    const runner = new RecordingRunner();
    const engine: ContainerEngine = createEngine(node, runner);
    const limits = { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 };
    for (const name of BAD_NAMES) {
      await expect(
        engine.create({ name, ip: "10.213.252.9", template: { kind: "busybox" }, limits }),
      ).rejects.toThrow();
      await expect(engine.start(name)).rejects.toThrow();
      await expect(engine.stop(name)).rejects.toThrow();
      await expect(engine.restart(name)).rejects.toThrow();
      await expect(engine.destroy(name)).rejects.toThrow();
      await expect(engine.setLimits(name, limits)).rejects.toThrow();
      await expect(engine.exec(name, ["true"])).rejects.toThrow();
      await expect(engine.migrate(name, { node, runner })).rejects.toThrow();
    }
    expect(runner.calls).toEqual([]);
  });

  it("refuses bad IPs, env and limits before any command runs", async () => {
    const runner = new RecordingRunner();
    const engine = createEngine(nodes[0]!, runner);
    const limits = { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 };
    await expect(engine.create({ name: "hp-1", ip: "8.8.8.8", template: { kind: "busybox" }, limits })).rejects.toThrow(
      /outside/,
    );
    await expect(
      engine.create({ name: "hp-1", ip: "10.213.252.1", template: { kind: "busybox" }, limits }),
    ).rejects.toThrow(/gateway/);
    await expect(
      engine.create({ name: "hp-1", ip: "10.213.252.9", template: { kind: "busybox" }, limits, env: { "A B": "x" } }),
    ).rejects.toThrow();
    await expect(
      engine.create({
        name: "hp-1",
        ip: "10.213.252.9",
        template: { kind: "busybox" },
        limits: { ...limits, reservedCloudlets: 3 },
      }),
    ).rejects.toThrow();
    expect(runner.calls).toEqual([]);
  });
});

describe("addresses", () => {
  it("checks subnets", () => {
    const subnet = parseCidr("10.213.5.0/24");
    expect(isInSubnet("10.213.5.7", subnet)).toBe(true);
    expect(isInSubnet("10.213.6.7", subnet)).toBe(false);
    expect(assertContainerIp("10.213.5.7")).toBe("10.213.5.7");
    expect(() => assertContainerIp("10.213.5.256")).toThrow();
    expect(assertEnv({ A_1: "x y" })).toEqual({ A_1: "x y" });
    expect(() => assertEnv({ A: "x\ny" })).toThrow();
  });
});
