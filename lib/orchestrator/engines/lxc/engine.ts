import type { CommandRunner } from "../../transport/types";
import { assertOperand } from "../../transport/quote";
import { NodeCommands } from "../command";
import { assertLimits, cgroupV1Values } from "../cloudlets";
import { EngineError } from "../errors";
import { assertContainerIp, assertContainerName, assertEnv, assertHostname, isInSubnet, parseCidr } from "../names";
import type {
  ContainerEngine,
  ContainerLimits,
  ContainerSpec,
  ContainerStats,
  EngineNodeConfig,
  ExecOptions,
  ExecResult,
  LxcNodeSettings,
  MigrationTarget,
  ObservedContainer,
  ProbeResult,
} from "../types";
import {
  DISK_MOUNT_DIR,
  MANAGED_CONFIG_FILE,
  METADATA_FILE,
  NODE_IDMAP,
  asMappedRoot,
  containerDir,
  isOverlayRootfs,
  homeGatewayFor,
  parseMetadataLines,
  renderManagedConfig,
  rewriteMainConfig,
  serializeMetadata,
  type ContainerMetadata,
} from "./config";
import { ensureRootIdRange } from "./idrange";
import { assertBridgeName, ensureBridge, ensureContainerRoute, removeContainerRoute } from "./network";
import { createDiskImage, diskPathsOf, growDisk, prepareDisk, releaseDisk } from "./disk";
import { applyNodeFirewall } from "./firewall";
import type { NodeNetworkPolicy } from "../../network-policy";
import { ensureStackTemplate } from "./template-build";
import { cgroupDirsOf, collectStats, listManaged, probeLxcHost } from "./observe";
import { parseLxcInfo } from "./parse";
import { provisionTemplate, supportsTemplate, writeNodeFile } from "./templates";
import { migrateLxc } from "./migrate";

const EXEC_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Real Linux containers via the lxc-* tools, on this machine (LocalRunner) or over SSH. */
export class LxcEngine implements ContainerEngine {
  readonly kind = "lxc" as const;
  readonly settings: LxcNodeSettings;
  readonly commands: NodeCommands;
  private mhzPerCore: number | undefined;
  private hostReady: Promise<void> | null = null;

  constructor(
    readonly node: EngineNodeConfig,
    readonly runner: CommandRunner,
  ) {
    if (!node.lxc) throw new TypeError(`node ${node.name} has no lxc settings`);
    this.settings = node.lxc;
    assertOperand(this.settings.lxcPath, "lxcPath");
    if (!this.settings.lxcPath.startsWith("/")) throw new TypeError("lxcPath must be absolute");
    assertBridgeName(this.settings.bridge);
    parseCidr(this.settings.subnetCidr);
    this.commands = new NodeCommands({
      engine: "lxc",
      node: node.name,
      runner,
      defaultTimeoutMs: node.timeoutMs ?? 60_000,
    });
  }

  private get lxcPath(): string {
    return this.settings.lxcPath;
  }

  private dir(name: string): string {
    return containerDir({ lxcPath: this.lxcPath, name });
  }

  async probe(): Promise<ProbeResult> {
    const result = await probeLxcHost({ commands: this.commands, lxcPath: this.lxcPath });
    this.mhzPerCore = result.mhzPerCore;
    return result;
  }

  async list(): Promise<ObservedContainer[]> {
    const entries = await listManaged({ commands: this.commands, lxcPath: this.lxcPath });
    const metadata = await this.readMetadataOf(entries.map((entry) => entry.name));
    return entries.map((entry) => {
      const meta = metadata.get(entry.name);
      return {
        name: entry.name,
        state: entry.state,
        ip: meta?.ip ?? null,
        limits: meta?.limits ?? null,
        ...(meta ? {} : { incomplete: true }),
        ...(meta && !meta.idmap ? { privileged: true } : {}),
      };
    });
  }

