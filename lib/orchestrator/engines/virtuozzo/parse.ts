import { CLOUDLET_RAM_MIB } from "../../cloudlet";
import type { ContainerLimits, ContainerState } from "../types";

const STATUSES: Record<string, ContainerState> = {
  running: "running",
  stopped: "stopped",
  starting: "starting",
  stopping: "stopping",
  paused: "paused",
  suspended: "suspended",
  migrating: "migrating",
};

/** Unknown or new statuses ("mounted", "invalid", …) are reported as unknown, never thrown. */
export function mapPrlctlStatus(status: unknown): ContainerState {
  return typeof status === "string" ? (STATUSES[status.trim().toLowerCase()] ?? "unknown") : "unknown";
}

/** "-" is prlctl's empty value. */
function valueOrNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" || trimmed === "-" ? null : trimmed;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1 / (1024 * 1024),
  kb: 1 / 1024,
  k: 1 / 1024,
  mb: 1,
  m: 1,
  gb: 1024,
  g: 1024,
  tb: 1024 * 1024,
  t: 1024 * 1024,
};
const FREQUENCY_UNITS: Record<string, number> = { hz: 1e-6, khz: 1e-3, mhz: 1, ghz: 1000 };

/** "1024Mb" → 1024, "2Gb" → 2048 (MiB); a bare number is taken as MiB. */
export function parseSizeMb(value: unknown): number | null {
  if (typeof value === "number") return value;
  const match = /^\s*([\d.]+)\s*([a-z]*)\s*$/i.exec(String(value ?? ""));
  if (!match) return null;
  const unit = match[2]!.toLowerCase() || "mb";
  const factor = SIZE_UNITS[unit];
  return factor === undefined ? null : Number(match[1]) * factor;
}

/** "1600Mhz" → 1600, "2.4Ghz" → 2400 (MHz). */
export function parseFrequencyMhz(value: unknown): number | null {
  if (typeof value === "number") return value;
  const match = /^\s*([\d.]+)\s*([a-z]*)\s*$/i.exec(String(value ?? ""));
  if (!match) return null;
  const factor = FREQUENCY_UNITS[(match[2] || "mhz").toLowerCase()];
  return factor === undefined ? null : Number(match[1]) * factor;
}

export interface PrlctlListEntry {
  uuid: string | null;
  name: string;
  state: ContainerState;
  ip: string | null;
  type: string | null;
}

/** Parses `prlctl list -a -j -o uuid,name,status,ip_configured,type`. */
export function parsePrlctlList(stdout: string): PrlctlListEntry[] {
  const data: unknown = JSON.parse(stdout.trim() || "[]");
  if (!Array.isArray(data)) throw new SyntaxError("prlctl list -j did not print a JSON array");
  return data
    .filter(
      (row): row is Record<string, unknown> =>
        typeof row === "object" && row !== null && typeof (row as Record<string, unknown>).name === "string",
    )
    .map((row) => ({
      uuid: valueOrNull(row.uuid),
      name: String(row.name),
      state: mapPrlctlStatus(row.status),
      ip: firstIpv4(valueOrNull(row.ip_configured) ?? valueOrNull(row.ip)),
      type: valueOrNull(row.type),
    }));
}

function firstIpv4(value: unknown): string | null {
  const text = Array.isArray(value) ? value.join(" ") : typeof value === "string" ? value : "";
  return /\b(\d{1,3}(?:\.\d{1,3}){3})\b/.exec(text)?.[1] ?? null;
}

export interface PrlctlDetails {
  name: string;
  state: ContainerState;
  ip: string | null;
  hostname: string | null;
  cpus: number | null;
  cpuLimitMhz: number | null;
  cpuUnits: number | null;
  memoryMb: number | null;
  diskMb: number | null;
}

/** Parses `prlctl list -i -j <name>`: an object (or a one-element array) with capitalised keys. */
export function parsePrlctlDetails(stdout: string): PrlctlDetails {
  let data: unknown = JSON.parse(stdout);
  if (Array.isArray(data)) data = data[0];
  if (typeof data !== "object" || data === null) throw new SyntaxError("prlctl list -i -j did not print an object");
  const root = data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const hardware = root.Hardware ?? {};
  const cpu = hardware.cpu ?? {};
  const number = (value: unknown) =>
    value === undefined || value === null || value === "-"
      ? null
      : Number.isFinite(Number(value))
        ? Number(value)
        : null;
  return {
    name: String(root.Name ?? ""),
    state: mapPrlctlStatus(root.State),
    ip: firstIpv4(hardware.venet0?.ips ?? root.venet0?.ips ?? null),
    hostname: valueOrNull(root.Hostname),
    cpus: number(cpu.cpus),
    cpuLimitMhz: parseFrequencyMhz(cpu.cpulimit),
    cpuUnits: number(cpu.cpuunits),
    memoryMb: parseSizeMb(hardware.memory?.size),
    diskMb: parseSizeMb(hardware.hdd0?.size),
  };
}

/** Cloudlet limits recovered from what prlctl reports (inverse of the argv builders). */
export function limitsFromDetails(details: PrlctlDetails): ContainerLimits | null {
  if (details.memoryMb === null) return null;
  return {
    dynamicCloudlets: Math.round(details.memoryMb / CLOUDLET_RAM_MIB),
    reservedCloudlets: details.cpuUnits === null ? 0 : Math.round((details.cpuUnits * 8) / 1000),
    diskGib: details.diskMb === null ? 0 : Math.round((details.diskMb / 1024) * 100) / 100,
  };
}

/** Usage inside a running CT from /proc/stat, /proc/meminfo and /proc/net/dev printed together. */
export function parseGuestProc(text: string): {
  cpuUsageNs: number;
  memoryBytes: number;
  netRx: number;
  netTx: number;
} {
  const cpu = /^cpu\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(text);
  // USER_HZ is 100 on every Linux Virtuozzo supports: one jiffy = 10 ms.
  const cpuUsageNs = cpu ? (Number(cpu[1]) + Number(cpu[2]) + Number(cpu[3])) * 10_000_000 : 0;
  const total = Number(/^MemTotal:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  const available = Number(/^MemAvailable:\s+(\d+)/m.exec(text)?.[1] ?? total);
  let netRx = 0;
  let netTx = 0;
  for (const match of text.matchAll(/^\s*([\w.@-]+):\s*(\d+(?:\s+\d+){8,})/gm)) {
    if (match[1] === "lo") continue;
    const fields = match[2]!.split(/\s+/).map(Number);
    netRx += fields[0]!;
    netTx += fields[8]!;
  }
  return { cpuUsageNs, memoryBytes: (total - available) * 1024, netRx, netTx };
}
