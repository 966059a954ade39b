import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { loadRatingOf, type LoadRating } from "@/lib/format";
import { allocatableOf, overAllocatedResources, type AllocatedResource } from "@/lib/orchestrator/scheduler";
import { STACKS } from "@/lib/stacks/catalog";
import { getRecipe, recipeHash } from "@/lib/stacks/recipes";
import { db, type Db } from "./client";
import { assertAdmin } from "./guard";

export type NodeListItem = {
  id: string;
  name: string;
  regionId: string;
  regionName: string;
  engine: "LXC" | "VIRTUOZZO" | "SIM";
  transport: "LOCAL" | "SSH";
  address: string;
  status: "ACTIVE" | "MAINTENANCE" | "EVACUATING" | "OFFLINE";
  capacity: {
    ramMib: number;
    cpuMhz: number;
    diskGib: number;
    maxContainers: number;
    cores: number;
    mhzPerCore: number;
  };
  /** What placement may reserve: physical × the region's ratio (the scheduler's allocatableOf). */
  allocatable: { ramMib: number; cpuMhz: number; diskGib: number };
  ratios: { cpu: number; ram: number; disk: number };
  /** Resources whose reserved total exceeds the allocatable amount: nothing new lands on the node. */
  overAllocated: AllocatedResource[];
  reserved: { ramMib: number; cpuMhz: number; diskGib: number; containers: number; limitCloudlets: number };
  /** Real usage from the last probe (not what placement counts). */
  used: {
    memUsedMib: number;
    memTotalMib: number;
    swapUsedMib: number;
    swapTotalMib: number;
    diskUsedGib: number;
    diskTotalGib: number;
    loadAvg5: number;
  };
  load: LoadRating;
  containers: number;
  overcommitRatio: number;
  labels: Record<string, string>;
  lastSeenAt: Date | null;
  lastError: string | null;
};

// Only these columns ever leave lib/db: never sshKeyEncrypted, never the raw host key.
const listSelect = {
  id: true,
  name: true,
  regionId: true,
  region: { select: { name: true, cpuAllocationRatio: true, ramAllocationRatio: true, diskAllocationRatio: true } },
  engine: true,
  transport: true,
  sshHost: true,
  sshPort: true,
  status: true,
  ramMib: true,
  cpuMhz: true,
  diskGib: true,
  maxContainers: true,
  cores: true,
  mhzPerCore: true,
  reservedRamMib: true,
  reservedCpuMhz: true,
  reservedDiskGib: true,
  reservedContainers: true,
  reservedLimitCloudlets: true,
  memUsedMib: true,
  memTotalMib: true,
  swapUsedMib: true,
  swapTotalMib: true,
  diskUsedGib: true,
  diskTotalGib: true,
  loadAvg5: true,
  overcommitRatio: true,
  labels: true,
  lastSeenAt: true,
  lastError: true,
  _count: { select: { containers: true } },
} as const;

type ListRow = Db.Prisma.HardwareNodeGetPayload<{ select: typeof listSelect }>;

