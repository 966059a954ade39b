// Applies the tenant network policy (lib/orchestrator/network-policy.ts) to the nodes: desired
// state from the database (every placed container's environment, node and address), replaced
// atomically on each node by its engine (lxc: nftables tables per bridge). Called before a
// container starts (so its rules exist before it runs) and by every resync (repairs rules lost
// to a node reboot or flushed by hand).
import { db } from "@/lib/db/client";
import { networkPolicyFor } from "@/lib/orchestrator/network-policy";
import { engineFor } from "./node-engine";

/** pg_advisory_xact_lock key: one policy computation + apply at a time across all workers. */
const POLICY_LOCK = 7_265_110;

export interface PolicySyncResult {
  applied: string[];
  failed: { node: string; error: string }[];
}

/**
 * Recomputes and applies the policy of the given nodes (default: every lxc node). Serialised
 * across workers by an advisory lock held while reading and applying, so an older snapshot of
 * the rows can never overwrite a newer one. A node that fails is reported, the others proceed.
 */
export async function syncNetworkPolicies(
  options: { nodeIds?: string[]; environmentId?: string } = {},
): Promise<PolicySyncResult> {
  // An environment with no container on an lxc node has no rules to apply: answered without taking the
  // cluster-wide lock (every container start asks; on simulated or Virtuozzo nodes the answer is none).
  if (options.environmentId) {
    const onLxc = await db.container.findFirst({
      where: {
        environmentId: options.environmentId,
        hardwareNode: { engine: "LXC", ...(options.nodeIds ? { id: { in: options.nodeIds } } : {}) },
      },
      select: { id: true },
    });
    if (!onLxc) return { applied: [], failed: [] };
  }
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${POLICY_LOCK}::bigint)`;
      const lxcNodes = await tx.hardwareNode.findMany({
        where: { engine: "LXC" },
        include: { region: { select: { outboundNat: true } } },
      });
      let targets = lxcNodes;
      if (options.nodeIds) targets = targets.filter((n) => options.nodeIds!.includes(n.id));
      if (options.environmentId && targets.length) {
        const hosting = new Set(
          (
            await tx.container.findMany({
              where: { environmentId: options.environmentId, hardwareNodeId: { not: null } },
              select: { hardwareNodeId: true },
            })
          ).map((c) => c.hardwareNodeId),
        );
        targets = targets.filter((n) => hosting.has(n.id));
      }
      const result: PolicySyncResult = { applied: [], failed: [] };
      // A container on a simulated or Virtuozzo node has no rules here: no need to read the cluster's rows.
      if (targets.length === 0) return result;
      // A node's policy needs the containers of every environment with a container on that node
      // (wherever the others run), not the whole cluster's: a start reads its neighbours, not 10,000 rows.
      const targetIds = targets.map((n) => n.id);
      const containers = (
        await tx.container.findMany({
          where: {
            ip: { not: null },
            hardwareNodeId: { not: null },
            environment: { containers: { some: { hardwareNodeId: { in: targetIds } } } },
          },
          select: { ip: true, environmentId: true, hardwareNodeId: true },
        })
      ).map((c) => ({ ip: c.ip!, environmentId: c.environmentId, nodeId: c.hardwareNodeId! }));
      const containerNets = lxcNodes.map((n) => n.subnet);
      for (const node of targets) {
        try {
          const engine = engineFor(node);
          if (!engine.applyNetworkPolicy) continue;
          await engine.applyNetworkPolicy(
            networkPolicyFor({ nodeId: node.id, containers, containerNets, outboundNat: node.region.outboundNat }),
          );
          result.applied.push(node.name);
        } catch (error) {
          result.failed.push({ node: node.name, error: (error as Error).message.slice(0, 300) });
        }
      }
      return result;
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
}
