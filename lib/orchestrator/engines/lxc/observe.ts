import type { NodeCommands } from "../command";
import type { ContainerStats, ProbeResult } from "../types";
import { isManagedName } from "../names";
import { containerDir } from "./config";
import { readHostFacts } from "../host-facts";
import { parseDu, parseGrepH, parseLxcLsFancy, parseNetDev, parseProcCgroup, type LxcListEntry } from "./parse";

/** Hostplane's containers in this lxcpath only: anything without the hp- prefix is invisible. */
export async function listManaged(options: { commands: NodeCommands; lxcPath: string }): Promise<LxcListEntry[]> {
  const result = await options.commands.check(["lxc-ls", "-P", options.lxcPath, "--fancy", "-F", "NAME,STATE,PID"]);
  return parseLxcLsFancy(result.stdout).filter((entry) => isManagedName(entry.name));
}

export async function probeLxcHost(options: { commands: NodeCommands; lxcPath: string }): Promise<ProbeResult> {
  const { commands, lxcPath } = options;
  const version = await commands.check(["lxc-start", "--version"]);
  await commands.check(["mkdir", "-p", "--", lxcPath]);
  const facts = await readHostFacts({ commands, diskPath: lxcPath });
  return { engine: "lxc", engineVersion: version.stdout.trim(), simulated: false, ...facts };
}

/** Cgroup v1 directories of a running container, found from its init process. */
export async function cgroupDirsOf(options: { commands: NodeCommands; pid: number }): Promise<Map<string, string>> {
  const result = await options.commands.check(["cat", `/proc/${options.pid}/cgroup`]);
  return parseProcCgroup(result.stdout.split("\n"));
}

/**
 * Counters for every managed container in four commands whatever their number: `grep -H ""`
 * prefixes each line with its file, so many /proc and cgroup files are read in one call.
 */
export async function collectStats(options: { commands: NodeCommands; lxcPath: string }): Promise<ContainerStats[]> {
  const { commands, lxcPath } = options;
  const entries = await listManaged({ commands, lxcPath });
  if (entries.length === 0) return [];
  const running = entries.filter((entry) => entry.state === "running" && entry.pid !== null);
  const procFiles = running.flatMap((entry) => [`/proc/${entry.pid}/cgroup`, `/proc/${entry.pid}/net/dev`]);
  const proc =
    procFiles.length > 0
      ? parseGrepH((await commands.check(["grep", "-H", "", "--", ...procFiles], { okCodes: [0, 1, 2] })).stdout)
      : new Map<string, string[]>();
  const cgroupFileOf = new Map<string, { cpu?: string; memory?: string }>();
  for (const entry of running) {
    const dirs = parseProcCgroup(proc.get(`/proc/${entry.pid}/cgroup`) ?? []);
    const cpuacct = dirs.get("cpuacct");
    const memory = dirs.get("memory");
    cgroupFileOf.set(entry.name, {
      cpu: cpuacct ? `${cpuacct}/cpuacct.usage` : undefined,
      memory: memory ? `${memory}/memory.usage_in_bytes` : undefined,
    });
  }
  const cgroupFiles = [...cgroupFileOf.values()]
    .flatMap((files) => [files.cpu, files.memory])
    .filter((file): file is string => Boolean(file));
  const cgroup =
    cgroupFiles.length > 0
      ? parseGrepH((await commands.check(["grep", "-H", "", "--", ...cgroupFiles], { okCodes: [0, 1, 2] })).stdout)
      : new Map<string, string[]>();
  const dirs = entries.map((entry) => containerDir({ lxcPath, name: entry.name }));
  // The whole container directory: its disk image file (allocated blocks, what the host really
  // spends; mounted with discard, so deleted files give their blocks back), or the legacy
  // rootfs / overlay delta of a container from before disk images. -x skips the image's mount.
  const du = parseDu((await commands.check(["du", "-s", "-B1", "-x", "--", ...dirs], { okCodes: [0, 1] })).stdout);
  return entries.map((entry) => {
    const files = cgroupFileOf.get(entry.name) ?? {};
    const net = entry.pid !== null ? parseNetDev(proc.get(`/proc/${entry.pid}/net/dev`) ?? []) : { rx: 0, tx: 0 };
    const numberIn = (file?: string) => (file ? Number(cgroup.get(file)?.[0] ?? 0) : 0);
    return {
      name: entry.name,
      cpuUsageNs: numberIn(files.cpu),
      memoryBytes: numberIn(files.memory),
      diskBytes: du.get(containerDir({ lxcPath, name: entry.name })) ?? 0,
      netRxBytes: net.rx,
      netTxBytes: net.tx,
    };
  });
}
