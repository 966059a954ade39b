import { describe, expect, it } from "vitest";
import { pickQuotaLimits, QUOTA_LIMITS_SELECT, ZQuotaLimits, ZSetUserQuotaInput } from "./quotas";

describe("quota input", () => {
  it("coerces form strings", () => {
    expect(
      ZSetUserQuotaInput.parse({
        userId: "u",
        maxEnvironments: "3",
        maxCloudletsPerContainer: "8",
        maxContainersPerLayer: "4",
        maxReservedCloudlets: "32",
        maxDiskGib: "100",
      }),
    ).toEqual({
      userId: "u",
      maxEnvironments: 3,
      maxCloudletsPerContainer: 8,
      maxContainersPerLayer: 4,
      maxReservedCloudlets: 32,
      maxDiskGib: 100,
    });
  });
  it("refuses empty, negative, fractional and huge values next to the field", () => {
    const r = ZQuotaLimits.safeParse({
      maxEnvironments: "",
      maxCloudletsPerContainer: "-1",
      maxContainersPerLayer: "1.5",
      maxReservedCloudlets: "1e9",
      maxDiskGib: "",
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual([
      "maxCloudletsPerContainer",
      "maxContainersPerLayer",
      "maxDiskGib",
      "maxEnvironments",
      "maxReservedCloudlets",
    ]);
  });
});

describe("the quota shape", () => {
  it("picks exactly the schema's limits from a stored row, and selects the same columns", () => {
    const row = {
      id: "q1",
      userId: "u1",
      maxEnvironments: 3,
      maxCloudletsPerContainer: 8,
      maxContainersPerLayer: 4,
      maxReservedCloudlets: 32,
      maxDiskGib: 100,
      updatedAt: new Date(),
    };
    expect(pickQuotaLimits(row)).toEqual({
      maxEnvironments: 3,
      maxCloudletsPerContainer: 8,
      maxContainersPerLayer: 4,
      maxReservedCloudlets: 32,
      maxDiskGib: 100,
    });
    expect(Object.keys(pickQuotaLimits(row)).sort()).toEqual(Object.keys(ZQuotaLimits.shape).sort());
    expect(Object.keys(QUOTA_LIMITS_SELECT).sort()).toEqual(Object.keys(ZQuotaLimits.shape).sort());
  });
});
