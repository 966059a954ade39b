// Glue between the pure scheduler and the database: node snapshots in, reservations committed in
// the same transaction as the rows they belong to, guarded by each node's version so that two
// concurrent requests can never overcommit a node.
import type { HardwareNode } from "@/lib/generated/prisma/client";
import {
  type AllocationRatios,
  CLOUDLET_CPU_MHZ,
  CLOUDLET_RAM_MIB,
  type HardwareNodeSnapshot,
  type ReservedDelta,
} from "@/lib/orchestrator/scheduler";
import { AppError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation, isWriteConflict } from "@/lib/db/errors";

type Tx = Db.Prisma.TransactionClient;

export class ReservationConflict extends Error {
  constructor(nodeId: string) {
    super(`node ${nodeId} changed while placing`);
  }
}

/** The Region columns that hold its allocation ratios; include them with every node a snapshot is made of. */
export const RATIO_SELECT = { cpuAllocationRatio: true, ramAllocationRatio: true, diskAllocationRatio: true } as const;
export type RegionRatios = { cpuAllocationRatio: number; ramAllocationRatio: number; diskAllocationRatio: number };
export type NodeWithRatios = HardwareNode & { region: RegionRatios };
export const NODE_WITH_RATIOS = { region: { select: RATIO_SELECT } } as const;

export function ratiosOfRegion(r: RegionRatios): AllocationRatios {
  return { cpu: r.cpuAllocationRatio, ram: r.ramAllocationRatio, disk: r.diskAllocationRatio };
}

/** A node row (with its region's ratios) as the scheduler sees it. */
export function toSnapshot(n: NodeWithRatios): HardwareNodeSnapshot {
  return {
    id: n.id,
    name: n.name,
    regionId: n.regionId,
    labels: (n.labels ?? {}) as Record<string, string>,
    status: n.status,
    capacity: { ramMib: n.ramMib, cpuMhz: n.cpuMhz, diskGib: n.diskGib, maxContainers: n.maxContainers },
    reserved: {
      ramMib: n.reservedRamMib,
      cpuMhz: n.reservedCpuMhz,
      diskGib: n.reservedDiskGib,
      containers: n.reservedContainers,
      limitCloudlets: n.reservedLimitCloudlets,
    },
    load: {
      memUsedMib: n.memUsedMib,
      memTotalMib: n.memTotalMib,
      swapUsedMib: n.swapUsedMib,
      swapTotalMib: n.swapTotalMib,
      diskUsedGib: n.diskUsedGib,
      diskTotalGib: n.diskTotalGib,
      loadAvg5: n.loadAvg5,
      cores: n.cores,
    },
    overcommitRatio: n.overcommitRatio,
    allocationRatios: ratiosOfRegion(n.region),
  };
}

/** Interactive transactions that place containers may queue behind each other's node locks. */
export const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

/**
 * The region's nodes as the scheduler sees them, read without locks: placement decides on this
 * snapshot and commitDeltas re-checks, under each touched node's row lock, that it still fits.
 * Ordered by id, the order commitDeltas locks in.
 */
export async function readRegionNodes(tx: Tx, regionId: string): Promise<NodeWithRatios[]> {
  return tx.hardwareNode.findMany({ where: { regionId }, orderBy: { id: "asc" }, include: NODE_WITH_RATIOS });
  // (The scheduler's tie-breaking depends on this order; the lock order is commitDeltas' byte order.)
}

/** Locks every node of a region for the rest of the transaction (evacuation plans the whole region). */
export async function lockRegionNodes(tx: Tx, regionId: string): Promise<NodeWithRatios[]> {
  await tx.$queryRaw`SELECT id FROM "HardwareNode" WHERE "regionId" = ${regionId} ORDER BY id COLLATE "C" FOR UPDATE`;
  return readRegionNodes(tx, regionId);
}

/**
 * Adds a delta to a node's reserved totals iff every increase still fits: under the allocatable
 * amount (physical × the region's ratio, rounded down as the scheduler does), the slots, and the
 * dynamic-limit ceiling, on a node that is still ACTIVE — and, when `version` is given, iff the node
 * is unchanged since it was read. Decreases always apply, so shrinking an over-allocated node works.
 * The UPDATE takes the node's row lock: only the nodes a placement touches are ever locked.
 */
