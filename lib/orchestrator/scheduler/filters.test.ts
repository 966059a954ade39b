import { describe, expect, it } from "vitest";
import {
  cpuFilter,
  diskFilter,
  excludedFilter,
  haAntiAffinityFilter,
  labelFilter,
  NODE_FILTERS,
  overcommitFilter,
  ramFilter,
  regionFilter,
  runFilters,
  slotsFilter,
  statusFilter,
  type FilterContext,
  type NodeFilter,
} from "./filters";
import { toDemand } from "./resources";
import { makeNode } from "./test-helpers";
import type { HardwareNodeSnapshot } from "./types";

const demand8 = toDemand({ reservedCloudlets: 8, dynamicCloudlets: 16, diskGib: 20 }); // 1024 MiB, 3200 MHz

function ctx(node: HardwareNodeSnapshot, patch: Partial<FilterContext> = {}): FilterContext {
  return { node, regionId: "r1", demand: demand8, layer: { id: "app", ha: false }, sameLayerOnNode: 0, ...patch };
}

type Case = [string, NodeFilter, FilterContext, string | null];

const cases: Case[] = [
  ["ACTIVE fits", statusFilter, ctx(makeNode("hn-1")), null],
  ["MAINTENANCE rejected", statusFilter, ctx(makeNode("hn-3", { status: "MAINTENANCE" })), "hn-3: in MAINTENANCE"],
  ["EVACUATING rejected", statusFilter, ctx(makeNode("hn-3", { status: "EVACUATING" })), "hn-3: in EVACUATING"],
  ["OFFLINE rejected", statusFilter, ctx(makeNode("hn-3", { status: "OFFLINE" })), "hn-3: in OFFLINE"],
  ["same region fits", regionFilter, ctx(makeNode("hn-1")), null],
  [
    "other region rejected",
    regionFilter,
    ctx(makeNode("hn-1", { regionId: "r2" })),
    "hn-1: in region r2, environment is in region r1",
  ],
  ["no selector fits", labelFilter, ctx(makeNode("hn-1")), null],
  [
    "matching labels fit",
    labelFilter,
    ctx(makeNode("hn-1", { labels: { zone: "a", ssd: "1" } }), {
      layer: { id: "db", ha: false, labelSelector: { zone: "a" } },
    }),
    null,
  ],
  [
    "absent label rejected",
    labelFilter,
    ctx(makeNode("hn-1"), { layer: { id: "db", ha: false, labelSelector: { zone: "a" } } }),
    'hn-1: label zone=a (absent) required by layer "db"',
  ],
  [
    "different label rejected",
    labelFilter,
    ctx(makeNode("hn-1", { labels: { zone: "b" } }), { layer: { id: "db", ha: false, labelSelector: { zone: "a" } } }),
    'hn-1: label zone=a (has b) required by layer "db"',
  ],
  [
    "RAM exactly fits",
    ramFilter,
    ctx(makeNode("hn-2", { capacity: { ramMib: 2048 }, reserved: { ramMib: 1024 } })),
    null,
  ],
  [
    "RAM short",
    ramFilter,
    ctx(makeNode("hn-2", { capacity: { ramMib: 2048 }, reserved: { ramMib: 1536 } })),
    "hn-2: needs 1024 MiB RAM, 512 MiB allocatable of 2 GiB at 1:1",
  ],
  [
    "RAM over-reserved says over-allocated",
    ramFilter,
    ctx(makeNode("hn-2", { capacity: { ramMib: 2048 }, reserved: { ramMib: 4096 } })),
    "hn-2: over-allocated: 4 GiB RAM reserved, 2 GiB at 1:1 allocatable",
  ],
  [
    "CPU at 4:1: the ratio multiplies physical CPU and is named",
    cpuFilter,
    ctx(
      makeNode("hn-2", {
        capacity: { cpuMhz: 5200 },
        reserved: { cpuMhz: 20_408 },
        allocationRatios: { cpu: 4, ram: 1, disk: 1 },
      }),
      { demand: { ramMib: 256, cpuMhz: 800, diskGib: 1, limitCloudlets: 2 } },
    ),
    "hn-2: needs 800 MHz CPU, 392 MHz allocatable of 20.8 GHz at 4:1",
  ],
  [
    "CPU at 4:1 fits what 1:1 would refuse",
    cpuFilter,
    ctx(
      makeNode("hn-2", {
        capacity: { cpuMhz: 4000 },
        reserved: { cpuMhz: 2400 },
        allocationRatios: { cpu: 4, ram: 1, disk: 1 },
      }),
    ),
    null,
  ],
  [
    "CPU ratio lowered below what is reserved: over-allocated",
    cpuFilter,
    ctx(
      makeNode("hn-2", {
        capacity: { cpuMhz: 5200 },
        reserved: { cpuMhz: 8000 },
        allocationRatios: { cpu: 1.5, ram: 1, disk: 1 },
      }),
      { demand: { ramMib: 0, cpuMhz: 0, diskGib: 0, limitCloudlets: 1 } },
    ),
    "hn-2: over-allocated: 8 GHz CPU reserved, 7.8 GHz at 1.5:1 allocatable",
  ],
  ["CPU exactly fits", cpuFilter, ctx(makeNode("hn-2", { capacity: { cpuMhz: 3200 } })), null],
  [
    "CPU short",
    cpuFilter,
    ctx(makeNode("hn-2", { capacity: { cpuMhz: 4000 }, reserved: { cpuMhz: 2400 } })),
    "hn-2: needs 3200 MHz CPU, 1600 MHz allocatable of 4 GHz at 1:1",
  ],
  ["disk fits", diskFilter, ctx(makeNode("hn-2", { capacity: { diskGib: 20 } })), null],
  [
    "disk short",
    diskFilter,
    ctx(makeNode("hn-2", { capacity: { diskGib: 30 }, reserved: { diskGib: 26 } })),
    "hn-2: needs 20 GiB disk, 4 GiB allocatable of 30 GiB at 1:1",
  ],
  [
    "last slot fits",
    slotsFilter,
    ctx(makeNode("hn-2", { capacity: { maxContainers: 3 }, reserved: { containers: 2 } })),
    null,
  ],
  [
    "no slot",
    slotsFilter,
    ctx(makeNode("hn-2", { capacity: { maxContainers: 3 }, reserved: { containers: 3 } })),
    "hn-2: all 3 container slots used",
  ],
  // 16 GiB node, ratio 1: ceiling 16384 MiB = 128 cloudlets of dynamic limit.
  ["limit under ceiling fits", overcommitFilter, ctx(makeNode("hn-2", { reserved: { limitCloudlets: 112 } })), null],
  [
    "limit over ceiling",
    overcommitFilter,
    ctx(makeNode("hn-2", { reserved: { limitCloudlets: 113 } })),
    "hn-2: dynamic limit 2048 MiB would exceed the overcommit ceiling (14464 of 16384 MiB promised, ratio 1)",
  ],
  [
    "overcommit ratio raises ceiling",
    overcommitFilter,
    ctx(makeNode("hn-2", { overcommitRatio: 1.5, reserved: { limitCloudlets: 170 } })),
    null,
  ],
  ["HA layer, node empty of it", haAntiAffinityFilter, ctx(makeNode("hn-4"), { layer: { id: "cp", ha: true } }), null],
  [
    "HA layer already on node",
    haAntiAffinityFilter,
    ctx(makeNode("hn-4"), { layer: { id: "cp", ha: true }, sameLayerOnNode: 1 }),
    'hn-4: already runs a container of HA layer "cp"',
  ],
  ["non-HA layer may share", haAntiAffinityFilter, ctx(makeNode("hn-4"), { sameLayerOnNode: 3 }), null],
  ["not excluded", excludedFilter, ctx(makeNode("hn-5")), null],
  [
    "excluded by evacuation",
    excludedFilter,
    ctx(makeNode("hn-5"), { excluded: true }),
    "hn-5: is the node being evacuated",
  ],
];

