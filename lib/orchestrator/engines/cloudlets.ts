import type { ContainerLimits } from "./types";
import { InvalidInputError } from "./names";

import { CLOUDLET_CPU_MHZ as CLOUDLET_MHZ, CLOUDLET_RAM_BYTES } from "../cloudlet";

export { CLOUDLET_MHZ, CLOUDLET_RAM_BYTES };
export const CFS_PERIOD_US = 100_000;
/** cpu.shares for one full core's worth of guaranteed CPU: the kernel's default weight. */
export const SHARES_PER_8_CLOUDLETS = 1024;

export function assertLimits(limits: ContainerLimits): ContainerLimits {
  const { reservedCloudlets, dynamicCloudlets, diskGib } = limits;
  const ok =
    Number.isInteger(reservedCloudlets) &&
    reservedCloudlets >= 0 &&
    Number.isInteger(dynamicCloudlets) &&
    dynamicCloudlets >= 1 &&
    dynamicCloudlets <= 4096 &&
    reservedCloudlets <= dynamicCloudlets &&
    Number.isFinite(diskGib) &&
    diskGib > 0 &&
    diskGib <= 65536;
  if (!ok)
    throw new InvalidInputError(
      `invalid limits ${JSON.stringify(limits)}: need integers 0 ≤ reserved ≤ dynamic ≥ 1 and disk > 0`,
    );
  return limits;
}

/** Hard memory limit: dynamic cloudlets × 128 MiB. */
export function memoryLimitBytes(limits: ContainerLimits): number {
  return limits.dynamicCloudlets * CLOUDLET_RAM_BYTES;
}

/** CPU ceiling in MHz: dynamic cloudlets × 400 MHz. */
export function cpuLimitMhz(limits: ContainerLimits): number {
  return limits.dynamicCloudlets * CLOUDLET_MHZ;
}

/**
 * CFS quota per period: the fraction of one core the MHz ceiling represents, times the
 * period: quota = period × limitMHz / mhzPerCore. Above one core's MHz the quota exceeds
 * the period, which CFS reads as "more than one core". Minimum 1000 µs (kernel floor).
 */
export function cfsQuotaUs(options: { limits: ContainerLimits; mhzPerCore: number; periodUs?: number }): number {
  const period = options.periodUs ?? CFS_PERIOD_US;
  if (!(options.mhzPerCore > 0)) throw new InvalidInputError("mhzPerCore must be positive");
  return Math.max(1000, Math.round((period * cpuLimitMhz(options.limits)) / options.mhzPerCore));
}

/**
 * Relative CPU weight under contention: 1024 (the default weight of one task group) per 8
 * reserved cloudlets (3.2 GHz ≈ one modern core), so shares = 128 × reserved, floored at
 * the kernel minimum of 2 for containers with nothing reserved.
 */
export function cpuShares(limits: ContainerLimits): number {
  return Math.max(2, Math.round((SHARES_PER_8_CLOUDLETS * limits.reservedCloudlets) / 8));
}

/** All cgroup v1 values for a container, keyed by cgroup file name. */
export function cgroupV1Values(options: { limits: ContainerLimits; mhzPerCore: number }): Record<string, string> {
  return {
    "memory.limit_in_bytes": String(memoryLimitBytes(options.limits)),
    "cpu.cfs_period_us": String(CFS_PERIOD_US),
    "cpu.cfs_quota_us": String(cfsQuotaUs(options)),
    "cpu.shares": String(cpuShares(options.limits)),
  };
}
