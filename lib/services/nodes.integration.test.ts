import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { openSecret } from "@/lib/crypto/secret-box";
import { startSshd, type TestSshd } from "../../scripts/test/sshd";
import { decommissionNode, enrolNode, refreshNodeFacts, setNodeStatus, testNodeConnection, updateNode } from "./nodes";
import type { Actor } from "@/lib/auth/actor";

process.env.HOSTPLANE_SECRET ??= "integration-test-secret";
const dataDir = mkdtempSync(path.join(tmpdir(), "hp-nodes-it-"));
process.env.HOSTPLANE_DATA_DIR = dataDir;
const TEST_ROOT = "/var/lib/hostplane-test";
const run = Date.now().toString(36);
const names = { sim1: `it-sim-${run}`, sim2: `it-sim2-${run}`, ssh: `it-ssh-${run}`, ssh2: `it-ssh2-${run}` };

let admin: Actor;
let developer: Actor;
let regionId: string;
let sshd: TestSshd;

beforeAll(async () => {
  admin = await db.user.create({
    data: { email: `admin-${run}@nodes.test`, name: "Admin", role: "ADMIN" },
    select: { id: true, email: true, role: true },
  });
  developer = await db.user.create({
    data: { email: `dev-${run}@nodes.test`, name: "Dev" },
    select: { id: true, email: true, role: true },
  });
  // A private pool so node subnets do not collide with other test files' nodes.
  const octet = 100 + (Date.now() % 100);
  regionId = (await db.region.create({ data: { name: `it-nodes-${run}`, subnetPool: `10.${octet}.0.0/16` } })).id;
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
  for (const name of [names.ssh, names.ssh2]) rmSync(path.join(TEST_ROOT, name), { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  await disconnectDb();
});

const sshInput = (name: string) => ({
  name,
  engine: "lxc",
  transport: "ssh",
  sshHost: sshd.host,
  sshPort: sshd.port,
  sshUser: "root",
  sshPrivateKey: sshd.privateKey,
  lxcPath: path.join(TEST_ROOT, name),
});

describe("enrolNode with the simulated engine", () => {
  it("stores a node with probed capacity, the next free /24, labels and an audit event", async () => {
    const node = await enrolNode({
      actor: admin,
      input: {
        name: names.sim1,
        engine: "sim",
        transport: "local",
        regionId,
        labels: "zone=a, disk=ssd",
        maxContainers: "40",
      },
      ip: "10.9.9.9",
    });
    const row = await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id }, include: { region: true } });
    const pool = row.region.subnetPool.split(".").slice(0, 2).join(".");
    expect(row).toMatchObject({
      engine: "SIM",
      transport: "LOCAL",
      subnet: `${pool}.1.0/24`,
      bridge: null,
      lxcPath: null,
      ramMib: 256 * 1024,
      cores: 32,
      mhzPerCore: 2500,
      cpuMhz: 32 * 2500,
      diskGib: 4096,
      maxContainers: 40,
      labels: { zone: "a", disk: "ssd" },
    });
    expect(row.facts).toMatchObject({ simulated: true, engine: "sim" });
    expect(row.lastSeenAt).not.toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "node.enrol", targetId: node.id } });
    expect(audit).toMatchObject({ actorId: admin.id, ip: "10.9.9.9", result: "SUCCESS" });

    const second = await enrolNode({
      actor: admin,
      input: {
        name: names.sim2,
        engine: "sim",
        transport: "local",
        regionId,
        ramMib: "4096",
        cores: "4",
        mhzPerCore: "1000",
        diskGib: "50",
        overcommitRatio: "1.5",
      },
    });
    expect(await db.hardwareNode.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      subnet: `${pool}.2.0/24`,
      ramMib: 4096,
      cpuMhz: 4000,
      diskGib: 50,
      overcommitRatio: 1.5,
    });
  });

  it("refuses a duplicate name and bad input without writing anything", async () => {
    await expect(
      enrolNode({ actor: admin, input: { name: names.sim1, engine: "sim", transport: "local", regionId } }),
    ).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { name: [expect.stringContaining("already exists")] } });
    const before = await db.hardwareNode.count();
    await expect(
      enrolNode({
        actor: admin,
        input: { name: "Bad Name", engine: "sim", transport: "local", regionId, ramMib: "-5" },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await db.hardwareNode.count()).toBe(before);
    expect(
      await db.auditEvent.count({ where: { action: "node.enrol", result: "FAILURE", actorId: admin.id } }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("maintenance, capacity updates and decommission (refused while containers exist)", async () => {
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { name: names.sim2 } });
    await setNodeStatus({ actor: admin, nodeId: node.id, status: "MAINTENANCE" });
    expect((await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } })).status).toBe("MAINTENANCE");

    const env = await db.environment.create({
      data: {
        name: `env-${run}`,
        ownerId: developer.id,
        regionId,
        layers: {
          create: {
            name: "app",
            role: "APP",
            stack: "busybox",
            count: 1,
            reservedCloudlets: 2,
            dynamicCloudlets: 4,
            diskGib: 1,
          },
        },
      },
      include: { layers: true },
    });
    await db.container.create({
      data: {
        environmentId: env.id,
        layerId: env.layers[0]!.id,
        ordinal: 0,
        hardwareNodeId: node.id,
        reservedCloudlets: 2,
        dynamicCloudlets: 4,
        diskGib: 1,
      },
    });
    await db.hardwareNode.update({ where: { id: node.id }, data: { reservedRamMib: 256, reservedContainers: 1 } });

    await expect(
      updateNode({ actor: admin, input: { nodeId: node.id, ramMib: "128", maxContainers: "0" } }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(updateNode({ actor: admin, input: { nodeId: node.id, ramMib: "200" } })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { ramMib: [expect.stringContaining("256 MiB")] },
    });
    await updateNode({ actor: admin, input: { nodeId: node.id, ramMib: "8192", labels: "zone=b" } });
    expect(await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } })).toMatchObject({
      ramMib: 8192,
      labels: { zone: "b" },
    });

    await expect(decommissionNode({ actor: admin, nodeId: node.id, confirmName: node.name })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("1 container"),
    });
    await expect(decommissionNode({ actor: admin, nodeId: node.id, confirmName: "wrong" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    expect(await db.hardwareNode.count({ where: { id: node.id } })).toBe(1);

    await db.environment.delete({ where: { id: env.id } });
    await decommissionNode({ actor: admin, nodeId: node.id, confirmName: node.name });
    expect(await db.hardwareNode.count({ where: { id: node.id } })).toBe(0);
  });

  it("refreshes facts through the node's engine", async () => {
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { name: names.sim1 } });
    const facts = await refreshNodeFacts({ actor: admin, nodeId: node.id });
    expect(facts.simulated).toBe(true);
  });
});

