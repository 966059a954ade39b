// Hardware nodes: test a connection, enrol (sealed key, pinned host key, a /24 from the region's
// pool), maintenance, facts refresh, capacity updates and decommission.
import { mkdtemp, rm, unlink } from "node:fs/promises";
import { logIgnored } from "@/lib/log";
import { tmpdir } from "node:os";
import path from "node:path";
import { db, type Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, isAppError } from "@/lib/errors";
import { sealSecret } from "@/lib/crypto/secret-box";
import {
  createEngine,
  type ContainerEngine,
  type EngineNodeConfig,
  type ProbeResult,
} from "@/lib/orchestrator/engines";
import { LocalRunner, SshRunner, scanHostKey, type CommandRunner } from "@/lib/orchestrator/transport";
import {
  defaultLxcPath,
  pickBridgeName,
  type EnrolNodeInput,
  type NodeConnectionInput,
  type UpdateNodeInput,
} from "@/lib/validation/nodes";
import { cidrContains, nextFreeSubnet, parseCidr } from "@/lib/validation/regions";
import { parseMeminfo } from "@/lib/orchestrator/engines/host-facts";
import { engineAndRunnerFor, forgetEngine, gatewayOf, knownHostsDir } from "./node-engine";
import { audited, type AdminActor, type AuditContext } from "./regions";

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** What the admin sees after "Test connection" and what enrolment stores in `facts`. */
export type NodeFacts = {
  engine: "lxc" | "virtuozzo" | "sim";
  engineVersion: string;
  simulated: boolean;
  cores: number;
  mhzPerCore: number;
  ramMib: number;
  diskTotalGib: number;
  diskFreeGib: number;
  loadAverage: [number, number, number];
  swapTotalMib: number;
  swapUsedMib: number;
  /** MemTotal − MemAvailable from /proc/meminfo; the simulated engine reports none (0). */
  memUsedMib: number;
  probedAt: string;
};

export type HostKeyInfo = { type: string; fingerprint: string };

export function factsOf(probe: ProbeResult, memUsedMib = 0): NodeFacts {
  return {
    engine: probe.engine,
    engineVersion: probe.engineVersion,
    simulated: probe.simulated,
    cores: probe.cpuCores,
    mhzPerCore: probe.mhzPerCore,
    ramMib: Math.floor(probe.ramBytes / MIB),
    diskTotalGib: Math.floor(probe.diskTotalBytes / GIB),
    diskFreeGib: Math.floor(probe.diskFreeBytes / GIB),
    loadAverage: probe.loadAverage,
    swapTotalMib: Math.floor(probe.swapTotalBytes / MIB),
    swapUsedMib: Math.floor(Math.max(0, probe.swapTotalBytes - probe.swapFreeBytes) / MIB),
    memUsedMib,
    probedAt: new Date().toISOString(),
  };
}

/** Observed-load columns of a HardwareNode row from a probe. */
export function observedColumns(facts: NodeFacts) {
  return {
    memTotalMib: facts.ramMib,
    memUsedMib: facts.memUsedMib,
    swapTotalMib: facts.swapTotalMib,
    swapUsedMib: facts.swapUsedMib,
    diskTotalGib: facts.diskTotalGib,
    diskUsedGib: Math.max(0, facts.diskTotalGib - facts.diskFreeGib),
    loadAvg5: facts.loadAverage[1],
    facts: facts as unknown as object,
    lastSeenAt: new Date(),
    lastError: null,
  };
}

type ProbeTarget = NodeConnectionInput & { bridge?: string; subnet?: string; hostKey?: { type: string; key: string } };

function engineConfig(target: ProbeTarget): EngineNodeConfig {
  const config: EngineNodeConfig = { name: target.name, engine: target.engine, timeoutMs: 30_000 };
  if (target.engine === "lxc") {
    const subnet = target.subnet ?? "10.213.255.0/24";
    config.lxc = {
      lxcPath: target.lxcPath ?? defaultLxcPath(target.name),
      bridge: target.bridge ?? "hp-probe",
      subnetCidr: subnet,
      gatewayIp: gatewayOf(subnet),
    };
  }
  if (target.engine === "sim") config.sim = { latencyMs: { min: 0, max: 0 }, failureRate: 0 };
  return config;
}

