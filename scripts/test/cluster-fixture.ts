// Test fixtures: regions, hardware nodes (real LXC on this machine, or sim) and users, written
// straight into the test database.
import { execFileSync } from "node:child_process";
import type { QuotaLimits } from "../../lib/validation/quotas";
import { db } from "../../lib/db/client";
import { destroyManagedContainers, removeTestFirewall } from "../../lib/orchestrator/engines/lxc/test-hosts";
import { hashPassword } from "../../lib/auth/hash";

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

export async function makeRegion(name = `r-${uniq()}`) {
  return db.region.create({ data: { name } });
}

export async function makeUser(
  options: {
    role?: "ADMIN" | "DEVELOPER";
    quota?: Partial<QuotaLimits>;
  } = {},
) {
  const email = `u-${uniq()}@test.local`;
  const user = await db.user.create({
    data: {
      email,
      name: email,
      passwordHash: await hashPassword("fixture-password-1"),
      role: options.role ?? "DEVELOPER",
      quota: {
        create: {
          maxEnvironments: 1000,
          maxCloudletsPerContainer: 64,
          maxContainersPerLayer: 64,
          maxReservedCloudlets: 100_000,
          maxDiskGib: 100_000,
          ...options.quota,
        },
      },
    },
  });
  return { id: user.id, email: user.email, role: user.role };
}

export type LxcTestNode = { lxcPath: string; bridge: string; subnet: string };

/** A real LXC hardware node on this machine with its own lxcpath, bridge and /24. */
export async function makeLxcNode(options: {
  regionId: string;
  name: string;
  lxc: LxcTestNode;
  ramMib?: number;
  cpuMhz?: number;
  maxContainers?: number;
}) {
  return db.hardwareNode.create({
    data: {
      name: options.name,
      regionId: options.regionId,
      engine: "LXC",
      transport: "LOCAL",
      lxcPath: options.lxc.lxcPath,
      bridge: options.lxc.bridge,
      subnet: options.lxc.subnet,
      ramMib: options.ramMib ?? 8192,
      cpuMhz: options.cpuMhz ?? 16_000,
      diskGib: 200,
      maxContainers: options.maxContainers ?? 50,
      cores: 2,
      mhzPerCore: 2600,
    },
  });
}

export async function makeSimNode(options: {
  regionId: string;
  name?: string;
  ramMib: number;
  cpuMhz: number;
  diskGib?: number;
  maxContainers?: number;
  subnetIndex: number;
  /**
   * The node's /24. The default (10.200+.x.0/24) is fine for placement-only tests; a worker's sim
   * engine refuses container addresses outside 10.213.0.0/16, so tests that converge pass one inside it.
   */
  subnet?: string;
}) {
  return db.hardwareNode.create({
    data: {
      name: options.name ?? `sim-${uniq()}`,
      regionId: options.regionId,
      engine: "SIM",
      transport: "LOCAL",
      subnet: options.subnet ?? `10.${200 + Math.floor(options.subnetIndex / 256)}.${options.subnetIndex % 256}.0/24`,
      ramMib: options.ramMib,
      cpuMhz: options.cpuMhz,
      diskGib: options.diskGib ?? 1000,
      maxContainers: options.maxContainers ?? 100,
      cores: 4,
      mhzPerCore: 2000,
    },
  });
}

/** Removes leftovers of an earlier crashed run, only inside our own lxcpath and bridge. */
export function cleanLxcNode(node: LxcTestNode) {
  destroyManagedContainers(node.lxcPath);
  removeTestFirewall(node.bridge);
  try {
    execFileSync("ip", ["link", "del", node.bridge], { stdio: "ignore" });
  } catch {
    // not there
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 180_000, // a ceiling for a loaded 2-core machine, not a speed goal (benchmarks measure speed)
  everyMs = 200,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