export async function commitDelta(tx: Tx, delta: ReservedDelta, version?: number): Promise<void> {
  const grows =
    delta.ramMib > 0 || delta.cpuMhz > 0 || delta.diskGib > 0 || delta.containers > 0 || delta.limitCloudlets > 0;
  const count = await tx.$executeRaw`
    UPDATE "HardwareNode" n SET
      "reservedRamMib" = n."reservedRamMib" + ${delta.ramMib},
      "reservedCpuMhz" = n."reservedCpuMhz" + ${delta.cpuMhz},
      "reservedDiskGib" = n."reservedDiskGib" + ${delta.diskGib},
      "reservedContainers" = n."reservedContainers" + ${delta.containers},
      "reservedLimitCloudlets" = n."reservedLimitCloudlets" + ${delta.limitCloudlets},
      "version" = n."version" + 1,
      "updatedAt" = now()
    FROM "Region" r
    WHERE n."id" = ${delta.nodeId} AND r."id" = n."regionId"
      AND (${version ?? null}::int IS NULL OR n."version" = ${version ?? null}::int)
      AND (NOT ${grows} OR n."status" = 'ACTIVE')
      AND (${delta.ramMib} <= 0 OR n."reservedRamMib" + ${delta.ramMib} <= floor(n."ramMib" * r."ramAllocationRatio"))
      AND (${delta.cpuMhz} <= 0 OR n."reservedCpuMhz" + ${delta.cpuMhz} <= floor(n."cpuMhz" * r."cpuAllocationRatio"))
      AND (${delta.diskGib} <= 0 OR n."reservedDiskGib" + ${delta.diskGib} <= floor(n."diskGib" * r."diskAllocationRatio"))
      AND (${delta.containers} <= 0 OR n."reservedContainers" + ${delta.containers} <= n."maxContainers")
      AND (${delta.limitCloudlets} <= 0
        OR (n."reservedLimitCloudlets" + ${delta.limitCloudlets}) * ${CLOUDLET_RAM_MIB} <= n."ramMib" * n."overcommitRatio")`;
  if (count !== 1) throw new ReservationConflict(delta.nodeId);
}

/**
 * Commits a placement's deltas in node-id order, the one lock order of every placing transaction
 * (evacuation's region lock uses it too), so two placements touching the same nodes never deadlock.
 */
export async function commitDeltas(tx: Tx, deltas: readonly ReservedDelta[]): Promise<void> {
  const ordered = [...deltas].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  for (const delta of ordered) await commitDelta(tx, delta);
}

/** Releases one container's reservation (unconditional: releasing never overcommits). */
export async function releaseReservation(
  tx: Tx,
  options: { nodeId: string; reservedCloudlets: number; dynamicCloudlets: number; diskGib: number },
) {
  await tx.$executeRaw`
    UPDATE "HardwareNode" SET
      "reservedRamMib" = GREATEST(0, "reservedRamMib" - ${options.reservedCloudlets * CLOUDLET_RAM_MIB}),
      "reservedCpuMhz" = GREATEST(0, "reservedCpuMhz" - ${options.reservedCloudlets * CLOUDLET_CPU_MHZ}),
      "reservedDiskGib" = GREATEST(0, "reservedDiskGib" - ${options.diskGib}),
      "reservedContainers" = GREATEST(0, "reservedContainers" - 1),
      "reservedLimitCloudlets" = GREATEST(0, "reservedLimitCloudlets" - ${options.dynamicCloudlets}),
      "version" = "version" + 1,
      "updatedAt" = now()
    WHERE "id" = ${options.nodeId}`;
}

/** Lowest free host addresses (.2–.254) of a node's /24; the unique index on Container.ip is the final guard. */
export async function allocateIps(
  tx: Tx,
  node: { id: string; subnet: string; name: string },
  count: number,
): Promise<string[]> {
  const prefix = node.subnet.split("/")[0].split(".").slice(0, 3).join(".");
  const used = new Set(
    (await tx.container.findMany({ where: { ip: { startsWith: `${prefix}.` } }, select: { ip: true } })).map(
      (r) => r.ip,
    ),
  );
  const out: string[] = [];
  for (let host = 2; host <= 254 && out.length < count; host++) {
    const ip = `${prefix}.${host}`;
    if (!used.has(ip)) out.push(ip);
  }
  if (out.length < count) throw new AppError("NO_CAPACITY", `${node.name}: no free IP address left in ${node.subnet}`);
  return out;
}

/** Retries per cause since the process started (benchmarks report them; nothing else reads them). */
export const retryStats = { reservationConflicts: 0, uniqueViolations: 0, writeConflicts: 0 };

/** Runs `attempt` until no node changed underneath it (optimistic concurrency), with jittered backoff. */
export async function withReservationRetry<T>(attempt: () => Promise<T>, tries = 12): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const conflict = error instanceof ReservationConflict;
      const unique = !conflict && isUniqueViolation(error);
      const write = !conflict && !unique && isWriteConflict(error);
      if (conflict) retryStats.reservationConflicts++;
      else if (unique) retryStats.uniqueViolations++;
      else if (write) retryStats.writeConflicts++;
      const retryable = conflict || unique || write;
      if (!retryable || i >= tries - 1) {
        if (retryable) throw new AppError("CONFLICT", "The cluster is busy; please try again.");
        throw error;
      }
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** i) * (0.5 + Math.random())));
    }
  }
}
