import type { ContainerLimits, ContainerTemplate } from "../types";
import { cgroupV1Values } from "../cloudlets";
import { formatIpv4, parseCidr, parseIpv4 } from "../names";

/** What Hostplane records next to each container (<lxcpath>/<name>/hostplane.json, one JSON line). */
export interface ContainerMetadata {
  name: string;
  ip: string;
  /** Prefix length the container uses for its own address (its home subnet, kept on migration). */
  prefix: number;
  /** Gateway the container routes through: the .1 of its home subnet. */
  gateway: string;
  hostname: string;
  template: ContainerTemplate;
  limits: ContainerLimits;
  env: Record<string, string>;
  /**
   * The user-namespace id map the container runs with (root inside = hostBase on the host).
   * Absent in containers created before issue 12: those are privileged and converted on start.
   */
  idmap?: IdMap;
  /** True when the writable layer lives on the container's own sized ext4 image (disk.img). */
  diskImage?: boolean;
}

/** Container ids 0..size-1 are host ids hostBase..hostBase+size-1. */
export interface IdMap {
  hostBase: number;
  size: number;
}

/**
 * One id range per node (every node uses the same one): stack templates are shifted into it
 * once and shared read-only by every overlay clone. 1 000 000 is above the ranges useradd hands
 * out in /etc/subuid to the first users (100000 + n·65536, the 15th user's range would reach it).
 * Root holds it in /etc/subuid and /etc/subgid (idrange.ts): LXC maps ids through shadow's
 * newuidmap whenever that is installed, even for root.
 */
export const NODE_IDMAP: IdMap = { hostBase: 1_000_000, size: 65_536 };

/** lxc-usernsexec prefix: runs argv as the container's root (mapped ids), e.g. to unpack a rootfs. */
export function asMappedRoot(idmap: IdMap, argv: string[]): string[] {
  return ["lxc-usernsexec", "-m", `b:0:${idmap.hostBase}:${idmap.size}`, "--", ...argv];
}

/** Where a container's disk image is mounted; the writable layer lives below it. */
export const DISK_IMAGE_FILE = "disk.img";
export const DISK_MOUNT_DIR = "disk";

/**
 * The host end of a container's veth: "hv" + its IPv4 in hex (≤ 15 characters, unique per
 * address, stable across restarts and migration), so firewall rules can name container ports.
 */
export function vethNameFor(ip: string): string {
  return `hv${parseIpv4(ip).toString(16).padStart(8, "0")}`;
}

export const METADATA_FILE = "hostplane.json";
export const MANAGED_CONFIG_FILE = "hostplane.conf";
export const MIGRATION_MARKER_FILE = "hostplane-migration.json";

export function containerDir(options: { lxcPath: string; name: string }): string {
  return `${options.lxcPath.replace(/\/+$/, "")}/${options.name}`;
}

/** The gateway of an address's /24: the .1 a Hostplane node puts on its bridge. */
export function homeGatewayFor(ip: string): string {
  return formatIpv4(((parseIpv4(ip) & 0xffffff00) >>> 0) + 1);
}

/**
 * Everything Hostplane manages about a container in one included file: network (static
 * address and gateway via LXC, so no DHCP client ever runs), hostname, cgroup v1 limits and
 * environment. setLimits and migrate rewrite this file only; the template's base config stays.
 */
