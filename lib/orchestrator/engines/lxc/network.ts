import type { NodeCommands } from "../command";
import type { LxcNodeSettings } from "../types";
import { isInSubnet, parseCidr } from "../names";
import type { ContainerMetadata } from "./config";

const BRIDGE_NAME = /^[a-z][a-z0-9-]{0,14}$/;

export function assertBridgeName(bridge: string): string {
  if (!BRIDGE_NAME.test(bridge))
    throw new TypeError(`invalid bridge name ${JSON.stringify(bridge)} (lowercase, ≤ 15 characters)`);
  return bridge;
}

/** Creates the node's bridge with its gateway (.1/24) and brings it up; each step only if missing. */
export async function ensureBridge(options: { commands: NodeCommands; settings: LxcNodeSettings }): Promise<void> {
  const { commands, settings } = options;
  const bridge = assertBridgeName(settings.bridge);
  const prefix = parseCidr(settings.subnetCidr).prefix;
  const link = await commands.run(["ip", "-o", "link", "show", "dev", bridge]);
  if (link.code !== 0) {
    const added = await commands.run(["ip", "link", "add", "name", bridge, "type", "bridge"]);
    // Another worker may have created it between our check and our add: that is success.
    if (added.code !== 0 && !/File exists/i.test(added.stderr))
      throw commands.failure({ argv: ["ip", "link", "add", bridge], result: added });
  }
  const addresses = await commands.check(["ip", "-o", "-4", "addr", "show", "dev", bridge]);
  if (!addresses.stdout.includes(` ${settings.gatewayIp}/${prefix} `)) {
    await commands.check(["ip", "addr", "replace", `${settings.gatewayIp}/${prefix}`, "dev", bridge]);
  }
  if (link.code !== 0 || !/<[^>]*\bUP\b[^>]*>/.test(link.stdout)) {
    await commands.check(["ip", "link", "set", "dev", bridge, "up"]);
  }
}

/**
 * Keeps a container reachable on its address wherever it runs. A container brought here by
 * migration keeps its IP and gateway from its home /24, so this node
 *  - routes that one address to its own bridge (a /32 host route, more specific than the
 *    home node's /24, so it also wins when both nodes live on one machine), and
 *  - answers for the home gateway on its bridge: if no interface of this machine owns that
 *    address yet, it is added as a /32 to the bridge.
 * A container in this node's own subnet needs neither, so a stale /32 left by an earlier
 * migration away from here is removed.
 */
export async function ensureContainerRoute(options: {
  commands: NodeCommands;
  settings: LxcNodeSettings;
  metadata: ContainerMetadata;
}): Promise<void> {
  const { commands, settings, metadata } = options;
  const hostRoute = `${metadata.ip}/32`;
  if (isInSubnet(metadata.ip, parseCidr(settings.subnetCidr))) {
    await commands.check(["ip", "route", "del", hostRoute], { okCodes: [0, 2] });
    return;
  }
  await commands.check(["ip", "route", "replace", hostRoute, "dev", settings.bridge]);
  const owners = await commands.check(["ip", "-o", "-4", "addr", "show", "to", `${metadata.gateway}/32`]);
  if (owners.stdout.trim() === "") {
    await commands.check(["ip", "addr", "replace", `${metadata.gateway}/32`, "dev", settings.bridge]);
  }
}

/** Removes the /32 host route this node added for a migrated-in container, if any. */
export async function removeContainerRoute(options: {
  commands: NodeCommands;
  settings: LxcNodeSettings;
  ip: string;
}): Promise<void> {
  const { commands, settings, ip } = options;
  if (isInSubnet(ip, parseCidr(settings.subnetCidr))) return;
  const argv = ["ip", "route", "del", `${ip}/32`, "dev", settings.bridge];
  const result = await commands.run(argv);
  // 2: no such route. A missing bridge takes its routes with it: nothing left to remove either.
  if (result.code === 0 || result.code === 2 || /Cannot find device/.test(result.stderr)) return;
  throw commands.failure({ argv, result });
}
