// Stacks that really run, through the whole control plane: templates built on first use, a
// balancer that balances, databases reachable with the generated credentials.
import http from "node:http";
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { stopBoss } from "@/lib/queue";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { checkInvariants } from "../../scripts/test/invariants";
import { createEnvironment } from "./environments";
import { deleteEnvironment, scaleLayer, setContainerRunning } from "./environment-ops";
import { readCredentials } from "@/lib/stacks/credentials";
import { parseOperation } from "@/lib/validation/operations";
import type { Actor } from "@/lib/auth/actor";

// Stable paths: stack templates stay cached in this lxcpath across runs (only hp-* is cleaned).
const LXC = { lxcPath: "/var/lib/hostplane-test/stacks", bridge: "hp-tst", subnet: "10.213.242.0/24" };
let worker: RunningWorker;
let regionId: string;
let nodeId: string;
let actor: Actor;

const layer = (name: string, stack: string, count: number, extra: Record<string, unknown> = {}) => ({
  name,
  stack,
  count,
  reservedCloudlets: 2,
  dynamicCloudlets: 4,
  diskGib: 2,
  ha: false,
  ...extra,
});

async function waitOp(operationId: string, timeoutMs = 240_000) {
  return waitFor(
    `operation ${operationId}`,
    async () => {
      const op = await db.operation.findUniqueOrThrow({ where: { id: operationId } });
      if (op.status === "FAILED") throw new Error(`operation failed: ${op.error}`);
      return op.status === "SUCCEEDED" ? op : null;
    },
    timeoutMs,
    200,
  );
}

function get(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 80, path: "/", timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(`${res.statusCode} ${body.trim()}`));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

async function answers(ip: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await get(ip));
  return out;
}

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  cleanLxcNode(LXC);
  regionId = (await makeRegion()).id;
  nodeId = (await makeLxcNode({ regionId, name: "stacks-1", lxc: LXC, ramMib: 8192, cpuMhz: 40_000 })).id;
  actor = await makeUser();
  worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    healthIntervalMs: 1_000,
    log: () => {},
  });
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  // Later files share this database and run resync over every node: nothing of this suite is repaired back.
  await db.container.updateMany({ where: { environment: { regionId } }, data: { desiredState: "STOPPED" } });
  cleanLxcNode(LXC);
  await disconnectDb();
});

describe("stacks", () => {
  it("a balancer in front of Node.js app servers balances, follows scaling and drops a stopped container", async () => {
    const { environmentId, operationId } = await createEnvironment({
      actor,
      input: { name: "web", regionId, layers: [layer("bl", "nginx", 1), layer("cp", "nodejs", 2)] },
    });
    await waitOp(operationId, 600_000);
    const built = await db.operation.findMany({ where: { kind: "TEMPLATE", hardwareNodeId: nodeId } });
    for (const t of built) {
      const op = parseOperation(t);
      if (op.kind === "TEMPLATE") console.log(`[stacks] built template ${op.input.stackId} in ${op.input.buildMs} ms`);
    }
    const balancer = await db.container.findFirstOrThrow({ where: { environmentId, layer: { name: "bl" } } });
    const apps = await db.container.findMany({
      where: { environmentId, layer: { name: "cp" } },
      orderBy: { ordinal: "asc" },
    });
    const names = apps.map((a) => `200 hello from ${containerNameFor(a.id)}`);
    await waitFor(
      "both app servers behind the balancer",
      async () => new Set(await answers(balancer.ip!, 4)).size === 2,
      30_000,
      300,
    );
    const seen = await answers(balancer.ip!, 6);
    expect(new Set(seen)).toEqual(new Set(names));
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);

    const cp = await db.layer.findFirstOrThrow({ where: { environmentId, name: "cp" } });
    await waitOp((await scaleLayer({ actor, input: { environmentId, layerId: cp.id, count: 3 } })).operationId);
    await waitFor(
      "three distinct answers",
      async () => new Set(await answers(balancer.ip!, 9)).size === 3,
      30_000,
      300,
    );

    await waitOp(
      (await setContainerRunning({ actor, environmentId, containerId: apps[0].id, running: false })).operationId,
    );
    await waitFor(
      "stopped container left out",
      async () => !(await answers(balancer.ip!, 6)).includes(names[0]),
      20_000,
      300,
    );
    // Both remaining app servers answer again (nginx may skip one briefly after the upstream rewrite).
    await waitFor(
      "both remaining containers answer",
      async () => new Set(await answers(balancer.ip!, 6)).size === 2,
      20_000,
      300,
    );

    // The same stacks again: the cached templates are reused, nothing is rebuilt.
    const before = await db.operation.count({ where: { kind: "TEMPLATE", hardwareNodeId: nodeId } });
    const second = await createEnvironment({
      actor,
      input: { name: "web2", regionId, layers: [layer("bl", "nginx", 1), layer("cp", "nodejs", 1)] },
    });
    await waitOp(second.operationId);
    expect(await db.operation.count({ where: { kind: "TEMPLATE", hardwareNodeId: nodeId } })).toBe(before);
    await waitOp(
      (await deleteEnvironment({ actor, environmentId: second.environmentId, confirmName: "web2" })).operationId,
    );
    await waitOp((await deleteEnvironment({ actor, environmentId, confirmName: "web" })).operationId);
    expect(await checkInvariants({ nodeIds: [nodeId] })).toEqual([]);
  }, 900_000);

  it("PostgreSQL and Redis answer with the generated credentials", async () => {
    const { environmentId, operationId } = await createEnvironment({
      actor,
      input: { name: "data", regionId, layers: [layer("sql", "postgresql", 1), layer("cache", "redis", 1)] },
    });
    await waitOp(operationId, 600_000);
    const sqlLayer = await db.layer.findFirstOrThrow({
      where: { environmentId, name: "sql" },
      include: { containers: true },
    });
    const creds = readCredentials(sqlLayer.secretsEncrypted)!;
    await waitFor(
      "PostgreSQL healthy",
      async () => (await db.container.findFirstOrThrow({ where: { layerId: sqlLayer.id } })).health === "HEALTHY",
      60_000,
      500,
    );
    const client = new pg.Client({
      host: sqlLayer.containers[0].ip!,
      port: 5432,
      user: creds.user,
      password: creds.password,
      database: creds.database,
    });
    await client.connect();
    expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    await client.end();

    const cacheLayer = await db.layer.findFirstOrThrow({
      where: { environmentId, name: "cache" },
      include: { containers: true },
    });
    const redis = readCredentials(cacheLayer.secretsEncrypted)!;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: cacheLayer.containers[0].ip!, port: 6379 }, () =>
        socket.write(`AUTH ${redis.password}\r\nPING\r\n`),
      );
      let data = "";
      socket.on("data", (d) => {
        data += d;
        if (data.includes("PONG")) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.setTimeout(5000, () => reject(new Error(`no PONG: ${data}`)));
      socket.on("error", reject);
    });
    expect(reply).toContain("+OK");
    expect(reply).toContain("+PONG");
    await waitOp((await deleteEnvironment({ actor, environmentId, confirmName: "data" })).operationId);
  }, 900_000);
});
