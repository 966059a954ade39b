/**
 * Dashboard benchmark (issue 6): the production build served by scripts/serve.ts on a temporary
 * data directory (own embedded PostgreSQL, no worker, no local node), seeded through Prisma with
 * 1,000 environments (2 layers, 3 containers each) for one developer, who signs in through the
 * credentials endpoint. Measures, warm:
 *   - TTFB of /environments (sequential requests, time to response headers): p50 / p95, target p95 ≤ 200 ms;
 *   - the same page under autocannon (full response latency, throughput);
 *   - LCP of an environment page in Chromium (playwright-core, PerformanceObserver), target ≤ 1.0 s;
 *   - the TTFB again with 300 open event streams (/api/events: 15 developers × 20 tabs, the per-user
 *     cap) while a writer changes one of the measured developer's environments 5 times a second, so
 *     NOTIFY fan-out runs during the measurement: p95 target ≤ 200 ms.
 * Prints JSON with figures, targets and conditions; stops everything it started. Needs `next build`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import pg from "pg";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { hashPassword } from "../../lib/auth/hash";
import { findFreePort } from "../../lib/db/embedded";

// autocannon ships no types (and @types/autocannon is not a dependency): the part used here.
type CannonResult = {
  latency: { p50: number; p97_5: number; p99: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
};
async function runAutocannon(options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}): Promise<CannonResult> {
  const mod = (await import("autocannon" as string)) as { default: (o: typeof options) => Promise<CannonResult> };
  return mod.default(options);
}

const ENVIRONMENTS = Number(process.env.BENCH_ENVIRONMENTS ?? 1000);
const TTFB_RUNS = Number(process.env.BENCH_RUNS ?? 200);
const LCP_RUNS = 5;
const TARGETS = { ttfbP95Ms: 200, lcpMs: 1000, ttfbP95WithStreamsMs: 200 };
const STREAM_USERS = 15;
const STREAMS_PER_USER = 20; // HOSTPLANE_EVENTS_MAX_PER_USER's default
const WRITES_PER_SECOND = 5;
const DEV = { email: "bench-dev@bench.local", password: "bench-passphrase-4821" };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] * 10) / 10
  );
};

async function waitForHealth(base: string, child: ChildProcess, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("server did not become healthy");
}

async function seed(url: string) {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    const region =
      (await db.region.findFirst({ where: { isDefault: true } })) ??
      (await db.region.create({ data: { name: "default", isDefault: true } }));
    const node = await db.hardwareNode.create({
      data: {
        name: "sim-bench-1",
        regionId: region.id,
        engine: "SIM",
        subnet: "10.214.0.0/24",
        ramMib: 1_000_000,
        cpuMhz: 4_000_000,
        diskGib: 100_000,
        maxContainers: 10_000,
      },
    });
    const user = await db.user.create({
      data: {
        email: DEV.email,
        name: "Bench Developer",
        passwordHash: await hashPassword(DEV.password),
        quota: { create: { maxEnvironments: 2000, maxReservedCloudlets: 100_000 } },
      },
    });
    // Other developers who only hold event streams (their filters drop the measured developer's events).
    const passwordHash = await hashPassword(DEV.password);
    await db.user.createMany({
      data: Array.from({ length: STREAM_USERS - 1 }, (_, i) => ({
        email: `bench-viewer-${i}@bench.local`,
        name: `Bench Viewer ${i}`,
        passwordHash,
      })),
    });
    const statuses = ["RUNNING", "RUNNING", "RUNNING", "STOPPED", "FAILED", "UPDATING"] as const;
    const t0 = Date.now() - ENVIRONMENTS * 60_000;
    const envs = Array.from({ length: ENVIRONMENTS }, (_, i) => ({
      id: `benchenv${String(i).padStart(5, "0")}`,
      name: `app-${String(i).padStart(4, "0")}`,
      ownerId: user.id,
      regionId: region.id,
      status: statuses[i % statuses.length],
      createdAt: new Date(t0 + i * 60_000),
    }));
    await db.environment.createMany({ data: envs });
    await db.layer.createMany({
      data: envs.flatMap((e) => [
        {
          id: `${e.id}bl`,
          environmentId: e.id,
          name: "bl",
          role: "BALANCER" as const,
          stack: "nginx",
          count: 1,
          reservedCloudlets: 1,
          dynamicCloudlets: 4,
          diskGib: 2,
          position: 0,
        },
        {
          id: `${e.id}cp`,
          environmentId: e.id,
          name: "cp",
          role: "APP" as const,
          stack: "nodejs",
          count: 2,
          reservedCloudlets: 2,
          dynamicCloudlets: 8,
          diskGib: 4,
          position: 1,
          ha: true,
        },
      ]),
    });
    let ipSeq = 0;
    const ip = () => {
      ipSeq++;
      return `10.${214 + Math.floor(ipSeq / 65_000)}.${Math.floor((ipSeq % 65_000) / 250)}.${(ipSeq % 250) + 2}`;
    };
    await db.container.createMany({
      data: envs.flatMap((e) => [
        {
          id: `${e.id}c0`,
          environmentId: e.id,
          layerId: `${e.id}bl`,
          ordinal: 0,
          hardwareNodeId: node.id,
          ip: ip(),
          observedState: "RUNNING" as const,
          reservedCloudlets: 1,
          dynamicCloudlets: 4,
          diskGib: 2,
        },
        {
          id: `${e.id}c1`,
          environmentId: e.id,
          layerId: `${e.id}cp`,
          ordinal: 0,
          hardwareNodeId: node.id,
          ip: ip(),
          observedState: "RUNNING" as const,
          reservedCloudlets: 2,
          dynamicCloudlets: 8,
          diskGib: 4,
        },
        {
          id: `${e.id}c2`,
          environmentId: e.id,
          layerId: `${e.id}cp`,
          ordinal: 1,
          hardwareNodeId: node.id,
          ip: ip(),
          observedState: "RUNNING" as const,
          reservedCloudlets: 2,
          dynamicCloudlets: 8,
          diskGib: 4,
        },
      ]),
    });
    // The measured environment: a history of operations with steps and an hour of samples.
    const target = envs[envs.length - 1].id;
    for (let k = 0; k < 10; k++) {
      const at = new Date(Date.now() - (10 - k) * 300_000);
      await db.operation.create({
        data: {
          kind: k === 0 ? "CREATE" : k % 2 ? "STOP" : "START",
          status: "SUCCEEDED",
          environmentId: target,
          userId: user.id,
          startedAt: at,
          finishedAt: new Date(at.getTime() + 2500),
          createdAt: at,
          steps: {
            create: [0, 1, 2].map((p) => ({
              position: p,
              kind: k === 0 ? "create" : "start",
              target: `hp-${target}c${p} on sim-bench-1`,
              status: "SUCCEEDED" as const,
              startedAt: at,
              finishedAt: new Date(at.getTime() + 800),
              input: { containerId: `${target}c${p}` },
            })),
          },
        },
      });
    }
    await db.containerMetric.createMany({
      data: [0, 1, 2].flatMap((c) =>
        Array.from({ length: 240 }, (_, s) => ({
          containerId: `${target}c${c}`,
          at: new Date(Date.now() - (240 - s) * 15_000),
          cpuMhz: 100 + 50 * Math.sin(s / 10),
          ramMib: 60 + c * 10,
          diskMib: 20,
          netRxBytes: BigInt(s * 1000),
          netTxBytes: BigInt(s * 800),
        })),
      ),
    });
    return { targetEnvironmentId: target };
  } finally {
    await db.$disconnect();
  }
}

/** next-auth credentials sign-in over HTTP; returns the Cookie header of the session. */
async function signIn(base: string, email = DEV.email): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(";");
      const i = kv.indexOf("=");
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password: DEV.password, json: "true" }),
  });
  keep(res);
  if (!jar.has("next-auth.session-token")) throw new Error(`sign-in failed (HTTP ${res.status})`);
  return cookie();
}

