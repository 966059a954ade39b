// Background template builds against real PostgreSQL (two clients stand for two panels on one
// database) and real local commands: a (node, stack, recipe version) is claimed once, a PENDING
// template operation is run by one worker only, and admins' requests are checked and audited.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction, type ActionActor } from "@/lib/actions/define";
import * as nodeActions from "@/lib/actions/nodes";
import { db, disconnectDb } from "@/lib/db/client";
import { listNodeTemplates } from "@/lib/db/nodes";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { stopBoss } from "@/lib/queue";
import { createEnvironment } from "@/lib/services/environments";
import { stackTemplateName } from "@/lib/stacks/recipes";
import { makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { claimTemplateBuild, hash8, MAX_BACKGROUND_ATTEMPTS, runTemplateQueueOnce } from "./template-builds";
import type { Actor } from "@/lib/auth/actor";

let panelB: PrismaClient;
let admin: ActionActor;
let dev: ActionActor;
let lxcPath: string;
let seq = 0;

beforeAll(async () => {
  panelB = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 4 }) });
  admin = await makeUser({ role: "ADMIN" });
  dev = await makeUser();
  lxcPath = mkdtempSync(path.join(os.tmpdir(), "hp-tpl-"));
});

afterAll(async () => {
  rmSync(lxcPath, { recursive: true, force: true });
  await panelB.$disconnect();
  await stopBoss();
  await disconnectDb();
});

/** An lxc node row on this machine whose lxcpath is a scratch directory (no container is started). */
async function lxcNodeRow(regionId: string) {
  const n = seq++;
  return db.hardwareNode.create({
    data: {
      name: `tpl-${Date.now().toString(36)}-${n}`,
      regionId,
      engine: "LXC",
      transport: "LOCAL",
      lxcPath,
      bridge: `hp-tpl${n}`,
      // Outside every other test file's range (nodes.integration.test.ts enrols into 10.100–10.199).
      subnet: `10.90.${n}.0/24`,
      ramMib: 8192,
      cpuMhz: 8000,
      diskGib: 100,
    },
  });
}

describe("background template builds", () => {
  it("are claimed once per node and stack, also by two panels racing on one database", async () => {
    const region = await makeRegion();
    const node = await lxcNodeRow(region.id);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claimTemplateBuild(node.id, "nginx", i % 2 === 0 ? db : panelB)),
    );
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    const ops = await db.operation.findMany({ where: { kind: "TEMPLATE", hardwareNodeId: node.id } });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      status: "PENDING",
      idempotencyKey: `template:${node.id}:nginx:${hash8("nginx")}:0`,
      input: { stackId: "nginx", action: "build", trigger: "background", recipeHash: hash8("nginx") },
    });
    // While it is open or once it succeeded, nobody claims it again; a failure allows a new attempt.
    expect(await claimTemplateBuild(node.id, "nginx", panelB)).toBeNull();
    for (let attempt = 1; attempt < MAX_BACKGROUND_ATTEMPTS; attempt++) {
      await db.operation.updateMany({
        where: { hardwareNodeId: node.id, status: "PENDING" },
        data: { status: "FAILED" },
      });
      const again = await Promise.all([
        claimTemplateBuild(node.id, "nginx"),
        claimTemplateBuild(node.id, "nginx", panelB),
      ]);
      expect(again.filter((c) => c !== null)).toHaveLength(1);
    }
    await db.operation.updateMany({
      where: { hardwareNodeId: node.id, status: "PENDING" },
      data: { status: "FAILED" },
    });
    expect(await claimTemplateBuild(node.id, "nginx")).toBeNull(); // attempts used up: an admin rebuilds
    // Another stack of the same node is independent.
    expect(await claimTemplateBuild(node.id, "redis")).not.toBeNull();
    await db.operation.deleteMany({ where: { hardwareNodeId: node.id } });
  });

  it("a PENDING template operation is run by exactly one of two workers, and admins see it on the node", async () => {
    const region = await makeRegion();
    const node = await lxcNodeRow(region.id);
    // A stale, unused template directory from an older build: "delete" removes it for real.
    const dir = path.join(lxcPath, stackTemplateName("redis"));
    mkdirSync(path.join(dir, "rootfs"), { recursive: true });
    writeFileSync(path.join(dir, "config"), "# template\n");
    const { operationId } = await executeAction(nodeActions.deleteNodeTemplate, {
      actor: admin,
      input: { nodeId: node.id, stackId: "redis" },
    });
    // A second request while the first is open is refused.
    await expect(
      executeAction(nodeActions.rebuildNodeTemplate, { actor: admin, input: { nodeId: node.id, stackId: "redis" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    // Two workers race for it (a worker of another test file may too): one PENDING → RUNNING wins.
    await Promise.all([runTemplateQueueOnce(), runTemplateQueueOnce()]);
    const op = await waitFor("the template operation", async () => {
      const row = await db.operation.findUniqueOrThrow({ where: { id: operationId }, include: { steps: true } });
      return row.status === "SUCCEEDED" || row.status === "FAILED" ? row : null;
    });
    expect(op).toMatchObject({ status: "SUCCEEDED", attempts: 1, userId: admin.id });
    expect(op.steps.map((s) => s.message)).toContain("removed the template");
    expect(existsSync(dir)).toBe(false);
    const templates = await listNodeTemplates({ actor: admin as Actor, nodeId: node.id });
    expect(templates.map((t) => t.stackId)).toEqual(expect.arrayContaining(["nginx", "nodejs", "postgresql", "redis"]));
    expect(templates.find((t) => t.stackId === "redis")).toMatchObject({ state: "deleted", operationId });
    expect(templates.find((t) => t.stackId === "nginx")).toMatchObject({ state: "missing" });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "node.template.delete", targetId: node.id },
    });
    expect(audit.detail).toMatchObject({ stackId: "redis", operationId });
  });

  it("refuses to rebuild or delete a template containers are built on, and non-admins", async () => {
    const region = await makeRegion();
    const node = await lxcNodeRow(region.id);
    await createEnvironment({
      actor: dev as Actor,
      input: {
        name: `web-${node.id.slice(-6)}`,
        regionId: region.id,
        layers: [
          { name: "lb", stack: "nginx", count: 1, reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1, ha: false },
        ],
      },
    });
    await expect(
      executeAction(nodeActions.rebuildNodeTemplate, { actor: admin, input: { nodeId: node.id, stackId: "nginx" } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("container is built on this template"),
    });
    await expect(
      executeAction(nodeActions.deleteNodeTemplate, { actor: dev, input: { nodeId: node.id, stackId: "redis" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      executeAction(nodeActions.deleteNodeTemplate, { actor: admin, input: { nodeId: node.id, stackId: "busybox" } }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await db.operation.count({ where: { kind: "TEMPLATE", hardwareNodeId: node.id } })).toBe(0);
  });
});
