import type { AllocationRatios, HardwareNodeSnapshot } from "./types";

/**
 * Allocation ratios (OpenStack's cpu/ram/disk_allocation_ratio): what placement may promise on a
 * node is its physical capacity × the ratio of its region, per resource. CPU is overcommitted (idle
 * containers leave cores idle), RAM and disk usually are not. Whole numbers, so reserved arithmetic
 * against them stays exact.
 */
export const DEFAULT_ALLOCATION_RATIOS: Readonly<AllocationRatios> = Object.freeze({ cpu: 1, ram: 1, disk: 1 });

export interface Allocatable {
  ramMib: number;
  cpuMhz: number;
  diskGib: number;
}

export function ratiosOf(node: Pick<HardwareNodeSnapshot, "allocationRatios">): AllocationRatios {
  return node.allocationRatios ?? DEFAULT_ALLOCATION_RATIOS;
}

/** Physical × ratio, rounded down: 5200 MHz at 4:1 is 20800 MHz allocatable. */
export function allocatableOf(node: Pick<HardwareNodeSnapshot, "capacity" | "allocationRatios">): Allocatable {
  const r = ratiosOf(node);
  return {
    ramMib: Math.floor(node.capacity.ramMib * r.ram),
    cpuMhz: Math.floor(node.capacity.cpuMhz * r.cpu),
    diskGib: Math.floor(node.capacity.diskGib * r.disk),
  };
}

export type AllocatedResource = "ram" | "cpu" | "disk";

/**
 * Resources whose reserved total exceeds what is allocatable: possible after an admin lowered a
 * ratio or shrank a node. Such a node keeps what runs there and takes nothing new.
 */
export function overAllocatedResources(
  node: Pick<HardwareNodeSnapshot, "capacity" | "reserved" | "allocationRatios">,
): AllocatedResource[] {
  const a = allocatableOf(node);
  const out: AllocatedResource[] = [];
  if (node.reserved.ramMib > a.ramMib) out.push("ram");
  if (node.reserved.cpuMhz > a.cpuMhz) out.push("cpu");
  if (node.reserved.diskGib > a.diskGib) out.push("disk");
  return out;
}

/** "4:1", "1.5:1". */
export function ratioText(ratio: number): string {
  return `${Number(ratio.toFixed(2))}:1`;
}

const trim = (n: number) => String(Number(n.toFixed(1)));

/** The scheduler's own unit text (it imports nothing of ours): "800 MHz", "20.8 GHz", "6.5 GiB". */
export function mhzText(mhz: number): string {
  return Math.abs(mhz) >= 1000 ? `${trim(mhz / 1000)} GHz` : `${Math.round(mhz)} MHz`;
}
export function mibText(mib: number): string {
  return Math.abs(mib) >= 1024 ? `${trim(mib / 1024)} GiB` : `${Math.round(mib)} MiB`;
}
export function gibText(gib: number): string {
  return `${trim(gib)} GiB`;
}
