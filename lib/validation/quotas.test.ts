import { describe, expect, it } from "vitest";
import { ZQuotaLimits, ZSetUserQuotaInput } from "./quotas";

describe("quota input", () => {
  it("coerces form strings", () => {
    expect(
      ZSetUserQuotaInput.parse({
        userId: "u",
        maxEnvironments: "3",
        maxCloudletsPerContainer: "8",
        maxContainersPerLayer: "4",
        maxReservedCloudlets: "32",
      }),
    ).toEqual({
      userId: "u",
      maxEnvironments: 3,
      maxCloudletsPerContainer: 8,
      maxContainersPerLayer: 4,
      maxReservedCloudlets: 32,
    });
  });
  it("refuses empty, negative, fractional and huge values next to the field", () => {
    const r = ZQuotaLimits.safeParse({
      maxEnvironments: "",
      maxCloudletsPerContainer: "-1",
      maxContainersPerLayer: "1.5",
      maxReservedCloudlets: "1e9",
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual([
      "maxCloudletsPerContainer",
      "maxContainersPerLayer",
      "maxEnvironments",
      "maxReservedCloudlets",
    ]);
  });
});
