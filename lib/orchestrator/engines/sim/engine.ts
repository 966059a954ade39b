import { CLOUDLET_RAM_BYTES } from "../../cloudlet";
import { assertLimits } from "../cloudlets";
import { EngineError } from "../errors";
import { assertContainerIp, assertContainerName } from "../names";
import type {
  ContainerEngine,
  ContainerLimits,
  ContainerSpec,
  ContainerStats,
  EngineNodeConfig,
  ExecResult,
  MigrationTarget,
  ObservedContainer,
  ProbeResult,
  SimNodeSettings,
} from "../types";
import { createSeededRandom } from "./random";

interface SimContainer {
  name: string;
  ip: string;
  limits: ContainerLimits;
  state: "running" | "stopped";
  cpuUsageNs: number;
}

/**
 * In-memory engine for scale benchmarks and capacity planning: no containers exist. Latency
 * and failures are drawn from a seeded PRNG so runs are reproducible. Never a default; probe
 * says `simulated: true` so the UI can label it.
 */
export class SimEngine implements ContainerEngine {
  readonly kind = "sim" as const;
  private readonly containers = new Map<string, SimContainer>();
  private readonly random: () => number;
  private readonly settings: Required<SimNodeSettings>;

  constructor(readonly node: EngineNodeConfig) {
    this.settings = {
      seed: 1,
      latencyMs: { min: 0, max: 0 },
      failureRate: 0,
      cpuCores: 32,
      mhzPerCore: 2500,
      ramBytes: 256 * 1024 ** 3,
      diskBytes: 4 * 1024 ** 4,
      ...node.sim,
    };
    this.random = createSeededRandom(this.settings.seed);
  }

  /** Waits the simulated latency, then fails with a transient error at the configured rate. */
  private async operate(op: string, name?: string): Promise<void> {
    const { min, max } = this.settings.latencyMs;
    const delay = min + (max - min) * this.random();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (this.random() < this.settings.failureRate) {
      throw new EngineError({
        engine: "sim",
        node: this.node.name,
        argv: [op, ...(name ? [name] : [])],
        exitCode: 253,
        reason: "connection",
        transient: true,
        message: `simulated transient failure of ${op}`,
      });
    }
  }

  private require(name: string): SimContainer {
    const container = this.containers.get(assertContainerName(name));
    if (!container)
      throw new EngineError({
        engine: "sim",
        node: this.node.name,
        argv: [name],
        exitCode: null,
        reason: "not_found",
        message: `container ${name} does not exist`,
      });
    return container;
  }

  async probe(): Promise<ProbeResult> {
    await this.operate("probe");
    const used = [...this.containers.values()].reduce((sum, c) => sum + c.limits.diskGib * 1024 ** 3, 0);
    const running = [...this.containers.values()].filter((c) => c.state === "running").length;
    return {
      engine: "sim",
      engineVersion: "sim-1",
      cpuCores: this.settings.cpuCores,
      mhzPerCore: this.settings.mhzPerCore,
      ramBytes: this.settings.ramBytes,
      diskTotalBytes: this.settings.diskBytes,
      diskFreeBytes: Math.max(0, this.settings.diskBytes - used),
      loadAverage: [running * 0.05, running * 0.05, running * 0.05],
      swapTotalBytes: 0,
      swapFreeBytes: 0,
      simulated: true,
    };
  }

  async list(): Promise<ObservedContainer[]> {
    await this.operate("list");
    return [...this.containers.values()].map((c) => ({
      name: c.name,
      state: c.state,
      ip: c.ip,
      limits: { ...c.limits },
    }));
  }

  async create(spec: ContainerSpec): Promise<void> {
    assertContainerName(spec.name);
    assertContainerIp(spec.ip);
    assertLimits(spec.limits);
    await this.operate("create", spec.name);
    if (this.containers.has(spec.name)) return;
    this.containers.set(spec.name, {
      name: spec.name,
      ip: spec.ip,
      limits: { ...spec.limits },
      state: "stopped",
      cpuUsageNs: 0,
    });
  }

  async start(name: string): Promise<void> {
    const container = this.require(name);
    await this.operate("start", name);
    container.state = "running";
  }

  async stop(name: string): Promise<void> {
    const container = this.require(name);
    await this.operate("stop", name);
    container.state = "stopped";
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  async destroy(name: string): Promise<void> {
    assertContainerName(name);
    await this.operate("destroy", name);
    this.containers.delete(name);
  }

  async setLimits(name: string, limits: ContainerLimits): Promise<void> {
    const container = this.require(name);
    assertLimits(limits);
    await this.operate("setLimits", name);
    container.limits = { ...limits };
  }

  async exec(name: string, argv: string[]): Promise<ExecResult> {
    const container = this.require(name);
    await this.operate("exec", name);
    if (container.state !== "running")
      throw new EngineError({
        engine: "sim",
        node: this.node.name,
        argv,
        exitCode: null,
        reason: "invalid_input",
        message: `${name} is not running`,
      });
    return { code: 0, stdout: "", stderr: "" };
  }

  async stats(): Promise<ContainerStats[]> {
    await this.operate("stats");
    return [...this.containers.values()].map((c) => {
      if (c.state === "running") c.cpuUsageNs += Math.round(this.random() * 1e8);
      const running = c.state === "running";
      return {
        name: c.name,
        cpuUsageNs: c.cpuUsageNs,
        memoryBytes: running ? Math.round(c.limits.dynamicCloudlets * CLOUDLET_RAM_BYTES * 0.3) : 0,
        diskBytes: Math.round(c.limits.diskGib * 1024 ** 3 * 0.1),
        netRxBytes: 0,
        netTxBytes: 0,
      };
    });
  }

  /** Moves the record into another SimEngine (the target runner is irrelevant here). */
  async migrate(name: string, target: MigrationTarget & { engine?: SimEngine }): Promise<void> {
    const container = this.require(name);
    await this.operate("migrate", name);
    if (target.engine) target.engine.containers.set(name, { ...container });
    this.containers.delete(name);
  }
}