function toListItem(n: ListRow): NodeListItem {
  const used = {
    memUsedMib: n.memUsedMib,
    memTotalMib: n.memTotalMib,
    swapUsedMib: n.swapUsedMib,
    swapTotalMib: n.swapTotalMib,
    diskUsedGib: n.diskUsedGib,
    diskTotalGib: n.diskTotalGib,
    loadAvg5: n.loadAvg5,
  };
  const ratios = {
    cpu: n.region.cpuAllocationRatio,
    ram: n.region.ramAllocationRatio,
    disk: n.region.diskAllocationRatio,
  };
  const capacity = { ramMib: n.ramMib, cpuMhz: n.cpuMhz, diskGib: n.diskGib, maxContainers: n.maxContainers };
  const reserved = {
    ramMib: n.reservedRamMib,
    cpuMhz: n.reservedCpuMhz,
    diskGib: n.reservedDiskGib,
    containers: n.reservedContainers,
    limitCloudlets: n.reservedLimitCloudlets,
  };
  const snapshot = { capacity, reserved, allocationRatios: ratios };
  return {
    id: n.id,
    name: n.name,
    regionId: n.regionId,
    regionName: n.region.name,
    engine: n.engine,
    transport: n.transport,
    address: n.transport === "SSH" ? `${n.sshHost}:${n.sshPort ?? 22}` : "this machine",
    status: n.status,
    capacity: {
      ramMib: n.ramMib,
      cpuMhz: n.cpuMhz,
      diskGib: n.diskGib,
      maxContainers: n.maxContainers,
      cores: n.cores,
      mhzPerCore: n.mhzPerCore,
    },
    allocatable: allocatableOf(snapshot),
    ratios,
    overAllocated: overAllocatedResources(snapshot),
    reserved,
    used,
    load: loadRatingOf({ ...used, cores: n.cores }),
    containers: n._count.containers,
    overcommitRatio: n.overcommitRatio,
    labels: (n.labels ?? {}) as Record<string, string>,
    lastSeenAt: n.lastSeenAt,
    lastError: n.lastError,
  };
}

export const NODE_SORT_KEYS = [
  "name",
  "region",
  "engine",
  "status",
  "load",
  "ram",
  "cpu",
  "disk",
  "containers",
] as const;
export type NodeSortKey = (typeof NODE_SORT_KEYS)[number];

const sorters: Record<NodeSortKey, (a: NodeListItem, b: NodeListItem) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  region: (a, b) => a.regionName.localeCompare(b.regionName) || a.name.localeCompare(b.name),
  engine: (a, b) => a.engine.localeCompare(b.engine) || a.name.localeCompare(b.name),
  status: (a, b) => a.status.localeCompare(b.status) || a.name.localeCompare(b.name),
  load: (a, b) => a.load.mark - b.load.mark,
  ram: (a, b) =>
    a.reserved.ramMib / Math.max(1, a.allocatable.ramMib) - b.reserved.ramMib / Math.max(1, b.allocatable.ramMib),
  cpu: (a, b) =>
    a.reserved.cpuMhz / Math.max(1, a.allocatable.cpuMhz) - b.reserved.cpuMhz / Math.max(1, b.allocatable.cpuMhz),
  disk: (a, b) =>
    a.reserved.diskGib / Math.max(1, a.allocatable.diskGib) - b.reserved.diskGib / Math.max(1, b.allocatable.diskGib),
  containers: (a, b) => a.containers - b.containers,
};

export async function listNodes(options: {
  actor: Actor;
  sort?: NodeSortKey;
  dir?: "asc" | "desc";
  regionId?: string;
}): Promise<NodeListItem[]> {
  assertAdmin(options.actor);
  const rows = await db.hardwareNode.findMany({
    where: options.regionId ? { regionId: options.regionId } : {},
    select: listSelect,
    orderBy: { name: "asc" },
  });
  const items = rows.map(toListItem);
  const sorter = sorters[options.sort ?? "name"];
  items.sort((a, b) => (options.dir === "desc" ? -sorter(a, b) : sorter(a, b)));
  return items;
}

export type NodeDetail = NodeListItem & {
  sshUser: string | null;
  hostKeyFingerprint: string | null;
  lxcPath: string | null;
  bridge: string | null;
  subnet: string;
  facts: Record<string, unknown>;
  createdAt: Date;
};