/** The probe reports total memory only; "used" for the load mark comes from MemAvailable. */
async function readMemUsedMib(runner: CommandRunner): Promise<number> {
  const result = await runner.run(["cat", "/proc/meminfo"], { timeoutMs: 15_000 });
  if (result.code !== 0) return 0;
  const mem = parseMeminfo(result.stdout);
  return Math.floor(Math.max(0, (mem.MemTotal ?? 0) - (mem.MemAvailable ?? mem.MemFree ?? 0)) / MIB);
}

export async function probeNode(o: { engine: ContainerEngine; runner: CommandRunner | null }): Promise<NodeFacts> {
  const probe = await o.engine.probe();
  const memUsed = probe.simulated || !o.runner ? 0 : await readMemUsedMib(o.runner);
  return factsOf(probe, memUsed);
}

/** Probes through the engine with a one-off runner; SSH pins the key the caller scanned. */
async function probeTarget(target: ProbeTarget): Promise<NodeFacts> {
  let runner: CommandRunner;
  let cleanup = async () => {};
  if (target.transport === "ssh") {
    const dir = await mkdtemp(path.join(tmpdir(), "hp-probe-"));
    const ssh = new SshRunner({
      host: target.sshHost!,
      port: target.sshPort,
      user: target.sshUser,
      privateKey: target.sshPrivateKey!,
      hostKey: target.hostKey!,
      knownHostsFile: path.join(dir, "known_hosts"),
      multiplex: false,
      connectTimeoutSec: 10,
    });
    runner = ssh;
    cleanup = async () => {
      await ssh.close().catch(logIgnored("closing the probe SSH connection"));
      await rm(dir, { recursive: true, force: true });
    };
  } else {
    runner = new LocalRunner();
  }
  try {
    return await probeNode({ engine: createEngine(engineConfig(target), runner), runner });
  } catch (error) {
    // Engine and transport errors carry argv and a stderr excerpt, never the key (it lives in a file).
    const message = `The probe failed: ${(error as Error).message}`.slice(0, 600);
    throw new AppError("ENGINE_FAILED", message);
  } finally {
    await cleanup();
  }
}

async function scan(target: { sshHost?: string; sshPort: number }) {
  try {
    return await scanHostKey({ host: target.sshHost!, port: target.sshPort, timeoutMs: 8_000 });
  } catch {
    const message = `No SSH host key answered at ${target.sshHost}:${target.sshPort}. Check the host, the port and that sshd runs.`;
    throw new AppError("ENGINE_FAILED", message, { fieldErrors: { sshHost: [message] } });
  }
}

/**
 * Step one of enrolment. For SSH the host key is scanned and its SHA256 fingerprint returned for
 * the admin to compare with the node's own (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`).
 * The probe itself already pins that scanned key; nothing is stored.
 */
export async function testNodeConnection(o: {
  actor: AdminActor;
  input: NodeConnectionInput;
  ip?: string | null;
}): Promise<{ hostKey: HostKeyInfo | null; facts: NodeFacts }> {
  return audited({ actor: o.actor, ip: o.ip, action: "node.test-connection", targetType: "node" }, async (ctx) => {
    const { input } = o;
    ctx.detail = { name: input.name, engine: input.engine, transport: input.transport, host: input.sshHost ?? null };
    let hostKey: HostKeyInfo | null = null;
    let pinned: { type: string; key: string } | undefined;
    if (input.transport === "ssh") {
      const scanned = await scan(input);
      hostKey = { type: scanned.type, fingerprint: scanned.fingerprint };
      pinned = { type: scanned.type, key: scanned.key };
      ctx.detail.fingerprint = scanned.fingerprint;
    }
    const facts = await probeTarget({ ...input, hostKey: pinned });
    return { hostKey, facts };
  });
}

const conflict = (field: string, message: string) =>
  new AppError("CONFLICT", message, { fieldErrors: { [field]: [message] } });

async function chooseSubnet(o: { regionPool: string; requested?: string }): Promise<string> {
  const used = (await db.hardwareNode.findMany({ select: { subnet: true } })).map((n) => n.subnet);
  if (o.requested) {
    if (!cidrContains(parseCidr(o.regionPool)!, parseCidr(o.requested)!))
      throw conflict("subnet", `${o.requested} is outside the region's pool ${o.regionPool}.`);
    if (used.includes(o.requested)) throw conflict("subnet", `${o.requested} already belongs to another node.`);
    return o.requested;
  }
  const free = nextFreeSubnet({ pool: o.regionPool, used });
  if (!free)
    throw new AppError(
      "NO_CAPACITY",
      `The region's pool ${o.regionPool} has no free /24 left. Widen the pool on the Regions page.`,
    );
  return free;
}

