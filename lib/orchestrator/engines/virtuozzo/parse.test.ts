import { describe, expect, it } from "vitest";
import {
  limitsFromDetails,
  mapPrlctlStatus,
  parseFrequencyMhz,
  parseGuestProc,
  parsePrlctlDetails,
  parsePrlctlList,
  parseSizeMb,
} from "./parse";

/** Recorded in the documented format (reference/prlctl.md). */
const LIST_FIXTURE = `[{"uuid": "bb586bcf-703d-47f9-b902-b60d54504c2a", "status": "running",
  "ip_configured": "10.211.55.130", "type": "CT", "name": "hp-101"},
 {"uuid": "0f3cc2b2-4c4c-4bfb-9f4f-3f4f0c3a9d10", "status": "mounted", "ip_configured": "-", "type": "CT", "name": "hp-102"},
 {"uuid": "5d1c7f2e-1111-4bfb-9f4f-3f4f0c3a9d10", "status": "stopped", "ip_configured": "-", "type": "CT", "name": "node-foreign"}]`;

const DETAILS_FIXTURE = `{
  "ID": "bb586bcf-703d-47f9-b902-b60d54504c2a",
  "EnvID": "bb586bcf-703d-47f9-b902-b60d54504c2a",
  "Name": "hp-101",
  "State": "running",
  "OS": "vzlinux8",
  "Hostname": "web-101",
  "Hardware": {
    "cpu": {"cpus": 2, "cpulimit": "1600Mhz", "cpuunits": 250},
    "memory": {"size": "1024Mb"},
    "hdd0": {"size": "10240Mb"},
    "venet0": {"ips": "10.211.55.130/255.255.255.0 "}
  }
}`;

describe("prlctl parsers", () => {
  it("parses list -a -j with string values and '-' for empty", () => {
    expect(parsePrlctlList(LIST_FIXTURE)).toEqual([
      {
        uuid: "bb586bcf-703d-47f9-b902-b60d54504c2a",
        name: "hp-101",
        state: "running",
        ip: "10.211.55.130",
        type: "CT",
      },
      { uuid: "0f3cc2b2-4c4c-4bfb-9f4f-3f4f0c3a9d10", name: "hp-102", state: "unknown", ip: null, type: "CT" },
      { uuid: "5d1c7f2e-1111-4bfb-9f4f-3f4f0c3a9d10", name: "node-foreign", state: "stopped", ip: null, type: "CT" },
    ]);
    expect(parsePrlctlList("")).toEqual([]);
    expect(() => parsePrlctlList("{}")).toThrow();
  });

  it("maps every documented status, unknown ones to unknown", () => {
    expect(
      [
        "stopped",
        "starting",
        "running",
        "paused",
        "suspended",
        "stopping",
        "migrating",
        "mounted",
        "invalid",
        "new-thing",
      ].map(mapPrlctlStatus),
    ).toEqual([
      "stopped",
      "starting",
      "running",
      "paused",
      "suspended",
      "stopping",
      "migrating",
      "unknown",
      "unknown",
      "unknown",
    ]);
  });

  it("parses sizes and frequencies with units", () => {
    expect(parseSizeMb("1024Mb")).toBe(1024);
    expect(parseSizeMb("2Gb")).toBe(2048);
    expect(parseSizeMb("512")).toBe(512);
    expect(parseSizeMb("1048576Kb")).toBe(1024);
    expect(parseSizeMb("lots")).toBeNull();
    expect(parseFrequencyMhz("1600Mhz")).toBe(1600);
    expect(parseFrequencyMhz("2.4GHz")).toBe(2400);
    expect(parseFrequencyMhz("x")).toBeNull();
  });

  it("parses list -i -j details (object or one-element array) and recovers cloudlets", () => {
    const details = parsePrlctlDetails(DETAILS_FIXTURE);
    expect(details).toMatchObject({
      name: "hp-101",
      state: "running",
      ip: "10.211.55.130",
      hostname: "web-101",
      cpus: 2,
      cpuLimitMhz: 1600,
      cpuUnits: 250,
      memoryMb: 1024,
      diskMb: 10240,
    });
    expect(parsePrlctlDetails(`[${DETAILS_FIXTURE}]`).name).toBe("hp-101");
    expect(limitsFromDetails(details)).toEqual({ dynamicCloudlets: 8, reservedCloudlets: 2, diskGib: 10 });
  });

  it("parses guest /proc counters", () => {
    const text =
      "cpu  100 5 50 9000 0 0 0 0 0 0\nMemTotal: 1000 kB\nMemAvailable: 400 kB\n  eth0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n";
    expect(parseGuestProc(text)).toEqual({
      cpuUsageNs: 155 * 10_000_000,
      memoryBytes: 600 * 1024,
      netRx: 10,
      netTx: 20,
    });
  });
});
