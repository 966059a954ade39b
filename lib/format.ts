// Pure display helpers shared by the data layer's DTOs and the components (no React, no data access).
// One formatter per unit, so the same value reads the same on every page: 1024 MiB is "1 GiB" in the
// wizard and in the admin console alike.
import { DEFAULT_LOAD_MARK, loadMark, type NodeLoad } from "@/lib/orchestrator/scheduler";

/** The scheduler's own load snapshot: the rating reads exactly what placement reads. */
export type NodeLoadInput = NodeLoad;

export type LoadRating = {
  mark: number;
  level: "idle" | "low" | "moderate" | "high";
  label: string;
  tone: "green" | "blue" | "amber" | "red";
  /** The formula with this node's numbers, for the badge's hover text. */
  formula: string;
};

const share = (used: number, total: number) => (total > 0 ? used / total : 0);
const two = (n: number) => (Math.round(n * 100) / 100).toFixed(2);

/**
 * "Load mark 35 = (swap 0.10×1 + memory 0.60×0.2 + disk 0.30×0.5 + CPU 0.00×1) × 100 …": the
 * scheduler's loadMark spelled out with the node's shares, so the number on the badge can be checked.
 */
export function loadMarkFormula(load: NodeLoadInput): string {
  const c = DEFAULT_LOAD_MARK;
  const cpuRatio = share(load.loadAvg5, load.cores * 2);
  const cpu = cpuRatio > 1 ? cpuRatio : 0;
  return (
    `Load mark ${Math.round(loadMark(load))} = (swap ${two(share(load.swapUsedMib, load.swapTotalMib))}×${c.swap}` +
    ` + memory ${two(share(load.memUsedMib, load.memTotalMib))}×${c.mem}` +
    ` + disk ${two(share(load.diskUsedGib, load.diskTotalGib))}×${c.disk}` +
    ` + CPU ${two(cpu)}×${c.cpu}) × 100. CPU counts only above a 5-minute load average of 2 × cores` +
    ` (now ${two(load.loadAvg5)} on ${load.cores} core${load.cores === 1 ? "" : "s"}).` +
    ` Real usage from the last probe, not reservations; lower is better: < 10 idle, < 40 low, < 80 moderate, else high.`
  );
}

/**
 * Jelastic's load mark (see the scheduler's loadMark: swap×1 + mem×0.2 + disk×0.5 + CPU overload,
 * × 100) rounded, with a word so colour is never the only signal. Bands: < 10 idle, < 40 low,
 * < 80 moderate, otherwise high (a full disk alone gives 50, full memory and disk give 70).
 */
export function loadRatingOf(load: NodeLoadInput): LoadRating {
  const mark = Math.round(loadMark(load));
  const formula = loadMarkFormula(load);
  if (mark < 10) return { mark, level: "idle", label: "idle", tone: "green", formula };
  if (mark < 40) return { mark, level: "low", label: "low", tone: "green", formula };
  if (mark < 80) return { mark, level: "moderate", label: "moderate", tone: "amber", formula };
  return { mark, level: "high", label: "high", tone: "red", formula };
}

/** Percentage 0–100 (rounded, clamped); 0 when the total is unknown. */
export function percentOf(used: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.round((used / total) * 100)));
}

/** One decimal at most, none when the value is whole: 1 → "1", 1.5 → "1.5", 1.04 → "1". */
function scaled(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/** Memory in MiB: "512 MiB", "1 GiB", "1.5 GiB", "2 TiB". */
export function formatMib(mib: number): string {
  if (mib >= 1024 * 1024) return `${scaled(mib / 1024 / 1024)} TiB`;
  if (mib >= 1024) return `${scaled(mib / 1024)} GiB`;
  return `${Math.round(mib)} MiB`;
}

/** Disk in GiB: "40 GiB", "1.5 TiB". */
export function formatGib(gib: number): string {
  return gib >= 1024 ? `${scaled(gib / 1024)} TiB` : `${Math.round(gib)} GiB`;
}

/** CPU in MHz: "400 MHz", "1 GHz", "3.2 GHz". */
export function formatMhz(mhz: number): string {
  return mhz >= 1000 ? `${scaled(mhz / 1000)} GHz` : `${Math.round(mhz)} MHz`;
}

/** "3 min ago" style age, from a reference time so server renders are deterministic in tests. */
export function ageOf(date: Date | null, now: Date = new Date()): string {
  if (!date) return "never";
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}
