// The ingress through the whole control plane: a real Caddy (supervised like `npm start` does, on its
// own high ports and directory) in front of real LXC containers. Requests go to the ingress port with
// the environment's platform name; the routes follow create, scale, stop and delete, drift and a
// Caddy restarted empty are repaired, HTTPS is verified against the internal CA.
import { execFileSync } from "node:child_process";
import http from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { bootstrapCaddyConfig } from "@/lib/orchestrator/ingress/caddy-config";
import { loadCaddyConfig, readCaddyCaRoot } from "@/lib/orchestrator/ingress/caddy-admin";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { stopBoss } from "@/lib/queue";
import { createEnvironment } from "@/lib/services/environments";
import { deleteEnvironment, scaleLayer, setEnvironmentRunning } from "@/lib/services/environment-ops";
import type { Actor } from "@/lib/auth/actor";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";
import { startIngress, type RunningIngress } from "../../scripts/lib/ingress";
import { ingressSettings, syncIngress } from "@/lib/services/ingress";
import { resyncOnce } from "./resync";
import { crashAt, startChild } from "../../scripts/test/crash-harness";
import { addCustomDomain, removeCustomDomain } from "@/lib/services/custom-domains";
import { isAppError } from "@/lib/errors";
import { addTcpEndpoint, listTcpEndpoints, setRegionTcpEndpoints } from "@/lib/services/tcp-endpoints";

const LXC = { lxcPath: "/var/lib/hostplane-test/ingress", bridge: "hp-tin", subnet: "10.213.243.0/24" };
const HTTP_PORT = 18780;
const HTTPS_PORT = 18743;
let worker: RunningWorker | null = null;
let ingress: RunningIngress;
let regionId: string;
let actor: Actor;
let handle: string;
let tmp: string;

const layer = (name: string, stack: string, count: number) => ({
  name,
  stack,
  count,
  reservedCloudlets: 2,
  dynamicCloudlets: 4,
  diskGib: 2,
  ha: false,
});

async function waitOp(operationId: string, timeoutMs = 600_000) {
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

/** GET / on the ingress's HTTP port with the given Host header: "<status> <body>". */
function viaIngress(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: "127.0.0.1", port: HTTP_PORT, path: "/", headers: { Host: host }, timeout: 5000, agent: false },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(`${res.statusCode} ${body.trim()}`));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

async function answers(host: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await viaIngress(host));
  return out;
}

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  process.env.HOSTPLANE_INGRESS_HTTP_PORT = String(HTTP_PORT);
  process.env.HOSTPLANE_INGRESS_HTTPS_PORT = String(HTTPS_PORT);
  process.env.HOSTPLANE_DOMAIN = "localhost";
  tmp = mkdtempSync(path.join(os.tmpdir(), "hp-ingress-it-"));
  cleanLxcNode(LXC);
  ingress = await startIngress({ settings: ingressSettings(), onStart: () => syncIngress(), log: () => {} });
  regionId = (await makeRegion()).id;
  await makeLxcNode({ regionId, name: "ingress-1", lxc: LXC, ramMib: 8192, cpuMhz: 40_000 });
  actor = await makeUser();
  handle = (await db.user.findUniqueOrThrow({ where: { id: actor.id } })).handle;
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
  await db.container.updateMany({ where: { environment: { regionId } }, data: { desiredState: "STOPPED" } });
  await ingress?.stop();
  cleanLxcNode(LXC);
  rmSync(tmp, { recursive: true, force: true });
  await disconnectDb();
});

