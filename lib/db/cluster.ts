import "server-only";
import type { Actor } from "@/lib/auth/actor";
import packageJson from "@/package.json";
import { percentOf } from "@/lib/format";
import { db } from "./client";
import { assertAdmin } from "./guard";
import { getLocalNodeStatus, listNodes, type NodeListItem } from "./nodes";
import { listRegions, type RegionListItem } from "./regions";

/** A worker that has not beaten for this long is treated as gone. */
export const WORKER_STALE_MS = 30_000;
/** Utilisation above this share of capacity is a problem worth showing first. */
export const HOT_PERCENT = 90;

export type Problem = {
  kind: "offline" | "failed-operation" | "hot-node" | "over-allocated" | "no-worker" | "local-node" | "node-error";
  title: string;
  detail: string;
  href?: string;
};

export type ClusterOverview = {
  orchestrator: {
    version: string;
    databaseReachable: boolean;
    workers: { id: string; host: string; pid: number; lastBeat: Date; alive: boolean }[];
    workerAlive: boolean;
    /** Pending reconcile jobs in pg-boss; null when its schema does not exist yet. */
    queueDepth: number | null;
  };
  regions: (RegionListItem & { nodeItems: NodeListItem[] })[];
  totals: {
    nodes: number;
    environments: number;
    containers: number;
    users: number;
    capacity: RegionListItem["capacity"];
    allocatable: RegionListItem["allocatable"];
    reserved: RegionListItem["reserved"];
  };
  problems: Problem[];
};

async function databaseReachable(): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

