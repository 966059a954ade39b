import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "./client";
import { assertAdmin } from "./guard";

export type RegionListItem = {
  id: string;
  name: string;
  status: "ACTIVE" | "MAINTENANCE";
  subnetPool: string;
  isDefault: boolean;
  nodes: number;
  environments: number;
  /** Physical capacity of the region's nodes. */
  capacity: { ramMib: number; cpuMhz: number; diskGib: number; maxContainers: number };
  /** What placement may reserve: per node physical × the region's ratio, rounded down, summed. */
  allocatable: { ramMib: number; cpuMhz: number; diskGib: number };
  ratios: { cpu: number; ram: number; disk: number };
  /** Nodes whose reserved total exceeds what is allocatable (a ratio was lowered): nothing new lands there. */
  overAllocatedNodes: number;
  reserved: { ramMib: number; cpuMhz: number; diskGib: number; containers: number };
};

type AllocatableRow = { regionId: string; ram: number; cpu: number; disk: number; over: number };

export async function listRegions(options: { actor: Actor }): Promise<RegionListItem[]> {
  assertAdmin(options.actor);
  const [regions, allocatable, sums] = await Promise.all([
    db.region.findMany({
      orderBy: [{ isDefault: "desc" }, { name: "asc" }],
      select: {
        id: true,
        name: true,
        status: true,
        subnetPool: true,
        isDefault: true,
        cpuAllocationRatio: true,
        ramAllocationRatio: true,
        diskAllocationRatio: true,
        _count: { select: { nodes: true, environments: true } },
      },
    }),
    // The same rounding as the scheduler (allocatableOf) and the reservation guard (commitDelta).
    db.$queryRaw<AllocatableRow[]>`
      SELECT n."regionId",
        SUM(floor(n."ramMib" * r."ramAllocationRatio"))::float8 AS ram,
        SUM(floor(n."cpuMhz" * r."cpuAllocationRatio"))::float8 AS cpu,
        SUM(floor(n."diskGib" * r."diskAllocationRatio"))::float8 AS disk,
        COUNT(*) FILTER (WHERE n."reservedRamMib" > floor(n."ramMib" * r."ramAllocationRatio")
          OR n."reservedCpuMhz" > floor(n."cpuMhz" * r."cpuAllocationRatio")
          OR n."reservedDiskGib" > floor(n."diskGib" * r."diskAllocationRatio"))::int AS over
      FROM "HardwareNode" n JOIN "Region" r ON r.id = n."regionId"
      GROUP BY n."regionId"`,
    db.hardwareNode.groupBy({
      by: ["regionId"],
      _sum: {
        ramMib: true,
        cpuMhz: true,
        diskGib: true,
        maxContainers: true,
        reservedRamMib: true,
        reservedCpuMhz: true,
        reservedDiskGib: true,
        reservedContainers: true,
      },
    }),
  ]);
  const byRegion = new Map(sums.map((s) => [s.regionId, s._sum]));
  const allocatableOf = new Map(allocatable.map((a) => [a.regionId, a]));
  return regions.map((r) => {
    const s = byRegion.get(r.id);
    const a = allocatableOf.get(r.id);
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      subnetPool: r.subnetPool,
      isDefault: r.isDefault,
      nodes: r._count.nodes,
      environments: r._count.environments,
      capacity: {
        ramMib: s?.ramMib ?? 0,
        cpuMhz: s?.cpuMhz ?? 0,
        diskGib: s?.diskGib ?? 0,
        maxContainers: s?.maxContainers ?? 0,
      },
      allocatable: { ramMib: a?.ram ?? 0, cpuMhz: a?.cpu ?? 0, diskGib: a?.disk ?? 0 },
      ratios: { cpu: r.cpuAllocationRatio, ram: r.ramAllocationRatio, disk: r.diskAllocationRatio },
      overAllocatedNodes: a?.over ?? 0,
      reserved: {
        ramMib: s?.reservedRamMib ?? 0,
        cpuMhz: s?.reservedCpuMhz ?? 0,
        diskGib: s?.reservedDiskGib ?? 0,
        containers: s?.reservedContainers ?? 0,
      },
    };
  });
}

/** Choices for region pickers in admin forms. */
export async function listRegionOptions(options: {
  actor: Actor;
}): Promise<{ id: string; name: string; isDefault: boolean; status: string; subnetPool: string }[]> {
  assertAdmin(options.actor);
  return db.region.findMany({
    orderBy: [{ isDefault: "desc" }, { name: "asc" }],
    select: { id: true, name: true, isDefault: true, status: true, subnetPool: true },
  });
}
