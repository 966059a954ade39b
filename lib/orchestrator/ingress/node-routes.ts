// The network path from the ingress to containers on other machines: the ingress host routes each
// remote lxc node's container subnet via that node's address, and the node forwards into its bridge
// (its nftables forward chain lets traffic from outside the container networks in; replies go back
// through the node, the containers' default gateway). Pure: which routes the ingress host needs.
import { parseCidr, parseIpv4 } from "../engines/names";

export type RoutableNode = {
  name: string;
  engine: string;
  transport: string;
  sshHost: string | null;
  subnet: string;
};

export type NodeRoute = { node: string; subnet: string; via: string };

function isLoopback(ip: string): boolean {
  return parseIpv4(ip) >>> 24 === 127;
}

/**
 * One route per lxc node reached over SSH at an IPv4 address. A node on loopback is this machine
 * (its bridge is local already); a node named by host name is reported, not guessed at.
 */
export function nodeRoutesFor(nodes: RoutableNode[]): {
  routes: NodeRoute[];
  skipped: { node: string; reason: string }[];
} {
  const routes: NodeRoute[] = [];
  const skipped: { node: string; reason: string }[] = [];
  for (const n of nodes) {
    if (n.engine !== "LXC" || n.transport !== "SSH") continue;
    const host = n.sshHost ?? "";
    let ip: number;
    try {
      ip = parseIpv4(host);
    } catch {
      skipped.push({ node: n.name, reason: `SSH host ${JSON.stringify(host)} is not an IPv4 address` });
      continue;
    }
    if (isLoopback(host)) continue;
    const subnet = parseCidr(n.subnet);
    const mask = (~0 << (32 - subnet.prefix)) >>> 0;
    if ((ip & mask) >>> 0 === subnet.network) {
      skipped.push({ node: n.name, reason: `its address ${host} is inside its own container subnet` });
      continue;
    }
    routes.push({ node: n.name, subnet: n.subnet, via: host });
  }
  return { routes, skipped };
}
