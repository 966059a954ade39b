/**
 * Shared by the lxc integration tests and the engine benchmark: hardware nodes modelled on
 * this machine with their own lxcpath, bridge (hp-t…) and /24, plus cleanup that touches only
 * those paths and bridge names (also after a crashed earlier run).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { EngineNodeConfig } from "../types";

export const TEST_ROOT = "/var/lib/hostplane-test";

export function testNode(options: { name: string; bridge: string; octet: number; root?: string }): EngineNodeConfig {
  if (!/^hp-t[a-z0-9-]{0,11}$/.test(options.bridge))
    throw new Error(`test bridges must be named hp-t… (≤ 15 chars): ${options.bridge}`);
  return {
    name: options.name,
    engine: "lxc",
    lxc: {
      lxcPath: `${options.root ?? TEST_ROOT}/${options.name}`,
      bridge: options.bridge,
      subnetCidr: `10.213.${options.octet}.0/24`,
      gatewayIp: `10.213.${options.octet}.1`,
    },
  };
}

function quiet(argv: string[]): void {
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: "ignore", timeout: 30_000 });
  } catch {
    // Cleanup is best effort: the thing may already be gone.
  }
}

/**
 * The one cleanup of leftovers for tests, benchmarks and the e2e server: stops and destroys every
 * Hostplane container (hp-*) in one lxcpath (unmounting its disk image first) and removes what
 * lxc-destroy left behind. Other names in the path (hpt- templates, foreign containers) are never
 * touched. Best effort, synchronous.
 */
export function destroyManagedContainers(lxcPath: string): void {
  if (!path.isAbsolute(lxcPath)) throw new Error(`refusing to clean a relative lxcpath: ${lxcPath}`);
  if (!existsSync(lxcPath)) return;
  for (const name of readdirSync(lxcPath).filter((entry) => entry.startsWith("hp-")))
    removeTestContainer(lxcPath, name);
}

/**
 * Removes one container whatever state it is in: stop, unmount its disk image (below the
 * container directory, so it must go before anything deletes that directory), destroy.
 */
export function removeTestContainer(lxcPath: string, name: string): void {
  const dir = `${lxcPath.replace(/\/+$/, "")}/${name}`;
  quiet(["lxc-stop", "-P", lxcPath, "-n", name, "-k"]);
  quiet(["umount", "--", `${dir}/disk`]);
  quiet(["lxc-destroy", "-P", lxcPath, "-n", name, "-f"]);
  // Never recurse into a still-mounted image (that would empty it, then fail on the mount point).
  if (existsSync(dir) && !isMountPoint(`${dir}/disk`)) rmSync(dir, { recursive: true, force: true });
}

function isMountPoint(target: string): boolean {
  try {
    execFileSync("mountpoint", ["-q", "--", target], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Drops the tenant firewall tables of a test bridge (engines/lxc/firewall.ts), if any. */
export function removeTestFirewall(bridge: string): void {
  const table = `hostplane_${bridge.replace(/-/g, "_")}`;
  quiet(["nft", "delete", "table", "bridge", table]);
  quiet(["nft", "delete", "table", "inet", table]);
}

/** Deletes a test bridge (hp-t…) and its firewall tables; that also drops the /32 routes and extra gateway addresses put on it. */
export function removeTestBridge(bridge: string): void {
  if (!bridge.startsWith("hp-t")) return;
  removeTestFirewall(bridge);
  if (existsSync(`/sys/class/net/${bridge}`)) quiet(["ip", "link", "del", "dev", bridge]);
}

/** Stops and destroys every hp- container in the nodes' lxcpaths, then removes paths and bridges. */
export function cleanupTestNodes(nodes: EngineNodeConfig[]): void {
  for (const node of nodes) {
    const lxc = node.lxc!;
    if (!lxc.lxcPath.startsWith(`${TEST_ROOT}/`)) throw new Error(`refusing to clean ${lxc.lxcPath}`);
    destroyManagedContainers(lxc.lxcPath);
    rmSync(lxc.lxcPath, { recursive: true, force: true });
    removeTestBridge(lxc.bridge);
  }
}

/** One ICMP echo from the host, with busybox's ping (Debian's busybox-static is installed with lxc). */
export function pings(ip: string): boolean {
  try {
    execFileSync("busybox", ["ping", "-c", "1", "-W", "1", ip], { stdio: "ignore", timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
