import type { NodeCommands } from "../command";
import type { LxcNodeSettings } from "../types";
import type { NodeNetworkPolicy } from "../../network-policy";
import { formatIpv4, parseCidr, parseIpv4 } from "../names";
import { macAddressFor, vethNameFor } from "./config";
import { assertBridgeName } from "./network";

/**
 * Tenant isolation on an lxc node with nftables: two tables per node (per bridge, so several
 * nodes on one machine do not overwrite each other), replaced atomically by one `nft -f -`.
 *
 * `table bridge hostplane_<bridge>` sees frames between two ports of the bridge (same-node
 * traffic is bridged, never routed, and this needs neither br_netfilter nor a sysctl):
 *  - prerouting: a frame from a container port must carry that container's MAC and IPv4 (the
 *    veth is named after the address, see vethNameFor): no spoofing another tenant's address;
 *    IPv6 and other protocols from container ports are dropped (containers have IPv4 only);
 *  - forward: between container ports only same-environment pairs pass (ARP always passes).
 *
 * `table inet hostplane_<bridge>` sees routed traffic and traffic to the host itself:
 *  - input: nothing from the bridge reaches the host (panel, its database, sshd, …) except
 *    replies to connections the host opened (the ingress proxy, health checks, probes);
 *  - forward: connections published through DNAT (the ingress node ports, in their own table)
 *    pass; from a container, other container networks only for same-environment pairs; into
 *    this bridge, traffic from another container network only for same-environment pairs;
 *    the outside world is reached only with outbound NAT on (the region's setting), else dropped;
 *  - postrouting (outbound NAT on): the node's containers leave for the outside world masqueraded
 *    behind the node's address (builds fetch dependencies); the host forwards IPv4 for it.
 */
export function firewallTableName(bridge: string): string {
  return `hostplane_${assertBridgeName(bridge).replace(/-/g, "_")}`;
}

function ip(value: string): string {
  return formatIpv4(parseIpv4(value));
}

function cidr(value: string): string {
  const parsed = parseCidr(value);
  return `${formatIpv4(parsed.network)}/${parsed.prefix}`;
}

function elements(values: string[]): string {
  return values.length > 0 ? ` elements = { ${values.join(", ")} };` : "";
}

export function renderNodeFirewall(options: { settings: LxcNodeSettings; policy: NodeNetworkPolicy }): string {
  const { settings, policy } = options;
  const table = firewallTableName(settings.bridge);
  const bridge = JSON.stringify(settings.bridge);
  const local = policy.local.map(ip);
  const ports = local.map((address) => JSON.stringify(vethNameFor(address)));
  const bindings = local.map(
    (address) => `${JSON.stringify(vethNameFor(address))} . ${macAddressFor(address)} . ${address}`,
  );
  const pairs = policy.sameEnvironment.map(([from, to]) => `${ip(from)} . ${ip(to)}`);
  const nets = policy.containerNets.map(cidr);
  return [
    `add table bridge ${table}`,
    `delete table bridge ${table}`,
    `table bridge ${table} {`,
    `  set ports { type ifname;${elements(ports)} }`,
    `  set bindings { type ifname . ether_addr . ipv4_addr;${elements(bindings)} }`,
    `  set same_env { type ipv4_addr . ipv4_addr;${elements(pairs)} }`,
    "  chain prerouting {",
    "    type filter hook prerouting priority -200; policy accept;",
    "    iifname != @ports accept",
    "    ether type arp iifname . arp saddr ether . arp saddr ip @bindings accept",
    "    ether type ip iifname . ether saddr . ip saddr @bindings accept",
    "    counter drop",
    "  }",
    "  chain forward {",
    "    type filter hook forward priority 0; policy accept;",
    "    iifname != @ports accept",
    "    ether type arp accept",
    "    ether type ip ip saddr . ip daddr @same_env accept",
    "    counter drop",
    "  }",
    "}",
    `add table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    `  set same_env { type ipv4_addr . ipv4_addr;${elements(pairs)} }`,
    `  set container_nets { type ipv4_addr; flags interval;${elements(nets)} }`,
    "  chain input {",
    "    type filter hook input priority 0; policy accept;",
    `    iifname != ${bridge} accept`,
    "    ct state established,related accept",
    "    counter drop",
    "  }",
    "  chain forward {",
    "    type filter hook forward priority 0; policy accept;",
    "    ct status dnat accept",
    "    ct state established,related accept",
    `    iifname ${bridge} meta nfproto ipv6 counter drop`,
    `    iifname ${bridge} ip saddr . ip daddr @same_env accept`,
    `    iifname ${bridge} ip daddr @container_nets counter drop`,
    `    oifname ${bridge} ip saddr @container_nets ip saddr . ip daddr != @same_env counter drop`,
    // Outbound NAT off: the outside world is out of reach too (replies and published ports passed above).
    ...(policy.outboundNat ? [] : [`    iifname ${bridge} counter drop`]),
    "  }",
    // Outbound NAT on: what leaves for the outside world does so with the node's address.
    ...(policy.outboundNat
      ? [
          "  chain postrouting {",
          "    type nat hook postrouting priority 100; policy accept;",
          `    ip saddr ${cidr(settings.subnetCidr)} ip daddr != @container_nets oifname != ${bridge} masquerade`,
          "  }",
        ]
      : []),
    "}",
    "",
  ].join("\n");
}

/** Replaces both tables of the node in one nft transaction (all or nothing). */
export async function applyNodeFirewall(options: {
  commands: NodeCommands;
  settings: LxcNodeSettings;
  policy: NodeNetworkPolicy;
}): Promise<void> {
  // Masquerading needs the node to route; without NAT the bridge's traffic needs no forwarding.
  if (options.policy.outboundNat) await options.commands.check(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  await options.commands.check(["nft", "-f", "-"], { input: renderNodeFirewall(options) });
}

/** Removes the node's tables (node removal); idempotent. */
export async function removeNodeFirewall(options: {
  commands: NodeCommands;
  settings: LxcNodeSettings;
}): Promise<void> {
  const table = firewallTableName(options.settings.bridge);
  await options.commands.check(["nft", "-f", "-"], {
    input: [
      `add table bridge ${table}`,
      `delete table bridge ${table}`,
      `add table inet ${table}`,
      `delete table inet ${table}`,
      "",
    ].join("\n"),
  });
}
