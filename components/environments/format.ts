// Pure display helpers for the developer dashboard (no React, no data access).
import { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB } from "@/lib/orchestrator/cloudlet";
import { formatMhz as formatCpu, formatMib as formatRam } from "@/lib/format";

export { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB };

import type { Tone } from "@/lib/tone";

export type { Tone };

const STATUS_TONES: Record<string, Tone> = {
  RUNNING: "green",
  SUCCEEDED: "green",
  STOPPED: "slate",
  SKIPPED: "slate",
  PENDING: "slate",
  CANCELLED: "slate",
  UNKNOWN: "slate",
  CREATING: "blue",
  UPDATING: "blue",
  STARTING: "blue",
  STOPPING: "blue",
  MIGRATING: "blue",
  DEGRADED: "amber",
  DELETING: "amber",
  FAILED: "red",
  FAILURE: "red",
  SUCCESS: "green",
};

export function statusTone(status: string): Tone {
  return STATUS_TONES[status] ?? "slate";
}

/** "RUNNING" → "Running"; the badge always shows this text, so colour is never the only signal. */
export function statusLabel(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

export const ROLE_LABELS: Record<string, string> = {
  BALANCER: "Load balancer",
  APP: "Application server",
  CACHE: "Cache",
  SQL: "SQL database",
  NOSQL: "NoSQL database",
  STATIC: "Static web",
  CUSTOM: "Custom",
};

// RAM and CPU read the same on every page: one formatter per unit, in lib/format.ts.
export { formatRam, formatCpu };

/** What a number of cloudlets means: "4 cloudlets = 512 MiB RAM + 1.6 GHz CPU". */
export function describeCloudlets(cloudlets: number): string {
  return `${formatRam(cloudlets * CLOUDLET_RAM_MIB)} RAM + ${formatCpu(cloudlets * CLOUDLET_CPU_MHZ)} CPU`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function durationBetween(
  start: Date | string | null,
  end: Date | string | null,
  now = Date.now(),
): number | null {
  if (!start) return null;
  const a = new Date(start).getTime();
  const b = end ? new Date(end).getTime() : now;
  return b - a;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Per-second rates from cumulative counters; a counter reset (container restart) yields 0, not a negative spike. */
export function counterRates(points: { at: number; value: number }[]): { at: number; rate: number }[] {
  const out: { at: number; rate: number }[] = [];
  for (let i = 1; i < points.length; i++) {
    const dt = (points[i].at - points[i - 1].at) / 1000;
    const dv = points[i].value - points[i - 1].value;
    out.push({ at: points[i].at, rate: dt > 0 && dv >= 0 ? dv / dt : 0 });
  }
  return out;
}

/** Builds a list-page URL keeping the other params: search, status and page live in the URL. */
export function listHref(
  current: { q?: string; status?: string; page?: number },
  change: { q?: string; status?: string; page?: number },
): string {
  const next = { ...current, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.status) params.set("status", next.status);
  if (next.page && next.page > 1) params.set("page", String(next.page));
  const s = params.toString();
  return s ? `/environments?${s}` : "/environments";
}
