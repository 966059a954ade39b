// Tenant network isolation, the pure part: which container may talk to which, per node, from
// the desired state (every placed container's environment, node and address). Engines turn a
// NodeNetworkPolicy into their own rules (lxc: nftables, engines/lxc/firewall.ts); the worker
// loads the rows and applies the result (lib/services/network-policy.ts). No database here.

export interface PolicyContainer {
  ip: string;
  environmentId: string;
  nodeId: string;
}

export interface NodeNetworkPolicy {
  /** Addresses of the containers placed on this node: their ports are the ones filtered here. */
  local: string[];
  /**
   * Ordered pairs [from, to] of addresses in one environment, for every environment with a
   * container on this node: the only container-to-container traffic allowed (both orders listed).
   */
  sameEnvironment: [string, string][];
  /**
   * Every container network of the platform (the subnets of all nodes): traffic from a
   * container into these is tenant-to-tenant traffic and needs a same-environment pair;
   * anything else (the outside world) is not filtered here.
   */
  containerNets: string[];
  /**
   * Outbound traffic from this node's containers to the outside world is masqueraded behind the
   * node (builds fetch dependencies); false: it is dropped.
   */
  outboundNat: boolean;
}

const byAddress = (a: string, b: string) => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
};

/** The policy of one node; deterministic (sorted), so equal inputs give equal rules. */
export function networkPolicyFor(options: {
  nodeId: string;
  containers: readonly PolicyContainer[];
  containerNets: readonly string[];
  /** The node's region allows outbound NAT (default true). */
  outboundNat?: boolean;
}): NodeNetworkPolicy {
  const { nodeId, containers } = options;
  const local = containers.filter((c) => c.nodeId === nodeId).map((c) => c.ip);
  const environments = new Set(containers.filter((c) => c.nodeId === nodeId).map((c) => c.environmentId));
  const members = new Map<string, string[]>();
  for (const c of containers) {
    if (!environments.has(c.environmentId)) continue;
    members.set(c.environmentId, [...(members.get(c.environmentId) ?? []), c.ip]);
  }
  const pairs: [string, string][] = [];
  for (const ips of members.values()) {
    const sorted = [...new Set(ips)].sort(byAddress);
    for (const from of sorted) for (const to of sorted) if (from !== to) pairs.push([from, to]);
  }
  pairs.sort((a, b) => byAddress(a[0], b[0]) || byAddress(a[1], b[1]));
  return {
    local: [...new Set(local)].sort(byAddress),
    sameEnvironment: pairs,
    containerNets: [...new Set(options.containerNets)].sort(),
    outboundNat: options.outboundNat ?? true,
  };
}
