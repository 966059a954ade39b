// Tenant isolation through the whole control plane (issue 12): two environments with their own
// PostgreSQL on one lxc node. Rules come from the database, are applied before containers start
// and are repaired by resync after someone deletes them.
import type { Actor } from "@/lib/auth/actor";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { LxcEngine } from "@/lib/orchestrator/engines/lxc/engine";
import { firewallTableName } from "@/lib/orchestrator/engines/lxc/firewall";
import { removeTestFirewall } from "@/lib/orchestrator/engines/lxc/test-hosts";
import { LocalRunner } from "@/lib/orchestrator/transport/local-runner";
import { engineConfigFor } from "@/lib/services/node-engine";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { stopBoss } from "@/lib/queue";
import { resyncOnce } from "@/lib/worker/resync";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { createEnvironment } from "./environments";

// The stacks suite's lxcpath, so both share the cached PostgreSQL template; own bridge and /24.
const LXC = { lxcPath: "/var/lib/hostplane-test/stacks", bridge: "hp-tiso2", subnet: "10.213.241.0/24" };
let worker: RunningWorker;
let regionId: string;
let engine: LxcEngine;
let actor: Actor;

const layer = (name: string, stack: string) => ({
  name,
  stack,
  count: 1,
  reservedCloudlets: 2,
  dynamicCloudlets: 4,
  diskGib: 1,
  ha: false,
});

async function waitOp(operationId: string) {
  return waitFor(
    `operation ${operationId}`,
    async () => {
      const op = await db.operation.findUniqueOrThrow({ where: { id: operationId } });
      if (op.status === "FAILED") throw new Error(`operation failed: ${op.error}`);
      return op.status === "SUCCEEDED" ? op : null;
    },
    600_000,
    200,
  );
}

/** A TCP connection from inside a container (busybox nc): "open", "refused" or "filtered". */
async function tcpFrom(container: string, ip: string, port: number): Promise<string> {
  const result = await engine.exec(container, ["nc", "-w", "2", ip, String(port)], { input: "", timeoutMs: 15_000 });
  if (result.code === 0) return "open";
  return /refused/i.test(result.stderr) ? "refused" : "filtered";
}

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  cleanLxcNode(LXC);
  regionId = (await makeRegion()).id;
  const node = await makeLxcNode({ regionId, name: "isolation-1", lxc: LXC, ramMib: 8192, cpuMhz: 40_000 });
  engine = new LxcEngine(engineConfigFor(node), new LocalRunner());
  actor = await makeUser();
  worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    healthIntervalMs: 3_600_000,
    log: () => {},
  });
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  // Later files share this database and run resync over every node: this suite's containers must not
  // be "repaired" back into the shared lxcpath once it is gone.
  await db.container.updateMany({ where: { environment: { regionId } }, data: { desiredState: "STOPPED" } });
  cleanLxcNode(LXC);
  // resyncOnce applied rules on every lxc node of this run's database: drop those of test bridges.
  for (const node of await db.hardwareNode.findMany({ where: { engine: "LXC" } }))
    if (node.bridge?.startsWith("hp-t")) removeTestFirewall(node.bridge);
  await disconnectDb();
});

describe("tenant isolation through the control plane", () => {
  it("A reaches its own PostgreSQL, not B's nor the panel's database; rules are repaired by resync", async () => {
    const a = await createEnvironment({
      actor,
      input: { name: "tenant-a", regionId, layers: [layer("sql", "postgresql"), layer("cp", "busybox")] },
    });
    const b = await createEnvironment({
      actor,
      input: { name: "tenant-b", regionId, layers: [layer("sql", "postgresql")] },
    });
    await Promise.all([waitOp(a.operationId), waitOp(b.operationId)]);
    const sqlOf = (environmentId: string) =>
      db.container.findFirstOrThrow({ where: { environmentId, layer: { name: "sql" } } });
    const [aSql, bSql] = [await sqlOf(a.environmentId), await sqlOf(b.environmentId)];
    const client = containerNameFor(
      (await db.container.findFirstOrThrow({ where: { environmentId: a.environmentId, layer: { name: "cp" } } })).id,
    );
    const gateway = LXC.subnet.replace(/0\/24$/, "1");
    const panelDbPort = Number(new URL(process.env.DATABASE_URL!).port);

    // PostgreSQL needs a moment after its container starts.
    await waitFor("A's PostgreSQL", async () => (await tcpFrom(client, aSql.ip!, 5432)) === "open", 60_000, 500);
    expect(await tcpFrom(client, bSql.ip!, 5432)).toBe("filtered");
    expect(await tcpFrom(client, gateway, panelDbPort)).toBe("filtered");
    expect(await tcpFrom(client, gateway, 22)).toBe("filtered");

    // Every container's init is an unprivileged uid on the host.
    for (const c of await db.container.findMany({
      where: { environmentId: { in: [a.environmentId, b.environmentId] } },
    })) {
      const info = await engine.inspect(containerNameFor(c.id));
      expect(readFileSync(`/proc/${info!.pid}/status`, "utf8")).toMatch(/^Uid:\s+1000000\s+1000000\s/m);
    }

    // Someone deletes the rules: B is reachable until the next resync puts them back.
    const table = firewallTableName(LXC.bridge);
    execFileSync("nft", ["delete", "table", "inet", table]);
    execFileSync("nft", ["delete", "table", "bridge", table]);
    expect(await tcpFrom(client, bSql.ip!, 5432)).toBe("open");
    const tally = await resyncOnce({ orphanGraceMs: 3_600_000 });
    expect(tally.policyApplied).toBeGreaterThanOrEqual(1);
    expect(execFileSync("nft", ["list", "table", "inet", table], { encoding: "utf8" })).toContain(aSql.ip!);
    expect(await tcpFrom(client, bSql.ip!, 5432)).toBe("filtered");
    expect(await tcpFrom(client, aSql.ip!, 5432)).toBe("open");
  }, 900_000);
});
