import type { NodeCommands } from "./command";
import type { ProbeResult } from "./types";

export function parseCpuinfo(text: string): { cores: number; mhzPerCore: number } {
  const cores = (text.match(/^processor\s*:/gm) ?? []).length;
  const mhz = [...text.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((match) => Number(match[1]));
  const average = mhz.length > 0 ? mhz.reduce((sum, value) => sum + value, 0) / mhz.length : 0;
  return { cores: Math.max(1, cores), mhzPerCore: Math.round(average) };
}

export function parseMeminfo(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const match of text.matchAll(/^(\w+(?:\(\w+\))?):\s+(\d+)( kB)?$/gm)) {
    values[match[1]!] = Number(match[2]) * (match[3] ? 1024 : 1);
  }
  return values;
}

export function parseLoadavg(text: string): [number, number, number] {
  const match = /^([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+\d+\/\d+/m.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
}

/** Parses `df -P -B1 <path>`: total and available bytes of the filesystem. */
export function parseDf(stdout: string): { total: number; free: number } {
  const line = stdout.trim().split("\n")[1] ?? "";
  const fields = line.trim().split(/\s+/);
  return { total: Number(fields[1] ?? 0), free: Number(fields[3] ?? 0) };
}

/** CPU, memory, load and disk of a Linux host, in three commands. */
export async function readHostFacts(options: {
  commands: NodeCommands;
  diskPath: string;
}): Promise<Omit<ProbeResult, "engine" | "engineVersion" | "simulated">> {
  const { commands } = options;
  const cpuinfo = await commands.check(["cat", "/proc/cpuinfo"]);
  const memAndLoad = await commands.check(["cat", "/proc/meminfo", "/proc/loadavg"]);
  let df = await commands.run(["df", "-P", "-B1", "--", options.diskPath]);
  if (df.code !== 0) df = await commands.check(["df", "-P", "-B1", "--", "/"]);
  const cpu = parseCpuinfo(cpuinfo.stdout);
  const mem = parseMeminfo(memAndLoad.stdout);
  const disk = parseDf(df.stdout);
  return {
    cpuCores: cpu.cores,
    mhzPerCore: cpu.mhzPerCore,
    ramBytes: mem.MemTotal ?? 0,
    diskTotalBytes: disk.total,
    diskFreeBytes: disk.free,
    loadAverage: parseLoadavg(memAndLoad.stdout),
    swapTotalBytes: mem.SwapTotal ?? 0,
    swapFreeBytes: mem.SwapFree ?? 0,
  };
}