async function chooseBridge(o: { name: string; requested?: string }): Promise<string> {
  const taken = (await db.hardwareNode.findMany({ where: { bridge: { not: null } }, select: { bridge: true } })).map(
    (n) => n.bridge!,
  );
  if (o.requested) {
    if (taken.includes(o.requested))
      throw conflict("bridge", `The bridge ${o.requested} already belongs to another node.`);
    return o.requested;
  }
  return pickBridgeName({ name: o.name, taken });
}

/**
 * Step two: stores the node. For SSH the host key is scanned again and must match the fingerprint
 * the admin confirmed, otherwise the node is refused (a changed key may be a different machine).
 */
export async function enrolNode(o: {
  actor: AdminActor;
  input: EnrolNodeInput;
  ip?: string | null;
}): Promise<{ id: string; name: string; facts: NodeFacts }> {
  return audited({ actor: o.actor, ip: o.ip, action: "node.enrol", targetType: "node" }, async (ctx) => {
    const { input } = o;
    ctx.detail = { name: input.name, engine: input.engine, transport: input.transport, host: input.sshHost ?? null };
    const region = await requireFreeNameAndRegion(input);
    const hostKey = await verifyHostKey(input, ctx);
    const subnet = await chooseSubnet({ regionPool: region.subnetPool, requested: input.subnet });
    const isLxc = input.engine === "lxc";
    const bridge = isLxc ? await chooseBridge({ name: input.name, requested: input.bridge }) : null;
    const lxcPath = isLxc ? (input.lxcPath ?? defaultLxcPath(input.name)) : null;
    const facts = await probeTarget({
      ...input,
      lxcPath: lxcPath ?? undefined,
      bridge: bridge ?? undefined,
      subnet,
      hostKey: hostKey ?? undefined,
    });
    try {
      const node = await db.$transaction(async (tx) => {
        const created = await tx.hardwareNode.create({
          data: enrolledNodeRow({ input, regionId: region.id, hostKey, subnet, bridge, lxcPath, facts }),
          select: { id: true, name: true },
        });
        ctx.targetId = created.id;
        Object.assign(ctx.detail, { subnet, bridge, lxcPath, region: region.name });
        await ctx.commit(tx);
        return created;
      });
      return { ...node, facts };
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict("name", "Another node took this name, subnet or bridge a moment ago. Try again.");
      throw error;
    }
  });
}

type EnrolInput = EnrolNodeInput;
type ScannedHostKey = { type: string; key: string; fingerprint: string };

async function requireFreeNameAndRegion(input: EnrolInput) {
  if (await db.hardwareNode.findUnique({ where: { name: input.name }, select: { id: true } }))
    throw conflict("name", `A node named ${input.name} already exists.`);
  const region = await db.region.findUnique({ where: { id: input.regionId } });
  if (!region) throw conflict("regionId", "That region does not exist.");
  return region;
}

/** SSH only: scans the host key again; it must be the one the admin confirmed after testing the connection. */
async function verifyHostKey(input: EnrolInput, ctx: AuditContext): Promise<ScannedHostKey | null> {
  if (input.transport !== "ssh") return null;
  const scanned = await scan(input);
  if (scanned.fingerprint !== input.hostKeyFingerprint) {
    ctx.detail.expected = input.hostKeyFingerprint;
    ctx.detail.scanned = scanned.fingerprint;
    throw conflict(
      "hostKeyFingerprint",
      `The host key of ${input.sshHost}:${input.sshPort} is now ${scanned.fingerprint}, not the ${input.hostKeyFingerprint} you confirmed. Nothing was saved: find out why the key changed, then test the connection again.`,
    );
  }
  ctx.detail.fingerprint = scanned.fingerprint;
  return { type: scanned.type, key: scanned.key, fingerprint: scanned.fingerprint };
}

