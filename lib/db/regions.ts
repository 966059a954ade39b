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
  capacity: { ramMib: number; cpuMhz: number; diskGib: number; maxContainers: number };
  reserved: { ramMib: number; cpuMhz: number; diskGib: number; containers: number };
};

export async function listRegions(options: { actor: Actor }): Promise<RegionListItem[]> {
  assertAdmin(options.actor);
  const [regions, sums] = await Promise.all([
    db.region.findMany({
      orderBy: [{ isDefault: "desc" }, { name: "asc" }],
      select: {
        id: true,
        name: true,
        status: true,
        subnetPool: true,
        isDefault: true,
        _count: { select: { nodes: true, environments: true } },
      },
    }),
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
  return regions.map((r) => {
    const s = byRegion.get(r.id);
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