describe("filters", () => {
  it.each(cases)("%s", (_name, filter, input, reason) => {
    const result = filter(input);
    if (reason === null) expect(result).toEqual({ fit: true });
    else expect(result).toEqual({ fit: false, reason });
  });

  it("runFilters reports every failing filter, in pipeline order", () => {
    const node = makeNode("hn-9", { status: "OFFLINE", regionId: "r2", capacity: { ramMib: 512, maxContainers: 0 } });
    const verdict = runFilters(ctx(node));
    expect(verdict.fit).toBe(false);
    expect(verdict.failed).toEqual(["status", "region", "ram", "slots", "overcommit"]);
    expect(verdict.reasons).toHaveLength(5);
    expect(verdict.reasons.every((r) => r.startsWith("hn-9: "))).toBe(true);
  });

  it("runFilters passes a node that fits every rule", () => {
    expect(runFilters(ctx(makeNode("hn-1")))).toEqual({ fit: true, reasons: [], failed: [] });
  });

  it("has one filter per documented rule", () => {
    expect(NODE_FILTERS.map((f) => f.name)).toEqual([
      "excluded",
      "status",
      "region",
      "labels",
      "ram",
      "cpu",
      "disk",
      "slots",
      "overcommit",
      "haAntiAffinity",
    ]);
  });
});
