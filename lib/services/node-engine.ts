// Turns a HardwareNode row into the engine that drives it. Engines are cached per node and the
// columns that define its engine and transport (not the row version, which every reservation
// bumps), so SSH connection sharing and the sim engine's in-memory state persist.
import path from "node:path";
import { createEngine, type ContainerEngine, type EngineNodeConfig } from "@/lib/orchestrator/engines";
import { LocalRunner, SshRunner, type CommandRunner } from "@/lib/orchestrator/transport";
import { openSecret } from "@/lib/crypto/secret-box";
import { config } from "@/lib/config";

export type NodeEngineRow = {
  id: string;
  name: string;
  engine: "LXC" | "VIRTUOZZO" | "SIM";
  transport: "LOCAL" | "SSH";
  sshHost: string | null;
  sshPort: number | null;
  sshUser: string | null;
  sshKeyEncrypted: string | null;
  hostKey: string | null;
  lxcPath: string | null;
  bridge: string | null;
  subnet: string;
  mhzPerCore?: number | null;
  version?: number;
};

export function gatewayOf(subnet: string): string {
  const [base] = subnet.split("/");
  const parts = base.split(".");
  return `${parts[0]}.${parts[1]}.${parts[2]}.1`;
}

export function engineConfigFor(node: NodeEngineRow): EngineNodeConfig {
  const engine = node.engine === "LXC" ? "lxc" : node.engine === "VIRTUOZZO" ? "virtuozzo" : "sim";
  const config: EngineNodeConfig = { name: node.name, engine };
  if (engine === "lxc") {
    if (!node.lxcPath || !node.bridge) throw new Error(`node ${node.name}: an lxc node needs an lxcpath and a bridge`);
    config.lxc = {
      lxcPath: node.lxcPath,
      bridge: node.bridge,
      subnetCidr: node.subnet,
      gatewayIp: gatewayOf(node.subnet),
    };
  }
  if (engine === "sim") config.sim = { seed: hashSeed(node.id), latencyMs: { min: 1, max: 5 }, failureRate: 0 };
  return config;
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function knownHostsDir(): string {
  return path.join(config.HOSTPLANE_DATA_DIR ?? path.join(process.cwd(), ".data"), "known_hosts");
}

export function runnerFor(node: NodeEngineRow): CommandRunner {
  if (node.transport === "LOCAL") return new LocalRunner();
  if (!node.sshHost || !node.sshKeyEncrypted || !node.hostKey)
    throw new Error(`node ${node.name}: SSH transport needs a host, a key and a confirmed host key`);
  const [type, key] = node.hostKey.split(/\s+/);
  return new SshRunner({
    host: node.sshHost,
    port: node.sshPort ?? 22,
    user: node.sshUser ?? "root",
    privateKey: openSecret(node.sshKeyEncrypted),
    hostKey: { type, key },
    knownHostsFile: path.join(knownHostsDir(), `${node.id}`),
  });
}

const cache = new Map<string, { fingerprint: string; engine: ContainerEngine; runner: CommandRunner }>();

/** What the engine and runner are made of: a change to any of these makes a new engine. */
function fingerprintOf(node: NodeEngineRow): string {
  return JSON.stringify([
    node.name,
    node.engine,
    node.transport,
    node.sshHost,
    node.sshPort,
    node.sshUser,
    node.sshKeyEncrypted,
    node.hostKey,
    node.lxcPath,
    node.bridge,
    node.subnet,
    node.mhzPerCore ?? null,
  ]);
}

export function engineFor(node: NodeEngineRow): ContainerEngine {
  return engineAndRunnerFor(node).engine;
}

export function engineAndRunnerFor(node: NodeEngineRow): { engine: ContainerEngine; runner: CommandRunner } {
  const fingerprint = fingerprintOf(node);
  const hit = cache.get(node.id);
  if (hit && hit.fingerprint === fingerprint) return hit;
  const runner = runnerFor(node);
  const entry = { fingerprint, engine: createEngine(engineConfigFor(node), runner), runner };
  cache.set(node.id, entry);
  return entry;
}

export function forgetEngine(nodeId: string): void {
  cache.delete(nodeId);
}
