// TCP endpoints: a container port published on a port of the hardware node that runs the container,
// by nftables DNAT in a table of its own per node bridge (the tenant isolation tables accept DNATed
// traffic: `ct status dnat accept`). Rendered from desired state and replaced atomically by one
// `nft -f -`, like the isolation tables, so a migrated container's endpoint moves with the next apply.
import { formatIpv4, parseIpv4 } from "../engines/names";

export type PublishedPort = { nodePort: number; ip: string; port: number };

const BRIDGE = /^[a-z][a-z0-9-]{0,14}$/;

export function endpointsTableName(bridge: string): string {
  if (!BRIDGE.test(bridge)) throw new TypeError(`invalid bridge name ${JSON.stringify(bridge)}`);
  return `hostplane_ep_${bridge.replace(/-/g, "_")}`;
}

function port(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new TypeError(`invalid port ${value}`);
  return value;
}

/** Removes the node's endpoint table if there is one: one atomic `nft -f -` (adding first makes it idempotent). */
export function renderEndpointsRemoval(bridge: string): string {
  const table = endpointsTableName(bridge);
  return [`add table ip ${table}`, `delete table ip ${table}`, ""].join("\n");
}

/**
 * Connections to any local address of the node on `nodePort` — from outside (prerouting) and from the
 * node itself (output) — go to the container's address and port.
 */
export function renderEndpointsTable(options: { bridge: string; ports: PublishedPort[] }): string {
  const table = endpointsTableName(options.bridge);
  const rules = [...options.ports]
    .sort((a, b) => a.nodePort - b.nodePort)
    .map(
      (p) =>
        `    fib daddr type local tcp dport ${port(p.nodePort)} dnat to ${formatIpv4(parseIpv4(p.ip))}:${port(p.port)}`,
    );
  return [
    `add table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    "  chain prerouting {",
    "    type nat hook prerouting priority -100; policy accept;",
    ...rules,
    "  }",
    "  chain output {",
    "    type nat hook output priority -100; policy accept;",
    ...rules,
    "  }",
    "}",
    "",
  ].join("\n");
}
