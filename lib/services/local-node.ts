// The machine the panel runs on becomes hardware node "local" on first start when LXC works here,
// so a fresh install can run containers without enrolling anything. When LXC is missing nothing
// is enrolled; the nodes page shows why and the exact command that fixes it.
import { existsSync } from "node:fs";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { LocalRunner, runFile } from "@/lib/orchestrator/transport";
import { createEngine } from "@/lib/orchestrator/engines";
import { nextFreeSubnet } from "@/lib/validation/regions";
import { pickBridgeName } from "@/lib/validation/nodes";
import { recordAudit } from "./audit";
import { gatewayOf } from "./node-engine";
import { observedColumns, probeNode } from "./nodes";
import { writeSetting } from "@/lib/db/settings";
import { config } from "@/lib/config";

// Overridable so that a second panel on the same machine (the end-to-end test server) gets its own
// lxcpath, bridge and subnet and never sees — or reaps as orphans — another panel's containers.
export const LOCAL_NODE = {
  name: "local",
  lxcPath: config.HOSTPLANE_LOCAL_LXC_PATH,
  bridge: config.HOSTPLANE_LOCAL_BRIDGE,
  subnet: config.HOSTPLANE_LOCAL_SUBNET,
} as const;
export const LXC_FIX_COMMAND = "apt-get install -y lxc busybox-static";
/** Setting key the nodes page reads: { available, reason?, fix?, checkedAt }. */
export const LOCAL_NODE_SETTING = "localNodeStatus";

export type LocalNodeOutcome =
  | { status: "skipped" }
  | { status: "exists"; nodeId: string }
  | { status: "enrolled"; nodeId: string }
  | { status: "unavailable"; reason: string; fix: string };

/** Why LXC cannot run here, or null when it can (root, cgroups, lxc tools present). */
export async function localLxcProblem(): Promise<string | null> {
  if (typeof process.getuid === "function" && process.getuid() !== 0)
    return "the panel does not run as root, which LXC containers of this kind need";
  if (!existsSync("/sys/fs/cgroup")) return "/sys/fs/cgroup does not exist (no cgroup filesystem)";
  const version = await runFile(["lxc-create", "--version"], { timeoutMs: 10_000 }).catch(() => ({ code: 127 }));
  if (version.code !== 0) return "the LXC tools are not installed (lxc-create does not run)";
  return null;
}

export async function ensureLocalNode(): Promise<LocalNodeOutcome> {
  if (!config.HOSTPLANE_LOCAL_NODE) return { status: "skipped" };
  const existing = await db.hardwareNode.findUnique({ where: { name: LOCAL_NODE.name }, select: { id: true } });
  if (existing) return { status: "exists", nodeId: existing.id };

  const problem = await localLxcProblem();
  if (problem) {
    await writeSetting(LOCAL_NODE_SETTING, {
      available: false,
      reason: problem,
      fix: LXC_FIX_COMMAND,
      checkedAt: new Date().toISOString(),
    });
    return { status: "unavailable", reason: problem, fix: LXC_FIX_COMMAND };
  }

  const region =
    (await db.region.findFirst({ where: { isDefault: true } })) ??
    (await db.region.findFirst({ orderBy: { createdAt: "asc" } }));
  if (!region) throw new Error("ensureLocalNode needs a region: call ensureDefaultRegion() first");
  const nodes = await db.hardwareNode.findMany({ select: { subnet: true, bridge: true } });
  const usedSubnets = nodes.map((n) => n.subnet);
  const subnet = usedSubnets.includes(LOCAL_NODE.subnet)
    ? nextFreeSubnet({ pool: region.subnetPool, used: usedSubnets })
    : LOCAL_NODE.subnet;
  if (!subnet) throw new Error(`no free /24 in ${region.subnetPool} for the local node`);
  const bridges = nodes.flatMap((n) => (n.bridge ? [n.bridge] : []));
  const bridge = bridges.includes(LOCAL_NODE.bridge)
    ? pickBridgeName({ name: "local", taken: bridges })
    : LOCAL_NODE.bridge;

  const runner = new LocalRunner();
  const engine = createEngine(
    {
      name: LOCAL_NODE.name,
      engine: "lxc",
      lxc: { lxcPath: LOCAL_NODE.lxcPath, bridge, subnetCidr: subnet, gatewayIp: gatewayOf(subnet) },
    },
    runner,
  );
  let facts;
  try {
    facts = await probeNode({ engine, runner });
  } catch (error) {
    const reason = `probing LXC on this machine failed: ${(error as Error).message}`.slice(0, 500);
    await writeSetting(LOCAL_NODE_SETTING, {
      available: false,
      reason,
      fix: LXC_FIX_COMMAND,
      checkedAt: new Date().toISOString(),
    });
    return { status: "unavailable", reason, fix: LXC_FIX_COMMAND };
  }
  const mhzPerCore = facts.mhzPerCore > 0 ? facts.mhzPerCore : 2000;
  try {
    const node = await db.$transaction(async (tx) => {
      const created = await tx.hardwareNode.create({
        data: {
          name: LOCAL_NODE.name,
          regionId: region.id,
          engine: "LXC",
          transport: "LOCAL",
          lxcPath: LOCAL_NODE.lxcPath,
          bridge,
          subnet,
          ramMib: facts.ramMib,
          cores: facts.cores,
          mhzPerCore,
          cpuMhz: facts.cores * mhzPerCore,
          diskGib: facts.diskTotalGib,
          ...observedColumns(facts),
        },
        select: { id: true },
      });
      await recordAudit(
        {
          action: "node.enrol",
          targetType: "node",
          targetId: created.id,
          detail: { name: LOCAL_NODE.name, engine: "lxc", transport: "local", subnet, bridge, automatic: true },
        },
        tx,
      );
      return created;
    });
    await writeSetting(LOCAL_NODE_SETTING, { available: true, checkedAt: new Date().toISOString() });
    return { status: "enrolled", nodeId: node.id };
  } catch (error) {
    // Two panel instances starting together: the unique name decides, the other one just uses it.
    if (isUniqueViolation(error)) {
      const node = await db.hardwareNode.findUnique({ where: { name: LOCAL_NODE.name }, select: { id: true } });
      if (node) return { status: "exists", nodeId: node.id };
    }
    throw error;
  }
}