async function queueDepth(): Promise<number | null> {
  try {
    const [exists] = await db.$queryRaw<
      { present: boolean }[]
    >`SELECT to_regclass('pgboss.job') IS NOT NULL AS present`;
    if (!exists?.present) return null;
    const [row] = await db.$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM pgboss.job WHERE name = 'reconcile' AND state::text IN ('created', 'retry')`;
    return Number(row?.n ?? 0);
  } catch {
    return null;
  }
}

/** Largest utilisation share of a node: reserved vs capacity and used vs total from the last probe. */
export function hottestOf(n: NodeListItem): { what: string; percent: number } {
  const candidates = [
    { what: "of allocatable RAM reserved", percent: percentOf(n.reserved.ramMib, n.allocatable.ramMib) },
    { what: "of allocatable CPU reserved", percent: percentOf(n.reserved.cpuMhz, n.allocatable.cpuMhz) },
    { what: "of allocatable disk reserved", percent: percentOf(n.reserved.diskGib, n.allocatable.diskGib) },
    { what: "container slots", percent: percentOf(n.reserved.containers, n.capacity.maxContainers) },
    { what: "used memory", percent: percentOf(n.used.memUsedMib, n.used.memTotalMib) },
    { what: "used disk", percent: percentOf(n.used.diskUsedGib, n.used.diskTotalGib) },
  ];
  return candidates.reduce((a, b) => (b.percent > a.percent ? b : a));
}

export async function getClusterOverview(options: { actor: Actor }): Promise<ClusterOverview> {
  const { actor } = options;
  assertAdmin(actor);
  const since = new Date(Date.now() - 24 * 3600_000);
  const [reachable, heartbeats, depth, regions, nodes, environments, containers, users, failed, local] =
    await Promise.all([
      databaseReachable(),
      db.workerHeartbeat.findMany({ orderBy: { lastBeat: "desc" }, take: 20 }),
      queueDepth(),
      listRegions({ actor }),
      listNodes({ actor }),
      db.environment.count(),
      db.container.count(),
      db.user.count(),
      db.operation.findMany({
        where: {
          status: "FAILED",
          OR: [{ finishedAt: { gte: since } }, { finishedAt: null, updatedAt: { gte: since } }],
        },
        orderBy: { updatedAt: "desc" },
        take: 10,
        select: {
          id: true,
          kind: true,
          error: true,
          environment: { select: { id: true, name: true } },
          hardwareNode: { select: { id: true, name: true } },
        },
      }),
      getLocalNodeStatus({ actor }),
    ]);
  const now = Date.now();
  const workers = heartbeats.map((w) => ({
    id: w.id,
    host: w.host,
    pid: w.pid,
    lastBeat: w.lastBeat,
    alive: now - w.lastBeat.getTime() <= WORKER_STALE_MS,
  }));
  const workerAlive = workers.some((w) => w.alive);

  const problems: Problem[] = [];
  for (const n of nodes.filter((n) => n.status === "OFFLINE")) {
    problems.push({
      kind: "offline",
      title: `${n.name} is offline`,
      detail: n.lastError ?? "The worker could not reach it.",
      href: `/admin/nodes/${n.id}`,
    });
  }
  for (const op of failed) {
    const where = op.environment
      ? `environment ${op.environment.name}`
      : op.hardwareNode
        ? `node ${op.hardwareNode.name}`
        : "the cluster";
    problems.push({
      kind: "failed-operation",
      title: `Operation ${op.kind} failed on ${where}`,
      detail: op.error ?? "No error recorded.",
      href: op.hardwareNode ? `/admin/nodes/${op.hardwareNode.id}` : `/admin/audit`,
    });
  }
  for (const n of nodes) {
    const hot = hottestOf(n);
    if (n.overAllocated.length > 0)
      problems.push({
        kind: "over-allocated",
        title: `${n.name} is over-allocated (${n.overAllocated.join(", ")})`,
        detail:
          "More is reserved than the region's allocation ratio allows; what runs keeps running, nothing new is placed here.",
        href: `/admin/nodes/${n.id}`,
      });
    else if (hot.percent >= HOT_PERCENT)
      problems.push({
        kind: "hot-node",
        title: `${n.name} is at ${hot.percent} % ${hot.what}`,
        detail: "New containers may not fit; add capacity or evacuate some.",
        href: `/admin/nodes/${n.id}`,
      });
    else if (n.lastError && n.status !== "OFFLINE")
      problems.push({
        kind: "node-error",
        title: `${n.name}: last probe failed`,
        detail: n.lastError,
        href: `/admin/nodes/${n.id}`,
      });
  }
  if (!workerAlive)
    problems.push({
      kind: "no-worker",
      title: "No worker",
      detail: `No worker heartbeat within ${WORKER_STALE_MS / 1000} s: environments are not provisioned until one runs (npm run worker, or the in-process worker).`,
    });
  if (local && !local.available)
    problems.push({
      kind: "local-node",
      title: "This machine is not a hardware node",
      detail: `${local.reason ?? "LXC is unavailable"}. Fix: ${local.fix ?? ""}`,
      href: "/admin/nodes",
    });

  const sum = (pick: (r: RegionListItem) => number) => regions.reduce((s, r) => s + pick(r), 0);
  return {
    orchestrator: {
      version: packageJson.version,
      databaseReachable: reachable,
      workers,
      workerAlive,
      queueDepth: depth,
    },
    regions: regions.map((r) => ({ ...r, nodeItems: nodes.filter((n) => n.regionId === r.id) })),
    totals: {
      nodes: nodes.length,
      environments,
      containers,
      users,
      capacity: {
        ramMib: sum((r) => r.capacity.ramMib),
        cpuMhz: sum((r) => r.capacity.cpuMhz),
        diskGib: sum((r) => r.capacity.diskGib),
        maxContainers: sum((r) => r.capacity.maxContainers),
      },
      allocatable: {
        ramMib: sum((r) => r.allocatable.ramMib),
        cpuMhz: sum((r) => r.allocatable.cpuMhz),
        diskGib: sum((r) => r.allocatable.diskGib),
      },
      reserved: {
        ramMib: sum((r) => r.reserved.ramMib),
        cpuMhz: sum((r) => r.reserved.cpuMhz),
        diskGib: sum((r) => r.reserved.diskGib),
        containers: sum((r) => r.reserved.containers),
      },
    },
    problems,
  };
}
