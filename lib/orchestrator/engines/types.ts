import type { CommandRunner } from "../transport/types";
import type { NodeNetworkPolicy } from "../network-policy";

/** Cloudlet-based limits (1 cloudlet = 128 MiB RAM + 400 MHz CPU). */
export interface ContainerLimits {
  /** Guaranteed cloudlets: what placement counts; becomes the CPU weight. */
  reservedCloudlets: number;
  /** Burst ceiling in cloudlets: becomes the hard memory and CPU limits. */
  dynamicCloudlets: number;
  diskGib: number;
}

/**
 * What a container is created from. A discriminated union so that new kinds (Debian stack
 * templates, …) are added as new members with their own provisioning strategy while callers
 * keep calling `create(spec)`.
 */
export type ContainerTemplate =
  /** Minimal rootfs from Debian's busybox-static (lxc-create -t busybox). */
  | { kind: "busybox" }
  /** Copy of a prepared template container on the same node; snapshot = overlayfs copy-on-write. */
  | { kind: "clone"; source: string; snapshot: boolean }
  /** A Virtuozzo OS/app template name (prlctl create --ostemplate). */
  | { kind: "os-template"; name: string };

export type TemplateKind = ContainerTemplate["kind"];

export interface ContainerSpec {
  /** "hp-<container id>"; must match ^[a-z][a-z0-9-]{0,62}$ and start with "hp-". */
  name: string;
  /** IPv4 chosen by the orchestrator, e.g. "10.213.5.7"; the engine never picks one. */
  ip: string;
  hostname?: string;
  template: ContainerTemplate;
  limits: ContainerLimits;
  env?: Record<string, string>;
}

export type ContainerState =
  "running" | "stopped" | "starting" | "stopping" | "paused" | "suspended" | "migrating" | "unknown";

export interface ObservedContainer {
  name: string;
  state: ContainerState;
  ip: string | null;
  limits: ContainerLimits | null;
  /** True for the leftovers of a create that was interrupted: create() again finishes the job. */
  incomplete?: boolean;
  /** True for a container created privileged before issue 12: start() converts it (lxc). */
  privileged?: boolean;
}

export interface ProbeResult {
  engine: EngineKind;
  engineVersion: string;
  cpuCores: number;
  mhzPerCore: number;
  ramBytes: number;
  diskTotalBytes: number;
  diskFreeBytes: number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: [number, number, number];
  swapTotalBytes: number;
  swapFreeBytes: number;
  simulated: boolean;
}

export interface ContainerStats {
  name: string;
  /** Cumulative CPU time in nanoseconds (a counter: rate = delta / interval). */
  cpuUsageNs: number;
  memoryBytes: number;
  diskBytes: number;
  /** Cumulative counters seen from inside the container. */
  netRxBytes: number;
  netTxBytes: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
  /** A file on the panel's machine streamed to the command's stdin (deploy archives). */
  inputFile?: string;
}

/** The destination of a migration: another node driven by an engine of the same kind. */
export interface MigrationTarget {
  node: EngineNodeConfig;
  runner: CommandRunner;
}

export interface ContainerEngine {
  readonly kind: EngineKind;
  readonly node: EngineNodeConfig;
  probe(): Promise<ProbeResult>;
  list(): Promise<ObservedContainer[]>;
  create(spec: ContainerSpec): Promise<void>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  destroy(name: string): Promise<void>;
  setLimits(name: string, limits: ContainerLimits): Promise<void>;
  exec(name: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  stats(): Promise<ContainerStats[]>;
  migrate(name: string, target: MigrationTarget): Promise<void>;
  /** Replaces the node's tenant firewall with this policy (engines without one omit it). */
  applyNetworkPolicy?(policy: NodeNetworkPolicy): Promise<void>;
}

export type EngineKind = "lxc" | "virtuozzo" | "sim";

export interface LxcNodeSettings {
  /** Own lxcpath of this hardware node, e.g. /var/lib/hostplane/lxc/hn-1. */
  lxcPath: string;
  /** Linux bridge name (≤ 15 characters), e.g. "hp-br1". */
  bridge: string;
  /** A /24 out of 10.213.0.0/16, e.g. "10.213.5.0/24". */
  subnetCidr: string;
  /** The .1 of the subnet, set on the bridge. */
  gatewayIp: string;
  /** Overrides the measured MHz per core used for CPU quotas (default: from /proc/cpuinfo). */
  mhzPerCore?: number;
}

export interface VirtuozzoNodeSettings {
  /** Template used when a spec asks for busybox (Virtuozzo has no busybox template). */
  defaultOsTemplate?: string;
  /** Host name prlctl migrate uses to reach this node from another node. */
  migrationHost?: string;
}

export interface SimNodeSettings {
  seed?: number;
  latencyMs?: { min: number; max: number };
  /** Probability 0..1 that an operation fails with a transient error. */
  failureRate?: number;
  cpuCores?: number;
  mhzPerCore?: number;
  ramBytes?: number;
  diskBytes?: number;
}

export interface EngineNodeConfig {
  /** Hardware node name, used in errors and logs. */
  name: string;
  engine: EngineKind;
  lxc?: LxcNodeSettings;
  virtuozzo?: VirtuozzoNodeSettings;
  sim?: SimNodeSettings;
  /** Per-command bound (default 60 s; create/migrate use longer bounds). */
  timeoutMs?: number;
}