describe("enrolNode with lxc over SSH to a real loopback sshd", () => {
  it("tests the connection, returns the host key fingerprint and never the private key", async () => {
    const result = await testNodeConnection({ actor: admin, input: sshInput(names.ssh) });
    expect(result.hostKey?.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(result.facts).toMatchObject({ engine: "lxc", simulated: false });
    expect(result.facts.cores).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain("PRIVATE KEY");
  });

  it("refuses to save without the confirmed fingerprint", async () => {
    await expect(enrolNode({ actor: admin, input: { ...sshInput(names.ssh), regionId } })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { hostKeyFingerprint: expect.any(Array) },
    });
    await expect(
      enrolNode({
        actor: admin,
        input: { ...sshInput(names.ssh), regionId, hostKeyFingerprint: sshd.hostKeyFingerprint },
      }),
    ).rejects.toMatchObject({ fieldErrors: { confirmFingerprint: expect.any(Array) } });
  });

  it("enrols with the sealed key, the pinned host key and probed capacity", async () => {
    const node = await enrolNode({
      actor: admin,
      input: {
        ...sshInput(names.ssh),
        regionId,
        hostKeyFingerprint: sshd.hostKeyFingerprint,
        confirmFingerprint: "on",
      },
    });
    const row = await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } });
    expect(row).toMatchObject({
      engine: "LXC",
      transport: "SSH",
      sshHost: "127.0.0.1",
      sshPort: sshd.port,
      hostKey: `${sshd.hostKey.type} ${sshd.hostKey.key}`,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
      lxcPath: path.join(TEST_ROOT, names.ssh),
    });
    expect(row.bridge!.length).toBeLessThanOrEqual(15);
    expect(row.sshKeyEncrypted).not.toContain("PRIVATE KEY");
    expect(openSecret(row.sshKeyEncrypted!)).toBe(`${sshd.privateKey.trim()}\n`);
    const memTotalKib = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))![1]);
    expect(row.ramMib).toBe(Math.floor((memTotalKib * 1024) / 1024 ** 2));
    expect(row.memUsedMib).toBeGreaterThan(0);
    const audits = await db.auditEvent.findMany({ where: { targetId: node.id } });
    expect(JSON.stringify(audits)).not.toContain("PRIVATE KEY");

    const facts = await refreshNodeFacts({ actor: admin, nodeId: node.id });
    expect(facts.engine).toBe("lxc");
  });

  it("refuses a node whose host key changed since the admin confirmed it", async () => {
    const confirmed = sshd.hostKeyFingerprint;
    await sshd.stop();
    sshd = await startSshd({ port: sshd.port, privateKey: sshd.privateKey });
    expect(sshd.hostKeyFingerprint).not.toBe(confirmed);
    await expect(
      enrolNode({
        actor: admin,
        input: { ...sshInput(names.ssh2), regionId, hostKeyFingerprint: confirmed, confirmFingerprint: "on" },
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { hostKeyFingerprint: [expect.stringContaining(sshd.hostKeyFingerprint)] },
    });
    expect(await db.hardwareNode.count({ where: { name: names.ssh2 } })).toBe(0);
    // The enrolled node keeps its pinned key: the impostor key is refused on the next probe too.
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { name: names.ssh } });
    await expect(refreshNodeFacts({ actor: admin, nodeId: node.id })).rejects.toMatchObject({ code: "ENGINE_FAILED" });
    expect((await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } })).lastError).toBeTruthy();
  });
});

describe("a developer calling node services", () => {
  it("gets FORBIDDEN from every one, and it is audited", async () => {
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { name: names.sim1 } });
    const calls = [
      () => testNodeConnection({ actor: developer, input: { name: "x1", engine: "sim", transport: "local" } }),
      () => enrolNode({ actor: developer, input: { name: "x1", engine: "sim", transport: "local", regionId } }),
      () => setNodeStatus({ actor: developer, nodeId: node.id, status: "MAINTENANCE" }),
      () => decommissionNode({ actor: developer, nodeId: node.id, confirmName: node.name }),
      () => refreshNodeFacts({ actor: developer, nodeId: node.id }),
      () => updateNode({ actor: developer, input: { nodeId: node.id, ramMib: "1024" } }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } })).toMatchObject({
      status: "ACTIVE",
      ramMib: 256 * 1024,
    });
    expect(await db.auditEvent.count({ where: { actorId: developer.id, result: "FAILURE" } })).toBe(calls.length);
  });
});
