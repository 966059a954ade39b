// Provisioning against real PostgreSQL and real LXC containers, with the worker in this process.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/define";
import * as environmentActions from "@/lib/actions/environments";
import { db, disconnectDb } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { stopBoss } from "@/lib/queue";
import { resyncOnce } from "@/lib/worker/resync";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { checkInvariants } from "../../scripts/test/invariants";
import { createEnvironment, previewPlacement } from "./environments";
import { deleteEnvironment, resizeLayer, restartTarget, scaleLayer, setEnvironmentRunning } from "./environment-ops";
import { engineFor } from "./node-engine";
import type { Actor } from "@/lib/auth/actor";

const LXC = { lxcPath: "/var/lib/hostplane-test/prov", bridge: "hp-tpv", subnet: "10.213.249.0/24" };
let worker: RunningWorker;
let regionId: string;
let nodeId: string;
let actor: Actor;

const busybox = (name: string, count: number, extra: Record<string, unknown> = {}) => ({
  name,
  stack: "busybox",
  count,
  reservedCloudlets: 1,
  dynamicCloudlets: 2,
  diskGib: 1,
  ha: false,
  ...extra,
});
const envStatus = (id: string) =>
  db.environment.findUnique({ where: { id }, select: { status: true } }).then((e) => e?.status ?? "GONE");
const opDone = (operationId: string) =>
  waitFor(
    `operation ${operationId}`,
    async () => {
      const op = await db.operation.findUniqueOrThrow({ where: { id: operationId } });
      if (op.status === "FAILED") throw new Error(`operation failed: ${op.error}`);
      return op.status === "SUCCEEDED" ? op : null;
    },
    60_000,
  );

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  cleanLxcNode(LXC);
  regionId = (await makeRegion()).id;
  nodeId = (await makeLxcNode({ regionId, name: "prov-1", lxc: LXC, ramMib: 2048, cpuMhz: 8000 })).id;
  actor = await makeUser();
  worker = await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    log: () => {},
  });
});

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  cleanLxcNode(LXC);
  await disconnectDb();
});

