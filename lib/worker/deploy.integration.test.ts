// Deploys through the whole control plane on real LXC containers: an archive uploaded to the service
// is checked, unpacked and built inside each container, rolled out one container at a time behind
// the environment's nginx balancer while a request loop sees no error, rolled back when the new
// release does not answer its health check, restored from the kept releases in one call, and
// followed by scale-out. A zip-slip archive is refused with nothing changed.
import { execFileSync } from "node:child_process";
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { startWorker, type RunningWorker } from "@/lib/worker";
import { stopBoss } from "@/lib/queue";
import { createEnvironment } from "@/lib/services/environments";
import { scaleLayer, setEnvironmentRunning } from "@/lib/services/environment-ops";
import { deployArchive, deployGit, deployKeptRelease, listDeploys, setDeploySettings } from "@/lib/services/deploys";
import { crashAt, recover } from "../../scripts/test/crash-harness";
import { commitAll, startGitDaemon } from "../../scripts/test/git-daemon";
import { saveVariables } from "@/lib/services/variables";
import { readLogs } from "@/lib/services/logs";
import { isAppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { cleanLxcNode, makeLxcNode, makeRegion, makeUser, waitFor } from "../../scripts/test/cluster-fixture";

const LXC = { lxcPath: "/var/lib/hostplane-test/deploy", bridge: "hp-tdp", subnet: "10.213.237.0/24" };
let worker: RunningWorker | null = null;
let regionId: string;
let actor: Actor;
let tmp: string;

const layer = (name: string, stack: string, count: number) => ({
  name,
  stack,
  count,
  reservedCloudlets: 2,
  dynamicCloudlets: 8,
  diskGib: 2,
  ha: false,
});

/** Resolves with the operation once it ends (SUCCEEDED or FAILED). */
async function settled(operationId: string, timeoutMs = 900_000) {
  return waitFor(
    `operation ${operationId}`,
    async () => {
      const op = await db.operation.findUniqueOrThrow({ where: { id: operationId } });
      return op.status === "SUCCEEDED" || op.status === "FAILED" ? op : null;
    },
    timeoutMs,
    200,
  );
}

async function succeeded(operationId: string) {
  const op = await settled(operationId);
  if (op.status !== "SUCCEEDED") throw new Error(`operation ${op.kind} failed: ${op.error} ${op.errorDetail ?? ""}`);
  return op;
}

function get(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 80, path: "/", timeout: 5000, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(`${res.statusCode} ${body.trim()}`));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** A dependency-free Node.js app answering "<version> from <hostname>"; `crash` exits at start. */
function appArchive(version: string, options: { crash?: boolean; zip?: boolean } = {}): string {
  const dir = path.join(tmp, `app-${version}`);
  mkdirSync(path.join(dir, "myapp"), { recursive: true });
  writeFileSync(
    path.join(dir, "myapp", "package.json"),
    JSON.stringify({ name: "demo", version, scripts: { start: "node server.js" } }),
  );
  writeFileSync(
    path.join(dir, "myapp", "server.js"),
    options.crash
      ? `console.error("boom: ${version} refuses to start"); process.exit(3);\n`
      : `const http = require("node:http");
const os = require("node:os");
const server = http.createServer((req, res) => res.end("${version} from " + os.hostname() + "\\n"));
server.listen(Number(process.env.PORT), () => console.log("${version} listening on " + process.env.PORT));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`,
  );
  const archive = path.join(tmp, `app-${version}.tar.gz`);
  execFileSync("tar", ["-czf", archive, "-C", dir, "myapp"]);
  return archive;
}

async function upload(environmentId: string, layerId: string, archive: string) {
  return deployArchive({
    actor,
    environmentId,
    layerId,
    fileName: path.basename(archive),
    body: createReadStream(archive),
  });
}

/** The distinct answers of `n` requests through the balancer. */
async function answers(ip: string, n = 8): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < n; i++) out.add(await get(ip));
  return out;
}

