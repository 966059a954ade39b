// The topology wizard's live summary: totals and the same quota rules the server enforces
// (lib/services/quota-check), so the user sees a refusal before submitting.
import { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB } from "./format";
import type { QuotaLimits } from "@/lib/validation/quotas";

export type WizardLayer = {
  key: string;
  name: string;
  role: string;
  stack: string;
  count: number;
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
  ha: boolean;
};
export type QuotaView = QuotaLimits;
export type UsageView = { environments: number; reservedCloudlets: number; diskGib: number };

export type TopologySummary = {
  containers: number;
  reservedCloudlets: number;
  dynamicCloudlets: number;
  reservedRamMib: number;
  reservedCpuMhz: number;
  limitRamMib: number;
  limitCpuMhz: number;
  diskGib: number;
  reservedAfter: number;
  diskAfter: number;
  problems: string[];
};

export function summarizeTopology(layers: WizardLayer[], quota: QuotaView | null, usage: UsageView): TopologySummary {
  let containers = 0,
    reserved = 0,
    dynamic = 0,
    disk = 0;
  for (const l of layers) {
    containers += l.count;
    reserved += l.count * l.reservedCloudlets;
    dynamic += l.count * l.dynamicCloudlets;
    disk += l.count * l.diskGib;
  }
  const problems: string[] = [];
  if (quota) {
    for (const l of layers) {
      if (l.dynamicCloudlets > quota.maxCloudletsPerContainer)
        problems.push(
          `Layer "${l.name}": at most ${quota.maxCloudletsPerContainer} cloudlets per container (dynamic limit ${l.dynamicCloudlets}).`,
        );
      if (l.count > quota.maxContainersPerLayer)
        problems.push(
          `Layer "${l.name}": at most ${quota.maxContainersPerLayer} containers per layer (asked ${l.count}).`,
        );
    }
    if (usage.environments + 1 > quota.maxEnvironments)
      problems.push(`At most ${quota.maxEnvironments} environments (you have ${usage.environments}).`);
    if (usage.reservedCloudlets + reserved > quota.maxReservedCloudlets)
      problems.push(
        `At most ${quota.maxReservedCloudlets} reserved cloudlets in total (this would make ${usage.reservedCloudlets + reserved}).`,
      );
  }
  if (quota && usage.diskGib + disk > quota.maxDiskGib)
    problems.push(`At most ${quota.maxDiskGib} GiB of disk in total (this would make ${usage.diskGib + disk} GiB).`);
  for (const l of layers)
    if (l.dynamicCloudlets < l.reservedCloudlets)
      problems.push(`Layer "${l.name}": the dynamic limit cannot be below the reserved cloudlets.`);
  return {
    containers,
    reservedCloudlets: reserved,
    dynamicCloudlets: dynamic,
    reservedRamMib: reserved * CLOUDLET_RAM_MIB,
    reservedCpuMhz: reserved * CLOUDLET_CPU_MHZ,
    limitRamMib: dynamic * CLOUDLET_RAM_MIB,
    limitCpuMhz: dynamic * CLOUDLET_CPU_MHZ,
    diskGib: disk,
    reservedAfter: usage.reservedCloudlets + reserved,
    diskAfter: usage.diskGib + disk,
    problems,
  };
}

/** The DNS-label rule of ZDnsLabel, checked as the user types (the server checks again). */
export function nameProblem(name: string): string | null {
  if (name.length < 2) return "Use at least 2 characters.";
  if (name.length > 40) return "Use at most 40 characters.";
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(name))
    return "Use lower-case letters, digits and hyphens; start with a letter, end with a letter or digit.";
  return null;
}

const DEFAULT_LAYER_NAMES: Record<string, string> = {
  BALANCER: "bl",
  APP: "cp",
  CACHE: "cache",
  SQL: "sqldb",
  NOSQL: "nosqldb",
  STATIC: "web",
  CUSTOM: "custom",
};

/** Jelastic-style layer names (bl, cp, sqldb …), numbered when a role appears twice. */
export function nextLayerName(role: string, taken: string[]): string {
  const base = DEFAULT_LAYER_NAMES[role] ?? "layer";
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}${i}`)) return `${base}${i}`;
}