describe("provisioning real containers", () => {
  it("creates, scales, resizes, stops, starts, restarts and deletes an environment", async () => {
    const { environmentId, operationId } = await createEnvironment({
      actor,
      input: { name: "shop", regionId, layers: [busybox("web", 2), busybox("db", 1)] },
    });
    await opDone(operationId);
    expect(await envStatus(environmentId)).toBe("RUNNING");
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { id: nodeId } });
    const engine = engineFor(node);
    let rows = await db.container.findMany({ where: { environmentId }, orderBy: { ordinal: "asc" } });
    expect(rows).toHaveLength(3);
    const listed = new Map((await engine.list()).map((o) => [o.name, o]));
    for (const r of rows) {
      expect(listed.get(containerNameFor(r.id))).toMatchObject({ state: "running", ip: r.ip });
      execFileSync("ping", ["-c", "1", "-W", "2", r.ip!]);
    }
    expect(await checkInvariants({ nodeIds: [nodeId] })).toEqual([]);

    const web = await db.layer.findFirstOrThrow({ where: { environmentId, name: "web" } });
    await opDone((await scaleLayer({ actor, input: { environmentId, layerId: web.id, count: 3 } })).operationId);
    expect(await db.container.count({ where: { layerId: web.id } })).toBe(3);
    const newest = await db.container.findFirstOrThrow({ where: { layerId: web.id }, orderBy: { ordinal: "desc" } });
    await opDone((await scaleLayer({ actor, input: { environmentId, layerId: web.id, count: 2 } })).operationId);
    expect(await db.container.findUnique({ where: { id: newest.id } })).toBeNull();
    expect((await engine.list()).some((o) => o.name === containerNameFor(newest.id))).toBe(false);

    await opDone(
      (
        await resizeLayer({
          actor,
          input: { environmentId, layerId: web.id, reservedCloudlets: 2, dynamicCloudlets: 4 },
        })
      ).operationId,
    );
    const resized = await db.container.findFirstOrThrow({ where: { layerId: web.id } });
    const pid = execFileSync("lxc-info", ["-P", LXC.lxcPath, "-n", containerNameFor(resized.id), "-p", "-H"], {
      encoding: "utf8",
    }).trim();
    const memCgroup = readFileSync(`/proc/${pid}/cgroup`, "utf8")
      .split("\n")
      .find((l) => /:memory:/.test(l))!
      .split(":")[2];
    expect(readFileSync(`/sys/fs/cgroup/memory${memCgroup}/memory.limit_in_bytes`, "utf8").trim()).toBe(
      String(4 * 128 * 1024 * 1024),
    );

    await opDone((await setEnvironmentRunning({ actor, environmentId, running: false })).operationId);
    expect(await envStatus(environmentId)).toBe("STOPPED");
    expect((await engine.list()).filter((o) => o.state === "running")).toHaveLength(0);
    await opDone((await setEnvironmentRunning({ actor, environmentId, running: true })).operationId);
    expect(await envStatus(environmentId)).toBe("RUNNING");
    const restart = await restartTarget({ actor, target: { environmentId, layerId: web.id } });
    const restarted = await opDone(restart.operationId);
    expect(
      await db.operationStep.count({ where: { operationId: restarted.id, kind: "restart", status: "SUCCEEDED" } }),
    ).toBe(2);
    expect(await checkInvariants({ nodeIds: [nodeId] })).toEqual([]);

    rows = await db.container.findMany({ where: { environmentId } });
    const del = await deleteEnvironment({ actor, environmentId, confirmName: "shop" });
    await opDone(del.operationId);
    expect(await envStatus(environmentId)).toBe("GONE");
    const names = new Set((await engine.list()).map((o) => o.name));
    for (const r of rows) expect(names.has(containerNameFor(r.id))).toBe(false);
    expect(await db.operation.count({ where: { id: { in: [operationId, del.operationId] } } })).toBe(2);
    expect(await checkInvariants({ nodeIds: [nodeId] })).toEqual([]);
  });

  it("refuses what does not fit with every node's reason, and writes nothing", async () => {
    const before = await db.environment.count();
    const input = {
      name: "huge",
      regionId,
      layers: [busybox("web", 1, { reservedCloudlets: 32, dynamicCloudlets: 32 })],
    };
    await expect(createEnvironment({ actor, input })).rejects.toMatchObject({
      code: "NO_CAPACITY",
      details: {
        rejections: [
          {
            node: "prov-1",
            reasons: expect.arrayContaining([
              expect.stringMatching(/prov-1: needs 4096 MiB RAM, \d+ MiB allocatable of [\d.]+ [MG]iB at 1:1/),
            ]),
          },
        ],
      },
    });
    expect(await db.environment.count()).toBe(before);
    const preview = await previewPlacement({ actor, input });
    expect(preview.result.ok).toBe(false);
  });

  it("refuses invalid input and over-quota requests with clear messages", async () => {
    // Bad input is refused at the action boundary, before the service (and its transaction) is reached.
    await expect(
      executeAction(environmentActions.createEnvironment, {
        actor: { ...actor, role: "DEVELOPER" },
        input: { idempotencyKey: randomUUID(), name: "Bad Name!", regionId, layers: [] },
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { name: expect.any(Array), layers: expect.any(Array) },
    });
    const small = await makeUser({ quota: { maxContainersPerLayer: 1 } });
    await expect(
      createEnvironment({ actor: small, input: { name: "two", regionId, layers: [busybox("web", 2)] } }),
    ).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringMatching(/at most 1 containers per layer/),
    });
    expect(await db.environment.count({ where: { ownerId: small.id } })).toBe(0);
  });

  it("returns the same operation for a repeated idempotency key", async () => {
    const input = { name: "idem", regionId, layers: [busybox("web", 1)] };
    const a = await createEnvironment({ actor, input, idempotencyKey: "idem-key-1" });
    const b = await createEnvironment({ actor, input, idempotencyKey: "idem-key-1" });
    expect(b).toEqual(a);
    await opDone(a.operationId);
    await opDone((await deleteEnvironment({ actor, environmentId: a.environmentId, confirmName: "idem" })).operationId);
  });

  it("repairs drift: a killed container comes back, a hand-made hp-* container is removed after the grace period", async () => {
    const { environmentId, operationId } = await createEnvironment({
      actor,
      input: { name: "drift", regionId, layers: [busybox("web", 1)] },
    });
    await opDone(operationId);
    const row = await db.container.findFirstOrThrow({ where: { environmentId } });
    const name = containerNameFor(row.id);
    const pid = Number(
      execFileSync("lxc-info", ["-P", LXC.lxcPath, "-n", name, "-p", "-H"], { encoding: "utf8" }).trim(),
    );
    process.kill(pid, "SIGKILL");
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { id: nodeId } });
    const engine = engineFor(node);
    await waitFor(
      "container to stop",
      async () => (await engine.list()).find((o) => o.name === name)?.state === "stopped",
      20_000,
    );
    expect((await resyncOnce({ orphanGraceMs: 60_000 })).repaired).toBeGreaterThanOrEqual(1);
    await waitFor(
      "container to run again",
      async () => (await engine.list()).find((o) => o.name === name)?.state === "running",
      30_000,
    );
    await waitFor("environment RUNNING", async () => (await envStatus(environmentId)) === "RUNNING", 30_000);
    expect(await db.auditEvent.count({ where: { action: "container.repair", targetId: row.id } })).toBe(1);

    await engine.create({
      name: "hp-handmade",
      ip: "10.213.249.250",
      template: { kind: "busybox" },
      limits: { reservedCloudlets: 1, dynamicCloudlets: 1, diskGib: 1 },
    });
    const t0 = Date.now();
    await resyncOnce({ orphanGraceMs: 1_000, now: t0 });
    expect((await engine.list()).some((o) => o.name === "hp-handmade")).toBe(true);
    expect((await resyncOnce({ orphanGraceMs: 1_000, now: t0 + 1_500 })).orphansDestroyed).toBe(1);
    expect((await engine.list()).some((o) => o.name === "hp-handmade")).toBe(false);
    expect(await db.auditEvent.count({ where: { action: "container.orphan.destroy", targetId: "hp-handmade" } })).toBe(
      1,
    );
    await opDone((await deleteEnvironment({ actor, environmentId, confirmName: "drift" })).operationId);
  });
});
