import type { CommandRunner, RunResult } from "../../transport/types";
import { NodeCommands } from "../command";
import { assertLimits } from "../cloudlets";
import { readHostFacts } from "../host-facts";
import { assertContainerIp, assertContainerName, assertHostname, isManagedName } from "../names";
import type {
  ContainerEngine,
  ContainerLimits,
  ContainerSpec,
  ContainerStats,
  EngineNodeConfig,
  ExecOptions,
  ExecResult,
  MigrationTarget,
  ObservedContainer,
  ProbeResult,
} from "../types";
import { PRLCTL_EXIT, prlctlArgv } from "./argv";
import { limitsFromDetails, parseGuestProc, parsePrlctlDetails, parsePrlctlList, type PrlctlListEntry } from "./parse";

const DEFAULT_OS_TEMPLATE = "vzlinux-8-x86_64";
/** Addresses come from a node's /24 (see the lxc engine); Virtuozzo sets them on venet0. */
const CONTAINER_PREFIX_LENGTH = 24;
/** Bounded parallelism for per-container details/stats: a few SSH sessions, not hundreds. */
const PARALLEL = 4;

/**
 * Virtuozzo containers through `prlctl` (normally over SshRunner). Success is judged by the
 * exit code only: prlctl prints deprecation warnings on stderr even when it succeeds.
 */
export class VirtuozzoEngine implements ContainerEngine {
  readonly kind = "virtuozzo" as const;
  private readonly commands: NodeCommands;

  constructor(
    readonly node: EngineNodeConfig,
    readonly runner: CommandRunner,
  ) {
    this.commands = new NodeCommands({
      engine: "virtuozzo",
      node: node.name,
      runner,
      defaultTimeoutMs: node.timeoutMs ?? 120_000,
    });
  }

  /** Runs prlctl; 253 (dispatcher down) is transient, everything else non-zero is permanent. */
  private prlctl(argv: string[], options: { timeoutMs?: number; okCodes?: number[] } = {}): Promise<RunResult> {
    return this.commands.check(argv, { ...options, transientCodes: [PRLCTL_EXIT.dispatcherDown] });
  }

  async probe(): Promise<ProbeResult> {
    const version = await this.prlctl(prlctlArgv.version());
    const facts = await readHostFacts({ commands: this.commands, diskPath: "/vz" });
    return { engine: "virtuozzo", engineVersion: version.stdout.trim(), simulated: false, ...facts };
  }

  private async listAll(): Promise<PrlctlListEntry[]> {
    const result = await this.prlctl(prlctlArgv.list());
    try {
      return parsePrlctlList(result.stdout).filter((entry) => isManagedName(entry.name));
    } catch (error) {
      throw this.commands.failure({
        argv: prlctlArgv.list(),
        result,
        message: `unparseable prlctl list output: ${(error as Error).message}`,
      });
    }
  }

  private async find(name: string): Promise<PrlctlListEntry | null> {
    assertContainerName(name);
    return (await this.listAll()).find((entry) => entry.name === name) ?? null;
  }

  private async require(name: string): Promise<PrlctlListEntry> {
    const entry = await this.find(name);
    if (!entry)
      throw this.commands.failure({
        argv: prlctlArgv.details(name),
        reason: "not_found",
        message: `container ${name} does not exist`,
      });
    return entry;
  }

  async list(): Promise<ObservedContainer[]> {
    const entries = await this.listAll();
    return mapLimited(entries, PARALLEL, async (entry) => {
      const details = await this.prlctl(prlctlArgv.details(entry.name));
      const parsed = parsePrlctlDetails(details.stdout);
      return { name: entry.name, state: entry.state, ip: entry.ip ?? parsed.ip, limits: limitsFromDetails(parsed) };
    });
  }

  /** prlctl create fails on an existing name, so list first; every `set` is idempotent. */
  async create(spec: ContainerSpec): Promise<void> {
    const name = assertContainerName(spec.name);
    const ip = assertContainerIp(spec.ip);
    const limits = assertLimits(spec.limits);
    const hostname = assertHostname(spec.hostname ?? name);
    const template = spec.template;
    const osTemplate =
      template.kind === "os-template"
        ? template.name
        : template.kind === "busybox"
          ? (this.node.virtuozzo?.defaultOsTemplate ?? DEFAULT_OS_TEMPLATE)
          : null;
    if (!osTemplate)
      throw this.commands.failure({
        argv: ["create", name],
        reason: "unsupported",
        message: `virtuozzo cannot create from template kind "${template.kind}"`,
      });
    if (!(await this.find(name))) await this.prlctl(prlctlArgv.create({ name, osTemplate }), { timeoutMs: 600_000 });
    await this.prlctl(prlctlArgv.setResources({ name, limits }));
    await this.prlctl(prlctlArgv.setDisk({ name, diskGib: limits.diskGib }));
    await this.prlctl(prlctlArgv.setNetwork({ name, ip, prefix: CONTAINER_PREFIX_LENGTH, hostname }));
  }