describe("ingress", () => {
  it("gives every user a platform-wide unique handle without hyphens", () => {
    expect(handle).toMatch(/^[a-z][a-z0-9]*$/);
  });

  it("routes by host name to the entry layer, follows scale-out, stop and delete, and repairs drift", async () => {
    const app = await createEnvironment({
      actor,
      input: { name: "shop", regionId, layers: [layer("cp", "nodejs", 1)] },
    });
    const front = await createEnvironment({
      actor,
      input: { name: "front", regionId, layers: [layer("bl", "nginx", 1), layer("cp", "nodejs", 1)] },
    });
    await waitOp(app.operationId);
    await waitOp(front.operationId);
    const shop = `shop-${handle}.localhost`;
    const frontHost = `front-${handle}.localhost`;

    // Through the balancer (the entry layer) to its app server.
    const frontApp = await db.container.findFirstOrThrow({
      where: { environmentId: front.environmentId, layer: { name: "cp" } },
    });
    await waitFor(
      "the balancer answers through the ingress",
      async () => (await viaIngress(frontHost)) === `200 hello from ${containerNameFor(frontApp.id)}`,
    );
    // An unknown name gets the styled 404, not Caddy's empty answer.
    const unknown = await viaIngress(`nobody-${handle}.localhost`);
    expect(unknown).toMatch(/^404 /);
    expect(unknown).toContain("No environment at this address");

    // Scale-out: the new container joins the rotation.
    const cp = await db.layer.findFirstOrThrow({ where: { environmentId: app.environmentId, name: "cp" } });
    await waitOp(
      (await scaleLayer({ actor, input: { environmentId: app.environmentId, layerId: cp.id, count: 2 } })).operationId,
    );
    const apps = await db.container.findMany({ where: { layerId: cp.id }, orderBy: { ordinal: "asc" } });
    const names = new Set(apps.map((c) => `200 hello from ${containerNameFor(c.id)}`));
    await waitFor(
      "both app containers answer through the ingress",
      async () => new Set(await answers(shop, 6)).size === 2,
    );
    expect(new Set(await answers(shop, 6))).toEqual(names);

    // Drift: Caddy's routes replaced by hand → the next resync puts them back.
    await loadCaddyConfig(ingressSettings().adminSocket, bootstrapCaddyConfig(ingressSettings()));
    expect(await viaIngress(shop)).toMatch(/^404 /);
    const tally = await resyncOnce({ orphanGraceMs: 3_600_000 });
    expect(tally.ingressRepaired).toBe(true);
    expect(names.has(await viaIngress(shop))).toBe(true);

    // Caddy killed: the supervisor restarts it empty and pushes the routes again.
    const before = ingress.pid()!;
    process.kill(before, "SIGKILL");
    await waitFor(
      "Caddy restarted with the routes",
      async () => ingress.pid() !== before && names.has(await viaIngress(shop).catch(() => "")),
    );

    // HTTPS with a certificate from the internal CA, verified against the CA the admin page offers.
    const ca = path.join(tmp, "root.crt");
    writeFileSync(ca, await readCaddyCaRoot(ingressSettings().adminSocket));
    const https = execFileSync(
      "curl",
      ["-sS", "--cacert", ca, "--resolve", `${shop}:${HTTPS_PORT}:127.0.0.1`, `https://${shop}:${HTTPS_PORT}/`],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(names.has(`200 ${https.trim()}`)).toBe(true);

    // The admin API listens on no TCP port: Caddy's only listeners are the two ingress ports.
    const listening = execFileSync("ss", ["-H", "-ltnp"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(`pid=${ingress.pid()},`))
      .map((line) => line.split(/\s+/)[3]!.split(":").pop());
    expect(new Set(listening)).toEqual(new Set([String(HTTP_PORT), String(HTTPS_PORT)]));

    // Stopped → the styled 503 page; deleted → 404.
    await waitOp(
      (await setEnvironmentRunning({ actor, environmentId: app.environmentId, running: false })).operationId,
    );
    const stopped = await viaIngress(shop);
    expect(stopped).toMatch(/^503 /);
    expect(stopped).toContain("This environment is stopped");
    await waitOp(
      (await deleteEnvironment({ actor, environmentId: app.environmentId, confirmName: "shop" })).operationId,
    );
    // The routes are pushed right after the deletion commits (and the operation with it): wait for them.
    await waitFor("the deleted environment answers 404", async () => /^404 /.test(await viaIngress(shop)));
    await waitOp(
      (await deleteEnvironment({ actor, environmentId: front.environmentId, confirmName: "front" })).operationId,
    );
    await waitFor("the deleted front answers 404", async () => /^404 /.test(await viaIngress(frontHost)));
  }, 1_200_000);

  it("serves a custom domain with its own certificate over HTTPS; another tenant cannot take it", async () => {
    const env = await createEnvironment({
      actor,
      input: { name: "dom", regionId, layers: [layer("cp", "nodejs", 1)] },
    });
    await waitOp(env.operationId);
    const app = await db.container.findFirstOrThrow({ where: { environmentId: env.environmentId } });
    const hello = `hello from ${containerNameFor(app.id)}`;
    const domain = `shop-${handle}.example.test`;
    const key = path.join(tmp, "own.key");
    const crt = path.join(tmp, "own.crt");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        crt,
        "-days",
        "3",
        "-subj",
        `/CN=${domain}`,
        "-addext",
        `subjectAltName=DNS:${domain}`,
      ],
      { stdio: "ignore" },
    );
    const own = { certificatePem: readFileSync(crt, "utf8"), keyPem: readFileSync(key, "utf8") };
    const other = await makeUser();

    // A key that is not the certificate's: a field error, nothing stored.
    const otherKey = path.join(tmp, "other.key");
    execFileSync("openssl", [
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-out",
      otherKey,
    ]);
    const mismatch = await addCustomDomain({
      actor,
      input: {
        environmentId: env.environmentId,
        domain,
        certificatePem: own.certificatePem,
        keyPem: readFileSync(otherKey, "utf8"),
      },
    }).catch((e: unknown) => e);
    expect(isAppError(mismatch) && mismatch.fieldErrors?.keyPem).toBeTruthy();
    expect(await db.customDomain.count({ where: { domain } })).toBe(0);

    const bound = await addCustomDomain({ actor, input: { environmentId: env.environmentId, domain, ...own } });
    expect(bound.domain).toBe(domain);
    const sealed = await db.customDomain.findUniqueOrThrow({ where: { domain } });
    expect(sealed.keyEncrypted).not.toContain("PRIVATE KEY");

    // HTTPS with the owner's certificate, verified against it; plain HTTP by Host header too.
    // (The app may still be starting: until it answers, the ingress serves its styled 502 page.)
    const curlHttps = () =>
      execFileSync(
        "curl",
        ["-sS", "--cacert", crt, "--resolve", `${domain}:${HTTPS_PORT}:127.0.0.1`, `https://${domain}:${HTTPS_PORT}/`],
        { encoding: "utf8", timeout: 30_000 },
      ).trim();
    await waitFor("the custom domain answers over HTTPS", async () => curlHttps() === hello);
    expect(curlHttps()).toBe(hello);
    expect(await viaIngress(domain)).toBe(`200 ${hello}`);

    // Another tenant (their own environment) cannot take the domain.
    const theirs = await db.environment.create({ data: { name: "theirs", ownerId: other.id, regionId } });
    const taken = await addCustomDomain({
      actor: other,
      input: { environmentId: theirs.id, domain, certificatePem: "", keyPem: "" },
    }).catch((e: unknown) => e);
    expect(isAppError(taken) && taken.fieldErrors?.domain?.[0]).toContain("already bound");
    expect(await db.customDomain.count({ where: { domain } })).toBe(1);
    await db.environment.delete({ where: { id: theirs.id } });

    await removeCustomDomain({ actor, environmentId: env.environmentId, domainId: bound.id });
    expect(await viaIngress(domain)).toMatch(/^404 /);
    await waitOp(
      (await deleteEnvironment({ actor, environmentId: env.environmentId, confirmName: "dom" })).operationId,
    );
  }, 900_000);

  it("a TCP endpoint publishes PostgreSQL on a node port: psql runs SELECT 1 with the generated credentials", async () => {
    const env = await createEnvironment({
      actor,
      input: { name: "db", regionId, layers: [layer("sql", "postgresql", 1)] },
    });
    await waitOp(env.operationId);
    const sql = await db.container.findFirstOrThrow({ where: { environmentId: env.environmentId } });

    // A node port outside the admin-set range: a field error, nothing stored.
    const outside = await addTcpEndpoint({
      actor,
      input: { environmentId: env.environmentId, containerId: sql.id, containerPort: 5432, nodePort: 80 },
    }).catch((e: unknown) => e);
    expect(isAppError(outside) && outside.fieldErrors?.nodePort).toBeTruthy();
    expect(await db.tcpEndpoint.count({ where: { environmentId: env.environmentId } })).toBe(0);

    const published = await addTcpEndpoint({
      actor,
      input: { environmentId: env.environmentId, containerId: sql.id, containerPort: 5432 },
    });
    expect(published.nodePort).toBeGreaterThanOrEqual(30000);
    const listed = (await listTcpEndpoints(actor, env.environmentId))!.endpoints[0]!;
    expect(listed.hostPort).toBe(`10.213.243.1:${published.nodePort}`);
    expect(listed.connection).toMatch(new RegExp(`^postgresql://.+@10\\.213\\.243\\.1:${published.nodePort}/`));
    const psql = () =>
      execFileSync("psql", [listed.connection!, "-tAc", "SELECT 1"], {
        encoding: "utf8",
        timeout: 15_000,
        env: { ...process.env, PGCONNECT_TIMEOUT: "5" },
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
    expect(await waitFor("psql through the endpoint", async () => psql() === "1", 120_000, 1000)).toBe(true);

    // Switched off in the region: the rule goes; on again: it is back.
    const admin = await makeUser({ role: "ADMIN" });
    await setRegionTcpEndpoints({ actor: admin, input: { regionId, enabled: false } });
    expect(() => psql()).toThrow();
    await setRegionTcpEndpoints({ actor: admin, input: { regionId, enabled: true } });
    expect(psql()).toBe("1");

    // Deleted with the environment, and the node's endpoint table with it.
    execFileSync("nft", ["list", "table", "ip", "hostplane_ep_hp_tin"], { stdio: "ignore" });
    await waitOp((await deleteEnvironment({ actor, environmentId: env.environmentId, confirmName: "db" })).operationId);
    expect(await db.tcpEndpoint.count({ where: { nodePort: published.nodePort } })).toBe(0);
    expect(() => execFileSync("nft", ["list", "table", "ip", "hostplane_ep_hp_tin"], { stdio: "ignore" })).toThrow();
  }, 900_000);

  it("a worker killed after starting a scaled-out container, before pushing its route: after restart the route is there", async () => {
    const env = await createEnvironment({
      actor,
      input: { name: "kill", regionId, layers: [layer("cp", "nodejs", 1)] },
    });
    await waitOp(env.operationId);
    // From here on only worker processes of this test run operations.
    await worker?.stop();
    worker = null;
    const cp = await db.layer.findFirstOrThrow({ where: { environmentId: env.environmentId } });
    const { operationId } = await scaleLayer({
      actor,
      input: { environmentId: env.environmentId, layerId: cp.id, count: 2 },
    });
    const crashed = await crashAt("routes");
    expect(crashed?.signal).toBe("SIGKILL");
    const fresh = await db.container.findFirstOrThrow({ where: { layerId: cp.id, ordinal: 1 } });
    expect(fresh.observedState).toBe("RUNNING");
    const host = `kill-${handle}.localhost`;
    const hello = `200 hello from ${containerNameFor(fresh.id)}`;
    expect(await answers(host, 4)).not.toContain(hello);

    const { child, exited } = startChild({});
    try {
      await waitOp(operationId);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    await waitFor(
      "the new container in the rotation",
      async () => (await answers(host, 4)).includes(hello),
      30_000,
      300,
    );
  }, 900_000);
});
