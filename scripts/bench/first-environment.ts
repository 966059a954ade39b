/**
 * First environment after a fresh start (issue 15): `npm start` with an empty data directory and a
 * local hardware node whose lxcpath holds no template yet, then, BENCH_WAIT_S (default 180) seconds
 * after the panel answers, the five-stack environment [NGINX ×1, Node.js ×2, PostgreSQL ×1, Redis ×1]
 * from the service call to every service answering, converged by the panel's own worker.
 * Target ≤ 20 s. The background template builds (TEMPLATE operations) are reported as they stood at
 * the moment of the request, and whether the machine-wide debootstrap cache existed before (a truly
 * fresh machine has none: then the OS is fetched from the Debian archive first).
 * Own data directory, lxcpath /var/lib/hostplane-bench/first-env, bridge hp-tfe, 10.213.240.0/24,
 * port 3290, ingress off (its ports are not this figure's business). Everything is removed at the end.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const PORT = Number(process.env.BENCH_PORT ?? 3290);
const WAIT_S = Number(process.env.BENCH_WAIT_S ?? 180);
const LXC_PATH = "/var/lib/hostplane-bench/first-env";
const BRIDGE = "hp-tfe";
const SUBNET = "10.213.240.0/24";
const TARGET_MS = 20_000;
const ADMIN = { email: "bench-admin@hostplane.test", password: "bench-first-environment-1" };
const OS_CACHE = "/var/cache/hostplane/debootstrap";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(timeoutMs: number, exited: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("the panel exited before it answered");
    const ok = await fetch(`http://localhost:${PORT}/api/health`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`the panel did not answer on :${PORT} within ${timeoutMs} ms`);
}

async function main() {
  const { destroyManagedContainers, removeTestBridge, removeTestContainer } =
    await import("../../lib/orchestrator/engines/lxc/test-hosts");
  const wipeNode = () => {
    destroyManagedContainers(LXC_PATH);
    // Its stack templates (hpt-*) too: this node must start without any.
    if (existsSync(LXC_PATH))
      for (const name of readdirSync(LXC_PATH).filter((n) => n.startsWith("hpt-"))) removeTestContainer(LXC_PATH, name);
    removeTestBridge(BRIDGE);
    rmSync(LXC_PATH, { recursive: true, force: true });
  };
  wipeNode();
  const osCacheBefore = existsSync(OS_CACHE) ? readdirSync(OS_CACHE).filter((f) => f.endsWith(".tar")) : [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "hostplane-bench-first-"));
  // The embedded server runs as the `postgres` user, which must reach its data directory.
  chmodSync(dataDir, 0o755);
  const t0 = performance.now();
  const panel = spawn(process.execPath, [path.join("scripts", "start.mjs")], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOSTPLANE_DATA_DIR: dataDir,
      HOSTPLANE_ADMIN_EMAIL: ADMIN.email,
      HOSTPLANE_ADMIN_PASSWORD: ADMIN.password,
      NEXTAUTH_URL: `http://localhost:${PORT}`,
      DATABASE_URL: "",
      HOSTPLANE_LOCAL_LXC_PATH: LXC_PATH,
      HOSTPLANE_LOCAL_BRIDGE: BRIDGE,
      HOSTPLANE_LOCAL_SUBNET: SUBNET,
      HOSTPLANE_INGRESS: "off",
      HOSTPLANE_TEMPLATE_WARM: "on",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let panelLog = "";
  panel.stdout!.on("data", (d) => (panelLog += d));
  panel.stderr!.on("data", (d) => (panelLog += d));
  const panelExited = new Promise((r) => panel.once("exit", r));
  try {
    await waitHealthy(600_000, () => panel.exitCode !== null || panel.signalCode !== null);
    const readyMs = performance.now() - t0;
    const { port, password } = JSON.parse(readFileSync(path.join(dataDir, "postgres.json"), "utf8")) as {
      port: number;
      password: string;
    };
    process.env.DATABASE_URL = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/hostplane`;
    process.env.HOSTPLANE_SECRET = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")).hostplaneSecret;
    const { db, disconnectDb } = await import("../../lib/db/client");
    const { createEnvironment } = await import("../../lib/services/environments");
    const { FIVE_STACK_LAYERS, waitUntilEveryServiceAnswers } = await import("../lib/five-stack");
    const { stopBoss } = await import("../../lib/queue");
    try {
      console.error(`[bench] panel ready in ${Math.round(readyMs)} ms; waiting ${WAIT_S} s`);
      await sleep(WAIT_S * 1000);
      const templateOps = await db.operation.findMany({
        where: { kind: "TEMPLATE" },
        select: { status: true, input: true, startedAt: true, finishedAt: true },
      });
      const templatesAtRequest = templateOps.map((o) => ({
        stack: (o.input as { stackId?: string } | null)?.stackId ?? "?",
        status: o.status,
        buildMs: o.startedAt && o.finishedAt ? o.finishedAt.getTime() - o.startedAt.getTime() : null,
      }));
      const actor = await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
      const node = await db.hardwareNode.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
      const began = performance.now();
      const { environmentId, operationId } = await createEnvironment({
        actor,
        input: {
          name: "first",
          regionId: node.regionId,
          layers: FIVE_STACK_LAYERS,
        },
      });
      for (;;) {
        const op = await db.operation.findUniqueOrThrow({ where: { id: operationId } });
        if (op.status === "SUCCEEDED") break;
        if (op.status === "FAILED" || op.status === "CANCELLED") throw new Error(`creation failed: ${op.error}`);
        if (performance.now() - began > 600_000) throw new Error("creation did not finish within 10 min");
        await sleep(50);
      }
      const convergedMs = performance.now() - began;
      await waitUntilEveryServiceAnswers(environmentId, 60_000);
      const answeringMs = performance.now() - began;
      console.log(
        JSON.stringify(
          {
            benchmark: "first-environment",
            label:
              "fresh `npm start` (empty data directory, node without templates), wait, then the five-stack environment from createEnvironment() to every service answering, converged by the panel's worker",
            conditions: {
              machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
              waitAfterReadyS: WAIT_S,
              debootstrapCacheBefore: osCacheBefore.length
                ? osCacheBefore
                : "none (the OS came from the Debian archive)",
            },
            panelReadyMs: Math.round(readyMs),
            templatesAtRequest,
            requestToConvergedMs: Math.round(convergedMs),
            requestToAllAnsweringMs: Math.round(answeringMs),
            targetMs: TARGET_MS,
            met: answeringMs <= TARGET_MS,
          },
          null,
          2,
        ),
      );
    } finally {
      await stopBoss();
      await disconnectDb();
    }
  } catch (error) {
    console.error(panelLog.split("\n").slice(-40).join("\n"));
    throw error;
  } finally {
    // The panel stops what it started (Next.js, its database) on SIGTERM.
    if (panel.exitCode === null && panel.pid) process.kill(panel.pid, "SIGTERM");
    await Promise.race([panelExited, sleep(30_000)]);
    if (panel.exitCode === null && panel.signalCode === null && panel.pid) process.kill(-panel.pid, "SIGKILL");
    wipeNode();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
