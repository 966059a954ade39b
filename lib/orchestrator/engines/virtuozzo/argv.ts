import { assertOperand } from "../../transport/quote";
import { CLOUDLET_RAM_MIB } from "../../cloudlet";
import { CLOUDLET_MHZ } from "../cloudlets";
import type { ContainerLimits } from "../types";

/** Exit codes documented in reference/prlctl.md. */
export const PRLCTL_EXIT = { ok: 0, badArguments: 1, dispatcherDown: 253, frozen: 254, failed: 255 } as const;

const LIST_FIELDS = "uuid,name,status,ip_configured,type";

/**
 * cpuunits is prlctl's relative CPU weight (default 1000). Like cpu.shares on lxc: the default
 * weight per 8 reserved cloudlets, i.e. 125 per cloudlet, clamped to the allowed 8..500000.
 */
export function cpuUnitsFor(limits: ContainerLimits): number {
  return Math.min(500_000, Math.max(8, Math.round((1000 * limits.reservedCloudlets) / 8)));
}

export const prlctlArgv = {
  version: () => ["prlctl", "--version"],
  list: () => ["prlctl", "list", "-a", "-j", "-o", LIST_FIELDS],
  details: (name: string) => ["prlctl", "list", "-i", "-j", assertOperand(name, "name")],
  create: (options: { name: string; osTemplate: string }) => [
    "prlctl",
    "create",
    assertOperand(options.name, "name"),
    "--vmtype",
    "ct",
    "--ostemplate",
    assertOperand(options.osTemplate, "ostemplate"),
  ],
  /** CPU and memory straight from cloudlets: --memsize dynamic×128 MB, --cpulimit dynamic×400 MHz. */
  setResources: (options: { name: string; limits: ContainerLimits }) => [
    "prlctl",
    "set",
    assertOperand(options.name, "name"),
    "--memsize",
    String(options.limits.dynamicCloudlets * CLOUDLET_RAM_MIB),
    "--cpulimit",
    `${options.limits.dynamicCloudlets * CLOUDLET_MHZ}m`,
    "--cpuunits",
    String(cpuUnitsFor(options.limits)),
  ],
  setDisk: (options: { name: string; diskGib: number }) => [
    "prlctl",
    "set",
    assertOperand(options.name, "name"),
    "--device-set",
    "hdd0",
    "--size",
    String(Math.round(options.diskGib * 1024)),
  ],
  setNetwork: (options: { name: string; ip: string; prefix: number; hostname: string }) => [
    "prlctl",
    "set",
    assertOperand(options.name, "name"),
    "--ipdel",
    "all",
    "--ipadd",
    `${options.ip}/${options.prefix}`,
    "--hostname",
    assertOperand(options.hostname, "hostname"),
  ],
  start: (name: string) => ["prlctl", "start", assertOperand(name, "name")],
  stop: (name: string) => ["prlctl", "stop", assertOperand(name, "name")],
  restart: (name: string) => ["prlctl", "restart", assertOperand(name, "name")],
  delete: (name: string) => ["prlctl", "delete", assertOperand(name, "name")],
  /** --without-shell: argv reaches the program as-is instead of through `bash -c` inside. */
  exec: (options: { name: string; argv: string[] }) => {
    if (options.argv.length === 0) throw new TypeError("exec needs a command");
    assertOperand(options.argv[0]!, "command");
    return ["prlctl", "exec", assertOperand(options.name, "name"), "--without-shell", ...options.argv];
  },
  migrate: (options: { name: string; destination: string }) => [
    "prlctl",
    "migrate",
    assertOperand(options.name, "name"),
    assertOperand(options.destination, "destination"),
  ],
};