/** The HardwareNode row: what the admin entered, else what the probe found (capacity, CPU speed). */
function enrolledNodeRow(o: {
  input: EnrolInput;
  regionId: string;
  hostKey: ScannedHostKey | null;
  subnet: string;
  bridge: string | null;
  lxcPath: string | null;
  facts: NodeFacts;
}) {
  const { input, hostKey, facts } = o;
  const cores = input.cores ?? facts.cores;
  const mhzPerCore = input.mhzPerCore ?? (facts.mhzPerCore > 0 ? facts.mhzPerCore : 2000);
  const ssh = input.transport === "ssh";
  return {
    name: input.name,
    regionId: o.regionId,
    engine: input.engine === "lxc" ? "LXC" : input.engine === "virtuozzo" ? "VIRTUOZZO" : "SIM",
    transport: ssh ? "SSH" : "LOCAL",
    sshHost: ssh ? input.sshHost : null,
    sshPort: ssh ? input.sshPort : null,
    sshUser: ssh ? input.sshUser : null,
    sshKeyEncrypted: ssh ? sealSecret(input.sshPrivateKey!) : null,
    hostKey: hostKey ? `${hostKey.type} ${hostKey.key}` : null,
    hostKeyFingerprint: hostKey?.fingerprint ?? null,
    lxcPath: o.lxcPath,
    bridge: o.bridge,
    subnet: o.subnet,
    labels: input.labels,
    overcommitRatio: input.overcommitRatio ?? 1,
    ramMib: input.ramMib ?? facts.ramMib,
    cores,
    mhzPerCore,
    cpuMhz: cores * mhzPerCore,
    diskGib: input.diskGib ?? facts.diskTotalGib,
    maxContainers: input.maxContainers ?? 100,
    ...observedColumns(facts),
  } satisfies Db.Prisma.HardwareNodeUncheckedCreateInput;
}

async function requireNode(nodeId: string) {
  const node = await db.hardwareNode.findUnique({ where: { id: nodeId } });
  if (!node) throw new AppError("NOT_FOUND", "That hardware node does not exist.");
  return node;
}

/** Maintenance: running containers keep running; the scheduler places nothing new on non-ACTIVE nodes. */
export async function setNodeStatus(o: {
  actor: AdminActor;
  nodeId: string;
  status: "ACTIVE" | "MAINTENANCE";
  ip?: string | null;
}) {
  return audited(
    { actor: o.actor, ip: o.ip, action: "node.status", targetType: "node", targetId: o.nodeId },
    async (ctx) => {
      const input = { nodeId: o.nodeId, status: o.status };
      const node = await requireNode(input.nodeId);
      ctx.detail = { name: node.name, from: node.status, to: input.status };
      if (node.status === "EVACUATING")
        throw new AppError("CONFLICT", `${node.name} is being evacuated; wait for the evacuation to finish.`);
      await db.$transaction(async (tx) => {
        const updated = await tx.hardwareNode.updateMany({
          where: { id: node.id, version: node.version },
          data: { status: input.status, version: { increment: 1 } },
        });
        if (updated.count !== 1)
          throw new AppError("CONFLICT", `${node.name} changed at the same time; reload and try again.`);
        await ctx.commit(tx);
      });
      return { id: node.id, status: input.status };
    },
  );
}

/** Removes an empty node's row. Its bridge and lxcpath stay on the host (nothing of ours runs there). */
export async function decommissionNode(o: {
  actor: AdminActor;
  nodeId: string;
  confirmName?: string;
  ip?: string | null;
}) {
  return audited(
    { actor: o.actor, ip: o.ip, action: "node.decommission", targetType: "node", targetId: o.nodeId },
    async (ctx) => {
      const input = { nodeId: o.nodeId, confirmName: o.confirmName ?? "" };
      const node = await requireNode(input.nodeId);
      ctx.detail = { name: node.name };
      if (o.confirmName !== undefined && input.confirmName !== node.name) {
        throw new AppError("VALIDATION", `Type ${node.name} to confirm.`, {
          fieldErrors: { confirmName: [`Type ${node.name} exactly to confirm.`] },
        });
      }
      const containers = await db.container.count({ where: { hardwareNodeId: node.id } });
      if (containers > 0)
        throw new AppError(
          "CONFLICT",
          `${node.name} still hosts ${containers} container${containers === 1 ? "" : "s"}. Evacuate it first, then decommission.`,
        );
      // The guard sits in the delete itself, so a container placed in between keeps the node.
      await db.$transaction(async (tx) => {
        const deleted = await tx.hardwareNode.deleteMany({ where: { id: node.id, containers: { none: {} } } });
        if (deleted.count !== 1)
          throw new AppError("CONFLICT", `${node.name} received a container meanwhile; evacuate it first.`);
        await ctx.commit(tx);
      });
      forgetEngine(node.id);
      // A node enrolled without SSH has no pinned key file; anything else is worth a line in the log.
      await unlink(path.join(knownHostsDir(), node.id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") logIgnored("removing the node's pinned host key")(error);
      });
      return { id: node.id };
    },
  );
}