  /** State and init PID, or null when the container does not exist in this lxcpath. */
  async inspect(name: string): Promise<{ state: ObservedContainer["state"]; pid: number | null } | null> {
    assertContainerName(name);
    const result = await this.commands.run(["lxc-info", "-P", this.lxcPath, "-n", name, "-s", "-p"]);
    if (result.code !== 0) {
      if (/doesn't exist|does not exist/i.test(result.stderr)) return null;
      throw this.commands.failure({ argv: ["lxc-info", "-P", this.lxcPath, "-n", name], result });
    }
    return parseLxcInfo(result.stdout);
  }

  /**
   * Like inspect, for code about to remove the container: a directory whose config cannot be
   * loaded is the leftover of a create that was killed midway (nothing can be running from it).
   */
  private async inspectForRemoval(name: string) {
    const result = await this.commands.run([
      "lxc-info",
      "-P",
      this.lxcPath,
      "-n",
      assertContainerName(name),
      "-s",
      "-p",
    ]);
    if (result.code === 0) return parseLxcInfo(result.stdout);
    if (/doesn't exist|does not exist|Failed to load config/i.test(result.stderr)) return null;
    throw this.commands.failure({ argv: ["lxc-info", "-P", this.lxcPath, "-n", name], result });
  }

  async readMetadata(name: string): Promise<ContainerMetadata | null> {
    return (await this.readMetadataOf([assertContainerName(name)])).get(name) ?? null;
  }

  private async readMetadataOf(names: string[]): Promise<Map<string, ContainerMetadata>> {
    if (names.length === 0) return new Map();
    const result = await this.commands.check(
      ["cat", "--", ...names.map((name) => `${this.dir(name)}/${METADATA_FILE}`)],
      { okCodes: [0, 1] },
    );
    return new Map(parseMetadataLines(result.stdout).map((meta) => [meta.name, meta]));
  }

  async create(spec: ContainerSpec): Promise<void> {
    const name = assertContainerName(spec.name);
    const ip = assertContainerIp(spec.ip);
    const limits = assertLimits(spec.limits);
    const env = assertEnv(spec.env);
    const hostname = assertHostname(spec.hostname ?? name);
    if (!supportsTemplate(spec.template.kind))
      throw this.commands.failure({
        argv: ["create", name],
        reason: "unsupported",
        message: `lxc engine cannot create from template kind "${spec.template.kind}"`,
      });
    if (await this.readMetadata(name)) return; // complete from an earlier call
    await this.prepareHost();
    const mhzPerCore = await this.hostMhzPerCore();
    // Leftovers of an interrupted create (its disk image may still be mounted): start over from nothing.
    if ((await this.commands.run(["test", "-e", this.dir(name)])).code === 0) await this.removeLeftovers(name);
    const timeoutMs = Math.max(this.node.timeoutMs ?? 0, 120_000);
    const mainConfig = await provisionTemplate(
      { commands: this.commands, lxcPath: this.lxcPath, spec, hostname, timeoutMs, idmap: NODE_IDMAP },
      spec.template,
    );
    const subnet = parseCidr(this.settings.subnetCidr);
    const own = isInSubnet(ip, subnet);
    const metadata: ContainerMetadata = {
      name,
      ip,
      hostname,
      limits,
      env,
      template: spec.template,
      prefix: own ? subnet.prefix : 24,
      gateway: own ? this.settings.gatewayIp : homeGatewayFor(ip),
      idmap: NODE_IDMAP,
      diskImage: true,
    };
    await this.writeContainerConfig({ metadata, mhzPerCore, mainConfig });
    // Written last: its presence is what marks the container as completely created.
    await writeNodeFile({
      commands: this.commands,
      path: `${this.dir(name)}/${METADATA_FILE}`,
      content: serializeMetadata(metadata),
    });
  }

  /**
   * Normalises the template's config and (re)writes hostplane.conf for this node. `mainConfig`:
   * the config's text when the caller has it (a create), instead of reading it back.
   */
  async writeContainerConfig(options: {
    metadata: ContainerMetadata;
    mhzPerCore?: number;
    mainConfig?: string | null;
  }): Promise<void> {
    const { metadata } = options;
    const dir = this.dir(metadata.name);
    const text = options.mainConfig ?? (await this.commands.check(["cat", "--", `${dir}/config`])).stdout;
    await writeNodeFile({
      commands: this.commands,
      path: `${dir}/config`,
      content: rewriteMainConfig({ text, lxcPath: this.lxcPath, name: metadata.name }),
    });
    const mhzPerCore = options.mhzPerCore ?? (await this.hostMhzPerCore());
    await writeNodeFile({
      commands: this.commands,
      path: `${dir}/${MANAGED_CONFIG_FILE}`,
      content: renderManagedConfig({ metadata, bridge: this.settings.bridge, mhzPerCore }),
    });
  }

  async start(name: string): Promise<void> {
    const info = await this.requireContainer(name);
    if (info.state === "running") return;
    let metadata = await this.readMetadata(name);
    if (!metadata) throw this.notFound(name, "is incompletely created");
    // Created privileged before issue 12: shifted onto a disk image and made unprivileged first.
    if (!metadata.idmap) metadata = await this.convertToUnprivileged(metadata);
    if (metadata.diskImage)
      await prepareDisk({
        commands: this.commands,
        paths: diskPathsOf({ lxcPath: this.lxcPath, name }),
        diskGib: metadata.limits.diskGib,
      });
    await this.prepareHost();
    await ensureContainerRoute({ commands: this.commands, settings: this.settings, metadata });
    // -d returns once the container reports RUNNING (network configured by LXC before init): no polling.
    const argv = ["lxc-start", "-P", this.lxcPath, "-n", name, "-d"];
    const result = await this.commands.run(argv);
    if (result.code === 0) return;
    // The bridge may have been removed behind our back: recreate it once and retry.
    this.hostReady = null;
    await this.prepareHost();
    const again = await this.commands.run(argv);
    if (again.code !== 0 && (await this.inspect(name))?.state !== "running")
      throw this.commands.failure({ argv, result: again });
  }

  async stop(name: string): Promise<void> {
    const info = await this.requireContainer(name);
    if (info.state === "stopped") return;
    const argv = ["lxc-stop", "-P", this.lxcPath, "-n", name, "-t", "10"];
    const result = await this.commands.run(argv, { timeoutMs: 30_000 });
    // Exit 2 = "not running": it stopped on its own meanwhile, which is the desired state.
    if (result.code !== 0 && result.code !== 2 && (await this.inspect(name))?.state !== "stopped")
      throw this.commands.failure({ argv, result });
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  async destroy(name: string): Promise<void> {
    assertContainerName(name);
    const metadata = await this.readMetadata(name);
    await this.removeLeftovers(name);
    if (metadata) await removeContainerRoute({ commands: this.commands, settings: this.settings, ip: metadata.ip });
  }

  /**
   * Removes whatever exists of a container, in an order that works at every stage a create or a
   * destroy may have been killed in: stop it, unmount its disk image (lxc-destroy cannot delete
   * a directory with a mount below it), let lxc-destroy drop it (and its entry in the template's
   * lxc_snapshots), then delete what is left. Idempotent.
   */
  private async removeLeftovers(name: string): Promise<void> {
    const info = await this.inspectForRemoval(name);
    if (info && info.state !== "stopped")
      await this.commands.check(["lxc-stop", "-P", this.lxcPath, "-n", name, "-k"], { okCodes: [0, 2] });
    await releaseDisk(this.commands, diskPathsOf({ lxcPath: this.lxcPath, name }));
    if (info) await this.commands.check(["lxc-destroy", "-P", this.lxcPath, "-n", name, "-f"], { timeoutMs: 60_000 });
    await this.commands.check(["rm", "-rf", "--", this.dir(name)]);
  }

  /**
   * Converts a container created privileged (before issue 12) in place, keeping its data: its
   * writable layer (rootfs, or overlay upper directory) is copied with tar into a new disk image
   * of its disk limit by a tar running as the container's mapped root, which shifts every owner
   * into the id map; a snapshot clone is re-based onto the current (shifted) template of its
   * stack. The new config and metadata are written before the old layer is deleted, so a
   * conversion killed midway starts over from the untouched old layer.
   */
  async convertToUnprivileged(metadata: ContainerMetadata): Promise<ContainerMetadata> {
    const { name } = metadata;
    await this.prepareHost();
    const dir = this.dir(name);
    const idmap = NODE_IDMAP;
    const config = await this.commands.check(["cat", "--", `${dir}/config`]);
    const overlay = isOverlayRootfs(config.stdout);
    const oldLayer = overlay ? `${dir}/overlay/delta` : `${dir}/rootfs`;
    const newLayer = `${dir}/${DISK_MOUNT_DIR}/${overlay ? "delta" : "rootfs"}`;
    let template = metadata.template;
    let rootfsLine = `lxc.rootfs.path = dir:${newLayer}`;
    if (overlay) {
      const stackId =
        template.kind === "clone" ? /^hpt-([a-z0-9]+)-[0-9a-f]{8}$/.exec(template.source)?.[1] : undefined;
      if (!stackId || template.kind !== "clone")
        throw this.commands.failure({
          argv: ["convert", name],
          reason: "unsupported",
          message: `${name} is a privileged snapshot of a template that is not a stack template: recreate it`,
        });
      const current = await ensureStackTemplate({ engineNode: this.node, runner: this.runner, stackId });
      template = { ...template, source: current.templateName };
      rootfsLine = `lxc.rootfs.path = overlay:${this.dir(current.templateName)}/rootfs:${newLayer}`;
    }
    const archive = `${dir}/convert.tar`;
    await this.commands.check(["chmod", "0711", "--", dir]);
    await createDiskImage({
      commands: this.commands,
      paths: diskPathsOf({ lxcPath: this.lxcPath, name }),
      diskGib: metadata.limits.diskGib,
      idmap,
    });
    const exclude = overlay ? [] : ["--exclude=./dev/*"];
    await this.commands.check(["tar", "--numeric-owner", ...exclude, "-C", oldLayer, "-cf", archive, "."], {
      timeoutMs: 30 * 60_000,
    });
    await this.commands.check(asMappedRoot(idmap, ["mkdir", "-p", "--", newLayer]));
    await this.commands.check(asMappedRoot(idmap, ["tar", "--numeric-owner", "-xpf", archive, "-C", newLayer]), {
      timeoutMs: 30 * 60_000,
    });
    await writeNodeFile({
      commands: this.commands,
      path: `${dir}/config`,
      content: config.stdout.replace(/^\s*lxc\.rootfs\.path\s*=.*$/m, rootfsLine),
    });
    const converted: ContainerMetadata = { ...metadata, template, idmap, diskImage: true };
    await this.writeContainerConfig({ metadata: converted });
    await writeNodeFile({
      commands: this.commands,
      path: `${dir}/${METADATA_FILE}`,
      content: serializeMetadata(converted),
    });
    await this.commands.check(["rm", "-rf", "--", archive, overlay ? `${dir}/overlay` : oldLayer], {
      timeoutMs: 10 * 60_000,
    });
    return converted;
  }

  /** Replaces this node's firewall tables with the rules for the given policy (see firewall.ts). */
  async applyNetworkPolicy(policy: NodeNetworkPolicy): Promise<void> {
    await applyNodeFirewall({ commands: this.commands, settings: this.settings, policy });
  }

  async setLimits(name: string, limits: ContainerLimits): Promise<void> {
    assertLimits(limits);
    const info = await this.requireContainer(name);
    const metadata = await this.readMetadata(name);
    if (!metadata) throw this.notFound(name, "is incompletely created");
    const updated = { ...metadata, limits };
    // A larger disk grows the image (online when the kernel allows it, else at the next start);
    // a smaller one keeps the image's size.
    if (metadata.diskImage && limits.diskGib > metadata.limits.diskGib)
      await growDisk({
        commands: this.commands,
        paths: diskPathsOf({ lxcPath: this.lxcPath, name }),
        diskGib: limits.diskGib,
      });
    const mhzPerCore = await this.hostMhzPerCore();
    await writeNodeFile({
      commands: this.commands,
      path: `${this.dir(name)}/${MANAGED_CONFIG_FILE}`,
      content: renderManagedConfig({ metadata: updated, bridge: this.settings.bridge, mhzPerCore }),
    });
    await writeNodeFile({
      commands: this.commands,
      path: `${this.dir(name)}/${METADATA_FILE}`,
      content: serializeMetadata(updated),
    });
    if (info.state !== "running") return;
    // Live vertical scaling: the same values, applied to the running container's cgroups.
    for (const [key, value] of Object.entries(cgroupV1Values({ limits, mhzPerCore }))) {
      await this.commands.check(["lxc-cgroup", "-P", this.lxcPath, "-n", name, key, value]);
    }
  }

  async exec(name: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new TypeError("exec needs a command");
    const info = await this.requireContainer(name);
    if (info.state !== "running")
      throw this.commands.failure({
        argv: ["lxc-attach", name],
        reason: "invalid_input",
        message: `${name} is ${info.state}, not running`,
      });
    const metadata = await this.readMetadata(name);
    const envArgs = Object.entries(metadata?.env ?? {}).flatMap(([key, value]) => ["-v", `${key}=${value}`]);
    // Everything after "--" belongs to the command inside the container, leading dashes included.
    const result = await this.commands.run(
      ["lxc-attach", "-P", this.lxcPath, "-n", name, "--clear-env", "-v", EXEC_PATH, ...envArgs, "--", ...argv],
      options,
    );
    return { code: result.code, stdout: result.stdout, stderr: result.stderr };
  }

  stats(): Promise<ContainerStats[]> {
    return collectStats({ commands: this.commands, lxcPath: this.lxcPath });
  }

  async migrate(name: string, target: MigrationTarget): Promise<void> {
    assertContainerName(name);
    if (target.node.engine !== "lxc")
      throw this.commands.failure({
        argv: ["migrate", name],
        reason: "unsupported",
        message: "lxc containers migrate only to lxc nodes",
      });
    await migrateLxc({ source: this, target: new LxcEngine(target.node, target.runner), name });
  }

  /** cgroup v1 directories of a running container (tests and diagnostics read limits there). */
  async cgroupDirs(name: string): Promise<Map<string, string>> {
    const info = await this.requireContainer(name);
    if (info.pid === null) throw this.notFound(name, "is not running");
    return cgroupDirsOf({ commands: this.commands, pid: info.pid });
  }

  async requireContainer(name: string): Promise<{ state: ObservedContainer["state"]; pid: number | null }> {
    const info = await this.inspect(name);
    if (!info) throw this.notFound(name, "does not exist");
    return info;
  }

  private notFound(name: string, what: string): EngineError {
    return this.commands.failure({
      argv: ["lxc-info", "-n", name],
      reason: "not_found",
      message: `container ${name} ${what} in ${this.lxcPath}`,
    });
  }

  /** What every container of this node needs from the host: its bridge, root's id range (idrange.ts), the lxcpath. */
  prepareHost(): Promise<void> {
    this.hostReady ??= Promise.all([
      ensureBridge({ commands: this.commands, settings: this.settings }),
      ensureRootIdRange(this.commands, NODE_IDMAP),
      this.commands.check(["mkdir", "-p", "--", this.lxcPath]),
    ])
      .then(() => undefined)
      .catch((error: unknown) => {
        this.hostReady = null;
        throw error;
      });
    return this.hostReady;
  }

  private async hostMhzPerCore(): Promise<number> {
    this.mhzPerCore ??= this.settings.mhzPerCore ?? (await this.probe()).mhzPerCore;
    return this.mhzPerCore > 0 ? this.mhzPerCore : 1000;
  }
}
