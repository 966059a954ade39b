import { describe, expect, it } from "vitest";
import { cfsQuotaUs, cgroupV1Values, cpuShares, memoryLimitBytes } from "./cloudlets";

describe("cloudlet → cgroup v1 math", () => {
  it.each([
    // dynamic, reserved, MHz per core → memory bytes, quota µs, shares
    { dynamic: 1, reserved: 0, mhz: 2000, memory: 134217728, quota: 20000, shares: 2 },
    { dynamic: 4, reserved: 2, mhz: 2000, memory: 536870912, quota: 80000, shares: 256 },
    { dynamic: 8, reserved: 8, mhz: 3200, memory: 1073741824, quota: 100000, shares: 1024 },
    { dynamic: 16, reserved: 4, mhz: 2596, memory: 2147483648, quota: 246533, shares: 512 },
  ])("dynamic $dynamic, reserved $reserved at $mhz MHz", ({ dynamic, reserved, mhz, memory, quota, shares }) => {
    const limits = { dynamicCloudlets: dynamic, reservedCloudlets: reserved, diskGib: 1 };
    expect(memoryLimitBytes(limits)).toBe(memory);
    expect(cfsQuotaUs({ limits, mhzPerCore: mhz })).toBe(quota);
    expect(cpuShares(limits)).toBe(shares);
    expect(cgroupV1Values({ limits, mhzPerCore: mhz })).toEqual({
      "memory.limit_in_bytes": String(memory),
      "cpu.cfs_period_us": "100000",
      "cpu.cfs_quota_us": String(quota),
      "cpu.shares": String(shares),
    });
  });
});