export function renderManagedConfig(options: {
  metadata: ContainerMetadata;
  bridge: string;
  mhzPerCore: number;
}): string {
  const { metadata, bridge, mhzPerCore } = options;
  const broadcast = formatIpv4(
    (parseCidr(`${metadata.ip}/${metadata.prefix}`).network | (0xffffffff >>> metadata.prefix)) >>> 0,
  );
  const lines = [
    "# Managed by Hostplane (network, hostname, limits, environment); rewritten on setLimits and migrate.",
    `lxc.uts.name = ${metadata.hostname}`,
    ...(metadata.idmap
      ? [
          // Unprivileged: root inside is an ordinary id range on the host (see NODE_IDMAP).
          "lxc.include = /usr/share/lxc/config/userns.conf",
          `lxc.idmap = u 0 ${metadata.idmap.hostBase} ${metadata.idmap.size}`,
          `lxc.idmap = g 0 ${metadata.idmap.hostBase} ${metadata.idmap.size}`,
        ]
      : []),
    "lxc.net.0.type = veth",
    `lxc.net.0.link = ${bridge}`,
    `lxc.net.0.veth.pair = ${vethNameFor(metadata.ip)}`,
    "lxc.net.0.flags = up",
    "lxc.net.0.name = eth0",
    `lxc.net.0.hwaddr = ${macAddressFor(metadata.ip)}`,
    `lxc.net.0.ipv4.address = ${metadata.ip}/${metadata.prefix} ${broadcast}`,
    `lxc.net.0.ipv4.gateway = ${metadata.gateway}`,
    ...Object.entries(cgroupV1Values({ limits: metadata.limits, mhzPerCore })).map(
      ([key, value]) => `lxc.cgroup.${key} = ${value}`,
    ),
    ...Object.entries(metadata.env).map(([key, value]) => `lxc.environment = ${key}=${value}`),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * A stable, locally administered MAC derived from the container's IP (02:68:<4 IP octets>):
 * after a restart or migration the address keeps its MAC, so neighbours' ARP entries stay
 * valid instead of blackholing traffic until they expire.
 */
export function macAddressFor(ip: string): string {
  const value = parseIpv4(ip);
  const octets = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return ["02", "68", ...octets.map((octet) => octet.toString(16).padStart(2, "0"))].join(":");
}

const MANAGED_KEY = /^\s*lxc\.(net\.|uts\.name|cgroup\.|cgroup2\.|environment|idmap)/;
const USERNS_INCLUDE = /^\s*lxc\.include\s*=\s*\/usr\/share\/lxc\/config\/userns\.conf\s*$/;
const OUR_INCLUDE = /^\s*lxc\.include\s*=.*\/hostplane\.conf\s*$/;

/**
 * Normalises the config lxc-create / lxc-copy wrote: keys Hostplane manages are dropped (they
 * live in hostplane.conf, included last so it wins), and a dir rootfs is pointed at this
 * lxcpath, which is what makes a copied directory a valid container on another node.
 */
export function rewriteMainConfig(options: { text: string; lxcPath: string; name: string }): string {
  const dir = containerDir(options);
  const kept = options.text
    .split("\n")
    .filter((line) => !MANAGED_KEY.test(line) && !OUR_INCLUDE.test(line) && !USERNS_INCLUDE.test(line))
    .map((line) => {
      if (!/^\s*lxc\.rootfs\.path\s*=/.test(line)) return line;
      // A rootfs on the container's disk image keeps that place (relative to the container dir).
      const onDisk = new RegExp(`/${DISK_MOUNT_DIR}/(rootfs|delta)\\s*$`).exec(line);
      if (/=\s*dir:/.test(line))
        return `lxc.rootfs.path = dir:${dir}/${onDisk ? `${DISK_MOUNT_DIR}/rootfs` : "rootfs"}`;
      const overlay = /=\s*(overlay(?:fs)?):([^:\s]+):\S+\s*$/.exec(line);
      if (overlay && onDisk) return `lxc.rootfs.path = ${overlay[1]}:${overlay[2]}:${dir}/${DISK_MOUNT_DIR}/delta`;
      return line;
    });
  while (kept.length > 0 && kept[kept.length - 1]!.trim() === "") kept.pop();
  return `${kept.join("\n")}\nlxc.include = ${dir}/${MANAGED_CONFIG_FILE}\n`;
}

/** The rootfs directory of a dir-backed container, or null for overlay or other backends. */
export function dirRootfsOf(configText: string): string | null {
  const match = /^\s*lxc\.rootfs\.path\s*=\s*(?:dir:)?(\/\S+)\s*$/m.exec(configText);
  return match ? match[1]! : null;
}

/** The directory changes are written to: the rootfs of a dir container, the upper dir of an overlay. */
export function writableRootfsOf(configText: string): string | null {
  const overlay = /^\s*lxc\.rootfs\.path\s*=\s*overlay(?:fs)?:[^:\s]+:(\/\S+)\s*$/m.exec(configText);
  return overlay ? overlay[1]! : dirRootfsOf(configText);
}

export function isOverlayRootfs(configText: string): boolean {
  return /^\s*lxc\.rootfs\.path\s*=\s*overlay(fs)?:/m.test(configText);
}

/**
 * Replaces the stock busybox rcS, which runs udhcpc and would wipe the static address LXC
 * configured. Mounts fstab entries and nothing else; the address and default route come from
 * lxc.net.0.ipv4.address / ipv4.gateway before init starts.
 */
export const BUSYBOX_RCS = `#!/bin/sh
# Hostplane: static network is configured by LXC; no DHCP client runs here.
/bin/mount -a
[ -x /etc/init.d/hostplane-local ] && /etc/init.d/hostplane-local
exit 0
`;

/** No getty or console shell: nothing listens on a console nobody attaches to. */
export const BUSYBOX_INITTAB = `::sysinit:/etc/init.d/rcS
::shutdown:/bin/umount -a -r
`;

export function renderHostsFile(options: { ip: string; hostname: string }): string {
  return `127.0.0.1 localhost\n${options.ip} ${options.hostname}\n`;
}

export function serializeMetadata(metadata: ContainerMetadata): string {
  return `${JSON.stringify(metadata)}\n`;
}

/** Parses concatenated one-line metadata files; lines that are not metadata are skipped. */
export function parseMetadataLines(text: string): ContainerMetadata[] {
  const result: ContainerMetadata[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as ContainerMetadata;
      if (value && typeof value.name === "string" && typeof value.ip === "string") result.push(value);
    } catch {
      // A half-written file from a crash: the container counts as incomplete.
    }
  }
  return result;
}