export async function getNode(options: { actor: Actor; nodeId: string }): Promise<NodeDetail | null> {
  assertAdmin(options.actor);
  const row = await db.hardwareNode.findUnique({
    where: { id: options.nodeId },
    select: {
      ...listSelect,
      sshUser: true,
      hostKeyFingerprint: true,
      lxcPath: true,
      bridge: true,
      subnet: true,
      facts: true,
      createdAt: true,
    },
  });
  if (!row) return null;
  return {
    ...toListItem(row),
    sshUser: row.sshUser,
    hostKeyFingerprint: row.hostKeyFingerprint,
    lxcPath: row.lxcPath,
    bridge: row.bridge,
    subnet: row.subnet,
    facts: (row.facts ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}

export type NodeOperationItem = {
  id: string;
  kind: string;
  status: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  environmentName: string | null;
  userEmail: string | null;
};

export async function listNodeOperations(options: {
  actor: Actor;
  nodeId: string;
  take?: number;
}): Promise<NodeOperationItem[]> {
  assertAdmin(options.actor);
  const rows = await db.operation.findMany({
    where: { hardwareNodeId: options.nodeId },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 20,
    select: {
      id: true,
      kind: true,
      status: true,
      error: true,
      errorDetail: true,
      createdAt: true,
      finishedAt: true,
      environment: { select: { name: true } },
      user: { select: { email: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    // Admin-only list: the engine's detail when there is one.
    error: r.errorDetail ?? r.error,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    environmentName: r.environment?.name ?? null,
    userEmail: r.user?.email ?? null,
  }));
}

export type LocalNodeStatus = { available: boolean; reason?: string; fix?: string; checkedAt?: string } | null;

/** Written by ensureLocalNode on start: why this machine is not a hardware node, and the fix. */
export async function getLocalNodeStatus(options: { actor: Actor }): Promise<LocalNodeStatus> {
  assertAdmin(options.actor);
  const row = await db.setting.findUnique({ where: { key: "localNodeStatus" } });
  return (row?.value as LocalNodeStatus) ?? null;
}

export type NodeTemplateItem = {
  stackId: string;
  displayName: string;
  /** The recipe's version and the first 8 hex digits of its hash (what the template name carries). */
  recipeVersion: string;
  state: "ready" | "queued" | "building" | "failed" | "missing" | "deleted";
  /** The last recorded phase of an open build ("50 % · apt-get install …"). */
  progress: string | null;
  sizeMib: number | null;
  buildMs: number | null;
  finishedAt: Date | null;
  error: string | null;
  trigger: string | null;
  operationId: string | null;
};

/** The node's stack templates as its TEMPLATE operations record them (lxc nodes only; [] otherwise). */
export async function listNodeTemplates(options: { actor: Actor; nodeId: string }): Promise<NodeTemplateItem[]> {
  assertAdmin(options.actor);
  const node = await db.hardwareNode.findUnique({ where: { id: options.nodeId }, select: { engine: true } });
  if (node?.engine !== "LXC") return [];
  const ops = await db.operation.findMany({
    where: { kind: "TEMPLATE", hardwareNodeId: options.nodeId },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      status: true,
      input: true,
      error: true,
      finishedAt: true,
      steps: { orderBy: { position: "desc" }, take: 1, select: { message: true } },
    },
  });
  return STACKS.filter((s) => s.debianTemplate).map((stack) => {
    const version = recipeHash(stack.id).slice(0, 8);
    const recipe = getRecipe(stack.id);
    const mine = ops.filter((o) => (o.input as { stackId?: string }).stackId === stack.id);
    const latest = mine.find((o) => (o.input as { recipeHash?: string }).recipeHash === version) ?? null;
    const input = (latest?.input ?? {}) as { action?: string; sizeMib?: number; buildMs?: number; trigger?: string };
    const state: NodeTemplateItem["state"] = !latest
      ? "missing"
      : latest.status === "PENDING"
        ? "queued"
        : latest.status === "RUNNING"
          ? "building"
          : latest.status === "SUCCEEDED"
            ? input.action === "delete"
              ? "deleted"
              : "ready"
            : "failed";
    return {
      stackId: stack.id,
      displayName: stack.displayName,
      recipeVersion: `v${recipe?.version ?? 1} · ${version}`,
      state,
      progress: state === "building" || state === "queued" ? (latest?.steps[0]?.message ?? null) : null,
      sizeMib: state === "ready" ? (input.sizeMib ?? null) : null,
      buildMs: state === "ready" ? (input.buildMs ?? null) : null,
      finishedAt: latest?.finishedAt ?? null,
      error: state === "failed" ? (latest?.error ?? null) : null,
      trigger: input.trigger ?? null,
      operationId: latest?.id ?? null,
    };
  });
}
