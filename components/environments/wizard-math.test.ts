import { describe, expect, it } from "vitest";
import { describeCloudlets, counterRates, formatDuration, listHref, statusLabel } from "./format";
import { nameProblem, nextLayerName, summarizeTopology, type WizardLayer } from "./wizard-math";

const layer = (over: Partial<WizardLayer>): WizardLayer => ({
  key: "k",
  name: "cp",
  role: "APP",
  stack: "busybox",
  count: 1,
  reservedCloudlets: 1,
  dynamicCloudlets: 2,
  diskGib: 1,
  ha: false,
  ...over,
});
const quota = {
  maxEnvironments: 10,
  maxCloudletsPerContainer: 16,
  maxContainersPerLayer: 16,
  maxReservedCloudlets: 64,
  maxDiskGib: 200,
};

describe("summarizeTopology", () => {
  it("sums containers, cloudlets and what they mean", () => {
    const s = summarizeTopology(
      [
        layer({ name: "bl", count: 1, reservedCloudlets: 1, dynamicCloudlets: 4 }),
        layer({ count: 2, reservedCloudlets: 2, dynamicCloudlets: 8, diskGib: 4 }),
      ],
      quota,
      { environments: 0, reservedCloudlets: 0, diskGib: 0 },
    );
    expect(s).toMatchObject({
      containers: 3,
      reservedCloudlets: 5,
      dynamicCloudlets: 20,
      reservedRamMib: 640,
      reservedCpuMhz: 2000,
      limitRamMib: 2560,
      limitCpuMhz: 8000,
      diskGib: 9,
      reservedAfter: 5,
      problems: [],
    });
  });

  it("counts what the user already reserves against the quota", () => {
    const s = summarizeTopology([layer({ count: 4, reservedCloudlets: 4, dynamicCloudlets: 4 })], quota, {
      environments: 2,
      reservedCloudlets: 50,
      diskGib: 0,
    });
    expect(s.reservedAfter).toBe(66);
    expect(s.problems).toEqual(["At most 64 reserved cloudlets in total (this would make 66)."]);
  });

  it("counts disk against the quota, with what the user already holds", () => {
    const s = summarizeTopology([layer({ count: 3, diskGib: 20 })], quota, {
      environments: 1,
      reservedCloudlets: 0,
      diskGib: 150,
    });
    expect(s.diskAfter).toBe(210);
    expect(s.problems).toEqual(["At most 200 GiB of disk in total (this would make 210 GiB)."]);
  });

  it("flags per-layer limits and the environment count", () => {
    const s = summarizeTopology([layer({ count: 17, dynamicCloudlets: 20, reservedCloudlets: 1 })], quota, {
      environments: 10,
      reservedCloudlets: 0,
      diskGib: 0,
    });
    expect(s.problems).toHaveLength(3);
    expect(s.problems[0]).toMatch(/at most 16 cloudlets per container/);
    expect(s.problems[1]).toMatch(/at most 16 containers per layer/);
    expect(s.problems[2]).toMatch(/At most 10 environments/);
  });

  it("flags a dynamic limit below the reserved cloudlets", () => {
    expect(
      summarizeTopology([layer({ reservedCloudlets: 4, dynamicCloudlets: 2 })], null, {
        environments: 0,
        reservedCloudlets: 0,
        diskGib: 0,
      }).problems[0],
    ).toMatch(/cannot be below/);
  });

  it("64 reserved × 16 containers is 1,024 cloudlets = 128 GiB", () => {
    const s = summarizeTopology([layer({ count: 16, reservedCloudlets: 64, dynamicCloudlets: 64 })], null, {
      environments: 0,
      reservedCloudlets: 0,
      diskGib: 0,
    });
    expect(s.reservedRamMib).toBe(128 * 1024);
  });
});

describe("helpers", () => {
  it.each([
    ["ab", null],
    ["a", "Use at least 2 characters."],
    ["Shop", expect.stringMatching(/lower-case/)],
    ["shop-", expect.stringMatching(/end with/)],
    ["1shop", expect.stringMatching(/start with/)],
    ["a".repeat(41), "Use at most 40 characters."],
  ])("nameProblem(%j)", (name, expected) => {
    expect(nameProblem(name)).toEqual(expected);
  });
  it("names layers like Jelastic and numbers duplicates", () => {
    expect(nextLayerName("BALANCER", [])).toBe("bl");
    expect(nextLayerName("APP", ["cp"])).toBe("cp2");
    expect(nextLayerName("APP", ["cp", "cp2"])).toBe("cp3");
  });
  it("describes cloudlets as RAM and CPU", () => {
    expect(describeCloudlets(1)).toBe("128 MiB RAM + 400 MHz CPU");
    expect(describeCloudlets(8)).toBe("1 GiB RAM + 3.2 GHz CPU");
    expect(describeCloudlets(12)).toBe("1.5 GiB RAM + 4.8 GHz CPU");
  });
  it("formats durations and statuses", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(450)).toBe("450 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(statusLabel("RUNNING")).toBe("Running");
  });
  it("turns counters into rates and ignores resets", () => {
    expect(
      counterRates([
        { at: 0, value: 0 },
        { at: 2000, value: 2000 },
        { at: 3000, value: 10 },
      ]),
    ).toEqual([
      { at: 2000, rate: 1000 },
      { at: 3000, rate: 0 },
    ]);
  });
  it("keeps list params in links", () => {
    expect(listHref({ q: "shop", status: "RUNNING", page: 2 }, { page: 3 })).toBe(
      "/environments?q=shop&status=RUNNING&page=3",
    );
    expect(listHref({ q: "shop" }, { q: "" })).toBe("/environments");
  });
});