/** Probes the node again and stores what it reports; a failure is kept in lastError. */
export async function refreshNodeFacts(o: {
  actor: AdminActor;
  nodeId: string;
  ip?: string | null;
}): Promise<NodeFacts> {
  return audited(
    { actor: o.actor, ip: o.ip, action: "node.refresh-facts", targetType: "node", targetId: o.nodeId },
    async (ctx) => {
      const { nodeId } = o;
      const node = await requireNode(nodeId);
      ctx.detail = { name: node.name };
      let facts: NodeFacts;
      try {
        const { engine, runner } = engineAndRunnerFor(node);
        facts = await probeNode({ engine, runner: node.engine === "SIM" ? null : runner });
      } catch (error) {
        const message = (isAppError(error) ? error.message : (error as Error).message).slice(0, 600);
        await db.hardwareNode.update({ where: { id: node.id }, data: { lastError: message } });
        throw new AppError("ENGINE_FAILED", `${node.name} did not answer the probe: ${message}`);
      }
      await db.$transaction(async (tx) => {
        await tx.hardwareNode.update({ where: { id: node.id }, data: observedColumns(facts) });
        await ctx.commit(tx);
      });
      return facts;
    },
  );
}

/** Labels, capacity overrides and overcommit; capacity may not drop below what is already reserved. */
export async function updateNode(o: { actor: AdminActor; input: UpdateNodeInput; ip?: string | null }) {
  const { nodeId } = o.input;
  return audited(
    { actor: o.actor, ip: o.ip, action: "node.update", targetType: "node", targetId: nodeId },
    async (ctx) => {
      const { input } = o;
      const node = await requireNode(input.nodeId);
      const cores = input.cores ?? node.cores;
      const mhzPerCore = input.mhzPerCore ?? node.mhzPerCore;
      const next = {
        ramMib: input.ramMib ?? node.ramMib,
        cpuMhz: cores * mhzPerCore,
        diskGib: input.diskGib ?? node.diskGib,
        maxContainers: input.maxContainers ?? node.maxContainers,
      };
      const errors: Record<string, string[]> = {};
      if (next.ramMib < node.reservedRamMib) errors.ramMib = [`${node.reservedRamMib} MiB are already reserved.`];
      if (next.cpuMhz < node.reservedCpuMhz)
        errors.cores = [`${node.reservedCpuMhz} MHz are already reserved (cores × MHz per core).`];
      if (next.diskGib < node.reservedDiskGib) errors.diskGib = [`${node.reservedDiskGib} GiB are already reserved.`];
      if (next.maxContainers < node.reservedContainers)
        errors.maxContainers = [`${node.reservedContainers} containers already run here.`];
      if (Object.keys(errors).length > 0)
        throw new AppError("CONFLICT", "Capacity cannot go below what is already reserved.", { fieldErrors: errors });
      ctx.detail = {
        name: node.name,
        ...next,
        cores,
        mhzPerCore,
        labels: input.labels,
        overcommitRatio: input.overcommitRatio,
      };
      await db.$transaction(async (tx) => {
        const updated = await tx.hardwareNode.updateMany({
          where: { id: node.id, version: node.version },
          data: {
            ...next,
            cores,
            mhzPerCore,
            labels: input.labels ?? undefined,
            overcommitRatio: input.overcommitRatio ?? undefined,
            version: { increment: 1 },
          },
        });
        if (updated.count !== 1)
          throw new AppError("CONFLICT", `${node.name} changed at the same time; reload and try again.`);
        await ctx.commit(tx);
      });
      return { id: node.id };
    },
  );
}