  async start(name: string): Promise<void> {
    const entry = await this.require(name);
    if (entry.state === "running") return;
    await this.prlctl(prlctlArgv.start(name));
  }

  /** A stopped container's stop exits 0 per the contract; the list check just saves a call. */
  async stop(name: string): Promise<void> {
    const entry = await this.require(name);
    if (entry.state === "stopped") return;
    await this.prlctl(prlctlArgv.stop(name));
  }

  async restart(name: string): Promise<void> {
    const entry = await this.require(name);
    await this.prlctl(entry.state === "running" ? prlctlArgv.restart(name) : prlctlArgv.start(name));
  }

  async destroy(name: string): Promise<void> {
    const entry = await this.find(name);
    if (!entry) return;
    if (entry.state !== "stopped") await this.prlctl(prlctlArgv.stop(name));
    await this.prlctl(prlctlArgv.delete(name));
  }

  async setLimits(name: string, limits: ContainerLimits): Promise<void> {
    assertLimits(limits);
    await this.require(name);
    await this.prlctl(prlctlArgv.setResources({ name, limits }));
    await this.prlctl(prlctlArgv.setDisk({ name, diskGib: limits.diskGib }));
  }

  async exec(name: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const entry = await this.require(name);
    if (entry.state !== "running")
      throw this.commands.failure({
        argv: ["prlctl", "exec", name],
        reason: "invalid_input",
        message: `${name} is ${entry.state}, not running`,
      });
    const result = await this.commands.run(prlctlArgv.exec({ name, argv }), options);
    if (result.code === PRLCTL_EXIT.dispatcherDown)
      throw this.commands.failure({ argv: prlctlArgv.exec({ name, argv }), result, transient: true });
    return { code: result.code, stdout: result.stdout, stderr: result.stderr };
  }

  /** Guest-side counters (/proc inside the CT) and root filesystem usage, per running container. */
  async stats(): Promise<ContainerStats[]> {
    const entries = await this.listAll();
    return mapLimited(entries, PARALLEL, async (entry) => {
      if (entry.state !== "running")
        return { name: entry.name, cpuUsageNs: 0, memoryBytes: 0, diskBytes: 0, netRxBytes: 0, netTxBytes: 0 };
      const proc = await this.exec(entry.name, ["cat", "/proc/stat", "/proc/meminfo", "/proc/net/dev"]);
      const df = await this.exec(entry.name, ["df", "-P", "-B1", "/"]);
      const usage = parseGuestProc(proc.stdout);
      const diskBytes = Number((df.stdout.trim().split("\n")[1] ?? "").trim().split(/\s+/)[2] ?? 0);
      return {
        name: entry.name,
        cpuUsageNs: usage.cpuUsageNs,
        memoryBytes: usage.memoryBytes,
        diskBytes,
        netRxBytes: usage.netRx,
        netTxBytes: usage.netTx,
      };
    });
  }

  /** Live migration by prlctl itself; done when the source no longer has it and the target does. */
  async migrate(name: string, target: MigrationTarget): Promise<void> {
    assertContainerName(name);
    if (target.node.engine !== "virtuozzo")
      throw this.commands.failure({
        argv: ["migrate", name],
        reason: "unsupported",
        message: "virtuozzo containers migrate only to virtuozzo nodes",
      });
    const targetEngine = new VirtuozzoEngine(target.node, target.runner);
    const here = await this.find(name);
    const there = await targetEngine.find(name);
    if (!here) {
      if (there) return;
      throw this.commands.failure({
        argv: ["migrate", name],
        reason: "not_found",
        message: `container ${name} is on neither node`,
      });
    }
    const destination = `root@${target.node.virtuozzo?.migrationHost ?? target.node.name}`;
    await this.prlctl(prlctlArgv.migrate({ name, destination }), { timeoutMs: 3_600_000 });
  }
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