beforeAll(async () => {
  process.env.HOSTPLANE_SECRET ??= "integration-secret";
  process.env.HOSTPLANE_DEPLOY_HEALTH_TIMEOUT_S = "8";
  tmp = mkdtempSync(path.join(os.tmpdir(), "hp-deploy-it-"));
  process.env.HOSTPLANE_DEPLOY_DIR = path.join(tmp, "releases");
  cleanLxcNode(LXC);
  regionId = (await makeRegion()).id;
  await makeLxcNode({ regionId, name: "deploy-1", lxc: LXC, ramMib: 8192, cpuMhz: 40_000 });
  actor = await makeUser();
  worker = await startInProcessWorker();
}, 600_000);

function startInProcessWorker() {
  return startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    healthIntervalMs: 3_600_000,
    log: () => {},
  });
}

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  await db.container.updateMany({ where: { environment: { regionId } }, data: { desiredState: "STOPPED" } });
  cleanLxcNode(LXC);
  rmSync(tmp, { recursive: true, force: true });
  await disconnectDb();
});

describe("deploys", () => {
  it("rolls archives out without dropping a request, rolls a failing release back, restores kept ones", async () => {
    const created = await createEnvironment({
      actor,
      input: { name: "deploy", regionId, layers: [layer("bl", "nginx", 1), layer("cp", "nodejs", 2)] },
    });
    await succeeded(created.operationId);
    const envId = created.environmentId;
    const cp = await db.layer.findFirstOrThrow({ where: { environmentId: envId, name: "cp" } });
    const bl = await db.container.findFirstOrThrow({ where: { environmentId: envId, layer: { name: "bl" } } });
    const names = (await db.container.findMany({ where: { layerId: cp.id } })).map((c) => `hp-${c.id}`).sort();
    await waitFor("the balancer answers", async () => (await get(bl.ip!).catch(() => "")).startsWith("200 hello"));

    // v1: every container answers the new version.
    const v1 = await upload(envId, cp.id, appArchive("v1"));
    expect(v1.number).toBe(1);
    await succeeded(v1.operationId);
    expect(await answers(bl.ip!)).toEqual(new Set(names.map((n) => `200 v1 from ${n}`)));
    const r1 = await db.release.findUniqueOrThrow({ where: { id: v1.releaseId } });
    expect(r1.status).toBe("ACTIVE");
    expect(r1.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r1.output).toContain("no dependencies to install");

    // v2 under a request loop: no request fails while the two containers switch one after the other.
    const v2 = await upload(envId, cp.id, appArchive("v2"));
    let requests = 0;
    const failures: string[] = [];
    let looping = true;
    const loop = (async () => {
      while (looping) {
        requests++;
        const answer = await get(bl.ip!).catch((e: Error) => `error ${e.message}`);
        if (!/^200 v[12] from /.test(answer)) failures.push(answer);
      }
    })();
    await succeeded(v2.operationId);
    looping = false;
    await loop;
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    expect(await answers(bl.ip!)).toEqual(new Set(names.map((n) => `200 v2 from ${n}`)));

    // v3 exits at start: its health check fails, the deploy fails and the rollback restores v2 everywhere.
    const v3 = await upload(envId, cp.id, appArchive("v3", { crash: true }));
    const failed = await settled(v3.operationId);
    expect(failed.status).toBe("FAILED");
    const r3 = await db.release.findUniqueOrThrow({ where: { id: v3.releaseId } });
    expect(r3.status).toBe("FAILED");
    expect(r3.error).toMatch(/health check/);
    expect(r3.output).toContain("boom: v3 refuses to start");
    const rollback = await db.operation.findFirstOrThrow({
      where: { environmentId: envId, kind: "DEPLOY", input: { path: ["rollbackOf"], equals: v3.releaseId } },
    });
    await succeeded(rollback.id);
    expect(await answers(bl.ip!)).toEqual(new Set(names.map((n) => `200 v2 from ${n}`)));
    const served = await db.container.findMany({ where: { layerId: cp.id } });
    expect(served.map((c) => c.releaseId)).toEqual([v2.releaseId, v2.releaseId]);
    expect(served.every((c) => !c.draining)).toBe(true);
    expect((await db.layer.findUniqueOrThrow({ where: { id: cp.id } })).currentReleaseId).toBe(v2.releaseId);
    expect((await db.environment.findUniqueOrThrow({ where: { id: envId } })).status).toBe("RUNNING");

    // A zip-slip archive is refused before anything is recorded or touched.
    const releasesBefore = await db.release.count({ where: { layerId: cp.id } });
    const evil = path.join(tmp, "evil.tar.gz");
    execFileSync("tar", ["-czf", evil, "-P", "-C", tmp, "--transform", "s,^,../,", "app-v1"]);
    const refused = await upload(envId, cp.id, evil).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("VALIDATION");
    expect(await db.release.count({ where: { layerId: cp.id } })).toBe(releasesBefore);
    expect(await answers(bl.ip!)).toEqual(new Set(names.map((n) => `200 v2 from ${n}`)));

    // Restore v1 from the kept releases (a rolling deploy too).
    await succeeded((await deployKeptRelease({ actor, environmentId: envId, releaseId: v1.releaseId })).operationId);
    expect(await answers(bl.ip!)).toEqual(new Set(names.map((n) => `200 v1 from ${n}`)));

    // Scale-out: the added container serves the current release, not the sample.
    await succeeded(
      (await scaleLayer({ actor, input: { environmentId: envId, layerId: cp.id, count: 3 } })).operationId,
    );
    const third = await db.container.findFirstOrThrow({ where: { layerId: cp.id, ordinal: 2 } });
    expect(third.releaseId).toBe(v1.releaseId);
    await waitFor("the added container answers v1 through the balancer", async () =>
      (await answers(bl.ip!, 9)).has(`200 v1 from hp-${third.id}`),
    );
    for (const answer of await answers(bl.ip!, 9)) expect(answer).toMatch(/^200 v1 from /);

    // kill -9 mid-deploy: a worker process dies right after switching the second of three containers.
    // Until the deploy resumes, the page names each container's release; after a restart the deploy
    // finishes and one release serves every container.
    await worker?.stop();
    worker = null;
    const v4 = await upload(envId, cp.id, appArchive("v4"));
    const crashed = await crashAt("switch:2");
    expect(crashed?.signal).toBe("SIGKILL");
    const midway = (await listDeploys(actor, envId))!.find((l) => l.id === cp.id)!;
    expect(midway.containers.map((c) => c.release)).toEqual([v4.number, v4.number, 1]);
    expect(midway.currentRelease).toBe(1);
    expect((await db.operation.findUniqueOrThrow({ where: { id: v4.operationId } })).status).toBe("RUNNING");
    await recover(300_000);
    expect((await db.operation.findUniqueOrThrow({ where: { id: v4.operationId } })).status).toBe("SUCCEEDED");
    const after = (await listDeploys(actor, envId))!.find((l) => l.id === cp.id)!;
    expect(after.currentRelease).toBe(v4.number);
    expect(after.containers.map((c) => [c.release, c.draining])).toEqual([
      [v4.number, false],
      [v4.number, false],
      [v4.number, false],
    ]);
    expect(after.releases.find((r) => r.number === v4.number)?.status).toBe("ACTIVE");
    for (const answer of await answers(bl.ip!, 9)) expect(answer).toMatch(/^200 v4 from /);
    worker = await startInProcessWorker();
  }, 1_800_000);

  it("deploys Git refs, rolls variables out as a restart, and shows what the app printed", async () => {
    // A Git server the test owns: git daemon on loopback, serving one repository.
    const repos = path.join(tmp, "repos");
    const work = path.join(tmp, "gitwork");
    mkdirSync(repos, { recursive: true });
    mkdirSync(work, { recursive: true });
    const commit = (version: string) => {
      writeFileSync(
        path.join(work, "package.json"),
        JSON.stringify({ name: "gitapp", version: "1.0.0", main: "server.js" }),
      );
      writeFileSync(
        path.join(work, "server.js"),
        `const http = require("node:http");
const { PORT, GREETING, SECRET_TOKEN } = process.env;
http.createServer((req, res) => res.end("${version} " + (GREETING || "-") + " " + (SECRET_TOKEN ? "token" : "no-token") + "\\n"))
  .listen(Number(PORT), () => console.log("${version} listening on " + PORT));
`,
      );
      commitAll(work, path.join(repos, "app.git"), version);
    };
    const daemon = await startGitDaemon(repos);
    try {
      commit("g1");
      const created = await createEnvironment({
        actor,
        input: { name: "gitdeploy", regionId, layers: [layer("cp", "nodejs", 1)] },
      });
      await succeeded(created.operationId);
      const envId = created.environmentId;
      const cp = await db.layer.findFirstOrThrow({ where: { environmentId: envId, name: "cp" } });
      const app = await db.container.findFirstOrThrow({ where: { layerId: cp.id } });
      const ask = () =>
        new Promise<string>((resolve, reject) => {
          http
            .get({ host: app.ip!, port: 8080, path: "/", timeout: 5000, agent: false }, (res) => {
              let body = "";
              res.on("data", (d) => (body += d));
              res.on("end", () => resolve(body.trim()));
            })
            .on("error", reject);
        });
      const url = daemon.url("app.git");

      // A branch, then a new commit pushed to it.
      const g1 = await deployGit({ actor, environmentId: envId, layerId: cp.id, url, ref: "main" });
      await succeeded(g1.operationId);
      expect(await ask()).toBe("g1 - no-token");
      commit("g2");
      const g2 = await deployGit({ actor, environmentId: envId, layerId: cp.id, url, ref: "main" });
      expect(g2.commit).not.toBe(g1.commit);
      await succeeded(g2.operationId);
      expect(await ask()).toBe("g2 - no-token");
      const r2 = await db.release.findUniqueOrThrow({ where: { id: g2.releaseId } });
      expect(r2.digest).toBe(`git:${g2.commit}`);
      expect(r2.sourceKind).toBe("git");

      // A ref that does not exist, an unknown scheme: clear errors, nothing recorded.
      const releases = await db.release.count({ where: { layerId: cp.id } });
      const missing = await deployGit({ actor, environmentId: envId, layerId: cp.id, url, ref: "nope" }).catch(
        (e: unknown) => e,
      );
      expect(isAppError(missing) && missing.fieldErrors?.ref?.[0]).toMatch(/No branch, tag or commit named "nope"/);
      const scheme = await deployGit({
        actor,
        environmentId: envId,
        layerId: cp.id,
        url: "file:///etc",
        ref: "main",
      }).catch((e: unknown) => e);
      expect(isAppError(scheme) && scheme.fieldErrors?.url).toBeTruthy();
      expect(await db.release.count({ where: { layerId: cp.id } })).toBe(releases);

      // Variables: bad ones change nothing; good ones roll out as a restart (the layer's value wins).
      const opsBefore = await db.operation.count({ where: { environmentId: envId } });
      for (const bad of [
        { name: "1BAD", value: "x" },
        { name: "OK", value: "x".repeat(33 * 1024) },
        { name: "DATABASE_URL", value: "postgres://elsewhere" },
      ]) {
        const error = await saveVariables({ actor, environmentId: envId, layerId: null, variables: [bad] }).catch(
          (e: unknown) => e,
        );
        expect(error, bad.name).toBeInstanceOf(Error);
      }
      expect(await db.variable.count({ where: { environmentId: envId } })).toBe(0);
      expect(await db.operation.count({ where: { environmentId: envId } })).toBe(opsBefore);
      const envVars = await saveVariables({
        actor,
        environmentId: envId,
        layerId: null,
        variables: [{ name: "GREETING", value: "hello from the environment" }],
      });
      for (const id of envVars.operationIds) await succeeded(id);
      expect(await ask()).toBe("g2 hello from the environment no-token");
      const layerVars = await saveVariables({
        actor,
        environmentId: envId,
        layerId: cp.id,
        variables: [
          { name: "GREETING", value: "layer wins" },
          { name: "SECRET_TOKEN", value: "s3cret-value", secret: true },
        ],
      });
      for (const id of layerVars.operationIds) await succeeded(id);
      expect(await ask()).toBe("g2 layer wins token");
      const sealed = await db.variable.findFirstOrThrow({ where: { name: "SECRET_TOKEN" } });
      expect(sealed.value).not.toContain("s3cret-value");
      expect((await db.container.findUniqueOrThrow({ where: { id: app.id } })).releaseId).toBe(g2.releaseId);

      // Logs: the line the app printed, labelled with its container; and the deploy logs.
      const logs = await readLogs(actor, {
        environmentId: envId,
        layerId: cp.id,
        source: "service",
        lines: 200,
        search: "LISTENING",
      });
      expect(logs?.entries).toContainEqual({ source: "cp-1", line: "g2 listening on 8080" });
      expect(logs?.entries.every((e) => /listening/.test(e.line))).toBe(true);
      const deployLogs = await readLogs(actor, { environmentId: envId, source: "deploy", lines: 200, search: "" });
      expect(deployLogs?.entries.some((e) => e.source === "cp release 2" && /unpacked/.test(e.line))).toBe(true);

      // Build output is streamed: a slow build's first line is on the release while the deploy still runs.
      const slow = path.join(tmp, "slow");
      mkdirSync(slow, { recursive: true });
      writeFileSync(
        path.join(slow, "package.json"),
        JSON.stringify({
          name: "slow",
          version: "1.0.0",
          main: "server.js",
          // The echoed command line differs from what it prints: "stage-$((1+1))" prints "stage-2".
          scripts: { build: "echo stage-$((1+1)) && sleep 6 && echo stage-$((2+1))" },
        }),
      );
      writeFileSync(
        path.join(slow, "server.js"),
        `require("node:http").createServer((q, s) => s.end("slow")).listen(Number(process.env.PORT));\n`,
      );
      execFileSync("tar", ["-czf", path.join(tmp, "slow.tar.gz"), "-C", slow, "."]);
      // The layer's health path is the one a switched container must answer.
      await setDeploySettings({ actor, environmentId: envId, layerId: cp.id, healthPath: "/ready", batch: 2 });
      const s1 = await upload(envId, cp.id, path.join(tmp, "slow.tar.gz"));
      const midBuild = await waitFor(
        "the build's first line on the release",
        async () => {
          const release = await db.release.findUniqueOrThrow({ where: { id: s1.releaseId } });
          return release.output?.includes("[cp-1] stage-2") ? release : null;
        },
        30_000,
        200,
      );
      expect(midBuild.output).not.toContain("stage-3");
      expect((await db.operation.findUniqueOrThrow({ where: { id: s1.operationId } })).status).toBe("RUNNING");
      await succeeded(s1.operationId);
      expect((await db.release.findUniqueOrThrow({ where: { id: s1.releaseId } })).output).toContain("[cp-1] stage-3");
      expect(await ask()).toBe("slow");

      // Deployed while stopped: nothing runs to switch, so the container switches when it starts.
      await succeeded((await setEnvironmentRunning({ actor, environmentId: envId, running: false })).operationId);
      const offline = await deployGit({ actor, environmentId: envId, layerId: cp.id, url, ref: "main" });
      await succeeded(offline.operationId);
      expect((await db.container.findUniqueOrThrow({ where: { id: app.id } })).releaseId).toBe(offline.releaseId);
      await succeeded((await setEnvironmentRunning({ actor, environmentId: envId, running: true })).operationId);
      await waitFor("the started container serves the release deployed while it was stopped", async () =>
        (await ask().catch(() => "")).startsWith("g2 ") ? true : null,
      );
      const verified = await db.operationStep.findFirstOrThrow({
        where: { operationId: s1.operationId, kind: "verify" },
      });
      expect(verified.message).toMatch(/^cp-1: \/ready answered HTTP 200/);

      // A static layer serves the built site of an archive whose root has no index.html.
      const site = await createEnvironment({
        actor,
        input: { name: "site", regionId, layers: [layer("web", "static", 1)] },
      });
      await succeeded(site.operationId);
      const web = await db.layer.findFirstOrThrow({ where: { environmentId: site.environmentId, name: "web" } });
      const webIp = (await db.container.findFirstOrThrow({ where: { layerId: web.id } })).ip!;
      const siteDir = path.join(tmp, "site");
      mkdirSync(path.join(siteDir, "dist"), { recursive: true });
      writeFileSync(path.join(siteDir, "package.json"), "{}");
      writeFileSync(path.join(siteDir, "dist", "index.html"), "built site v1\n");
      execFileSync("tar", ["-czf", path.join(tmp, "site.tar.gz"), "-C", siteDir, "."]);
      const siteRelease = await upload(site.environmentId, web.id, path.join(tmp, "site.tar.gz"));
      await succeeded(siteRelease.operationId);
      expect(await get(webIp)).toBe("200 built site v1");
      expect((await db.release.findUniqueOrThrow({ where: { id: siteRelease.releaseId } })).output).toContain(
        "[web-1] serving dist/ (a built site)",
      );
    } finally {
      daemon.stop();
    }
  }, 1_200_000);
});
