import type { ContainerState } from "../types";

export function mapLxcState(state: string): ContainerState {
  switch (state.trim().toUpperCase()) {
    case "RUNNING":
    case "THAWED":
      return "running";
    case "STOPPED":
      return "stopped";
    case "STARTING":
      return "starting";
    case "STOPPING":
    case "ABORTING":
      return "stopping";
    case "FREEZING":
    case "FROZEN":
      return "paused";
    default:
      return "unknown";
  }
}

export interface LxcListEntry {
  name: string;
  state: ContainerState;
  pid: number | null;
}

/** Parses `lxc-ls --fancy -F NAME,STATE,PID` (header line, then whitespace-separated columns, "-" for empty). */
export function parseLxcLsFancy(stdout: string): LxcListEntry[] {
  const entries: LxcListEntry[] = [];
  for (const line of stdout.split("\n")) {
    const [name, state, pid] = line.trim().split(/\s+/);
    if (!name || !state || name === "NAME") continue;
    entries.push({ name, state: mapLxcState(state), pid: pid && /^\d+$/.test(pid) ? Number(pid) : null });
  }
  return entries;
}

/** Parses `lxc-info -s -p` ("State: RUNNING", "PID: 123"). */
export function parseLxcInfo(stdout: string): { state: ContainerState; pid: number | null } {
  const state = /^State:\s*(\S+)/m.exec(stdout)?.[1] ?? "";
  const pid = /^PID:\s*(\d+)/m.exec(stdout)?.[1];
  return { state: mapLxcState(state), pid: pid ? Number(pid) : null };
}

/** Parses `grep -H "" files…` output into file → content, so many files cost one command. */
export function parseGrepH(stdout: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const line of stdout.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const file = line.slice(0, colon);
    const lines = files.get(file) ?? [];
    lines.push(line.slice(colon + 1));
    files.set(file, lines);
  }
  return files;
}

/** cgroup v1 controller → path from /proc/<pid>/cgroup lines "4:memory:/lxc.payload.hp-1". */
export function parseProcCgroup(lines: string[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of lines) {
    const [, controllers, cgroupPath] = line.split(":");
    if (!controllers || cgroupPath === undefined) continue;
    for (const controller of controllers.split(","))
      result.set(controller, `/sys/fs/cgroup/${controllers}${cgroupPath}`);
  }
  return result;
}

/** Sums rx/tx bytes of all non-loopback interfaces in /proc/<pid>/net/dev. */
export function parseNetDev(lines: string[]): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of lines) {
    const match = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!match || match[1] === "lo") continue;
    const fields = match[2]!.trim().split(/\s+/).map(Number);
    if (fields.length < 9) continue;
    rx += fields[0]!;
    tx += fields[8]!;
  }
  return { rx, tx };
}

/** Parses `du -s -B1 paths…` ("bytes\tpath" lines). */
export function parseDu(stdout: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const match = /^(\d+)\s+(.+)$/.exec(line.trim());
    if (match) sizes.set(match[2]!, Number(match[1]));
  }
  return sizes;
}