function ttfb(url: string, cookie: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: { cookie } }, (res) => {
      const ms = performance.now() - started;
      res.resume();
      res.on("end", () => resolve({ ms, status: res.statusCode ?? 0 }));
    });
    req.on("error", reject);
  });
}

/** Opens an event stream; resolves once its headers arrived. Counts the change events it receives. */
function openStream(
  url: string,
  cookie: string,
  counter: { events: number },
): Promise<{ status: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie, accept: "text/event-stream" }, agent: false }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        counter.events += chunk.split("event: change").length - 1;
      });
      res.on("error", () => {});
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on("error", reject);
  });
}

async function main() {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) throw new Error("run `next build` first");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "hostplane-bench-ui-"));
  chmodSync(dataDir, 0o755); // the embedded server runs as `postgres` and must reach its data directory
  const port = await findFreePort(3290);
  const base = `http://localhost:${port}`;
  const server = spawn(path.join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/serve.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOSTPLANE_DATA_DIR: dataDir,
      HOSTPLANE_LOCAL_NODE: "off",
      HOSTPLANE_WORKER: "off",
      HOSTPLANE_ADMIN_EMAIL: "admin@bench.local",
      HOSTPLANE_ADMIN_PASSWORD: "bench-admin-passphrase-77",
      NEXTAUTH_URL: base,
      DATABASE_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout!.on("data", (d) => {
    log += d;
  });
  server.stderr!.on("data", (d) => {
    log += d;
  });
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(() => {
          if (server.exitCode === null) server.kill("SIGKILL");
          r(null);
        }, 20_000);
        server.once("exit", () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(base, server);
    const { port: pgPort, password } = JSON.parse(readFileSync(path.join(dataDir, "postgres.json"), "utf8")) as {
      port: number;
      password: string;
    };
    const dbUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/hostplane`;
    const seeded = await seed(dbUrl);
    const cookie = await signIn(base);

    const listUrl = `${base}/environments`;
    for (let i = 0; i < 30; i++)
      if ((await ttfb(listUrl, cookie)).status !== 200) throw new Error("environments page did not answer 200");
    const samples: number[] = [];
    for (let i = 0; i < TTFB_RUNS; i++) samples.push((await ttfb(listUrl, cookie)).ms);
    const filtered: number[] = [];
    for (let i = 0; i < 50; i++) filtered.push((await ttfb(`${listUrl}?status=RUNNING&q=app-0&page=3`, cookie)).ms);

    const cannon = await runAutocannon({ url: listUrl, connections: 2, duration: 10, headers: { cookie } });

    // 300 open event streams, 20 per developer, and a writer producing NOTIFY traffic meanwhile.
    const counter = { events: 0 };
    const streams: { status: number; close: () => void }[] = [];
    const writer = new pg.Client({ connectionString: dbUrl });
    await writer.connect();
    let writes = 0;
    const writerTimer = setInterval(() => {
      const id = `benchenv${String(writes % ENVIRONMENTS).padStart(5, "0")}`;
      const status = writes % 2 ? "RUNNING" : "UPDATING";
      writes++;
      writer
        .query(`UPDATE "Environment" SET status = $2, "updatedAt" = now() WHERE id = $1`, [id, status])
        .catch(() => {});
    }, 1000 / WRITES_PER_SECOND);
    const withStreams: number[] = [];
    let streamsOpen = 0;
    const streamPhase = { writes: 0, eventsReceived: 0 };
    try {
      const cookies = [cookie];
      for (let i = 0; i < STREAM_USERS - 1; i++) cookies.push(await signIn(base, `bench-viewer-${i}@bench.local`));
      for (const c of cookies)
        for (let k = 0; k < STREAMS_PER_USER; k++) streams.push(await openStream(`${base}/api/events`, c, counter));
      streamsOpen = streams.filter((s) => s.status === 200).length;
      if (streamsOpen !== STREAM_USERS * STREAMS_PER_USER)
        throw new Error(`only ${streamsOpen} of ${STREAM_USERS * STREAMS_PER_USER} event streams opened`);
      for (let i = 0; i < 30; i++) await ttfb(listUrl, cookie);
      counter.events = 0;
      const startWrites = writes;
      for (let i = 0; i < TTFB_RUNS; i++) withStreams.push((await ttfb(listUrl, cookie)).ms);
      Object.assign(streamPhase, { writes: writes - startWrites, eventsReceived: counter.events });
    } finally {
      clearInterval(writerTimer);
      for (const s of streams) s.close();
      await writer.end();
    }

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    });
    const lcps: number[] = [];
    try {
      const [name, value] = cookie
        .split("; ")
        .find((c) => c.startsWith("next-auth.session-token="))!
        .split(/=(.*)/s);
      const envUrl = `${base}/environments/${seeded.targetEnvironmentId}`;
      for (let i = 0; i < LCP_RUNS + 1; i++) {
        const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
        await context.addCookies([{ name, value, url: base }]);
        const page = await context.newPage();
        await page.goto(envUrl, { waitUntil: "load" });
        const lcp = await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              let last = 0;
              new PerformanceObserver((list) => {
                for (const e of list.getEntries()) last = e.startTime;
              }).observe({ type: "largest-contentful-paint", buffered: true });
              setTimeout(() => resolve(last), 1000);
            }),
        );
        if (i > 0) lcps.push(lcp); // the first load warms the server's route and chunk caches
        await context.close();
      }
    } finally {
      await browser.close();
    }

    const result = {
      benchmark: "ui",
      figures: {
        environmentsPageTtfbMs: { p50: percentile(samples, 50), p95: percentile(samples, 95), runs: samples.length },
        environmentsPageFilteredTtfbMs: {
          p50: percentile(filtered, 50),
          p95: percentile(filtered, 95),
          runs: filtered.length,
          query: "?status=RUNNING&q=app-0&page=3",
        },
        environmentsPageAutocannon: {
          connections: 2,
          durationS: 10,
          latencyMs: { p50: cannon.latency.p50, p97_5: cannon.latency.p97_5, p99: cannon.latency.p99 },
          requestsPerSecond: cannon.requests.average,
          non2xx: cannon.non2xx,
          errors: cannon.errors,
        },
        environmentPageLcpMs: { median: percentile(lcps, 50), max: Math.max(...lcps), runs: lcps.length },
        environmentsPageTtfbWithOpenStreamsMs: {
          p50: percentile(withStreams, 50),
          p95: percentile(withStreams, 95),
          runs: withStreams.length,
          openStreams: streamsOpen,
          developers: STREAM_USERS,
          writesDuringRuns: streamPhase.writes,
          changeEventsReceivedByStreams: streamPhase.eventsReceived,
        },
      },
      targets: {
        environmentsPageTtfbP95Ms: TARGETS.ttfbP95Ms,
        environmentPageLcpMs: TARGETS.lcpMs,
        environmentsPageTtfbP95With300StreamsMs: TARGETS.ttfbP95WithStreamsMs,
      },
      pass: {
        ttfb: percentile(samples, 95) <= TARGETS.ttfbP95Ms,
        lcp: percentile(lcps, 50) <= TARGETS.lcpMs,
        ttfbWithStreams: percentile(withStreams, 95) <= TARGETS.ttfbP95WithStreamsMs,
      },
      conditions: {
        environments: ENVIRONMENTS,
        containers: ENVIRONMENTS * 3,
        pageSize: 25,
        server: "next start (production build) via scripts/serve.ts, embedded PostgreSQL, worker off",
        warm: true,
        cpus: os.cpus().length,
        node: process.version,
        browser: "Debian Chromium (playwright-core), 1360×900, localhost",
        eventStreams: `${STREAM_USERS} developers × ${STREAMS_PER_USER} streams on /api/events, ${WRITES_PER_SECOND} environment updates/s by another connection (NOTIFY)`,
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } catch (error) {
    console.error("[bench:ui] failed:", error instanceof Error ? error.message : error);
    console.error(log.split("\n").slice(-30).join("\n"));
    process.exitCode = 1;
  } finally {
    await stop();
  }
}

void main();
