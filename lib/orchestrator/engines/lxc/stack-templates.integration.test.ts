/**
 * Debian stack templates for real: built (once per machine; the cache in
 * /var/lib/hostplane-test/templates-lxc and /var/cache/hostplane/debootstrap is kept between
 * runs on purpose), cloned per container with overlayfs, and serving from the host.
 */
import { existsSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { connect } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRunner } from "../../transport/local-runner";
import type { EngineNodeConfig } from "../types";
import { LxcEngine } from "./engine";
import {
  configureStackContainer,
  ensureStackTemplate,
  waitForService,
  waitForTcp,
  writeBalancerUpstreams,
} from "./templates";
import { destroyManagedContainers, removeTestBridge, TEST_ROOT } from "./test-hosts";

const node: EngineNodeConfig = {
  name: "stacks-test",
  engine: "lxc",
  lxc: {
    lxcPath: `${TEST_ROOT}/templates-lxc`,
    bridge: "hp-ts",
    subnetCidr: "10.213.253.0/24",
    gatewayIp: "10.213.253.1",
  },
};
const lxcPath = node.lxc!.lxcPath;
const runner = new LocalRunner();
const engine = new LxcEngine(node, runner);
const limits = { reservedCloudlets: 1, dynamicCloudlets: 4, diskGib: 2 };
const STACKS = ["nginx", "nodejs", "postgresql", "redis", "static"] as const;
const templates = new Map<string, string>();

/** Removes this suite's hp- containers and its bridge; the hpt- templates stay cached. */
function cleanup(): void {
  destroyManagedContainers(lxcPath);
  removeTestBridge("hp-ts");
}

async function createStack(options: {
  stackId: string;
  name: string;
  ip: string;
  env?: Record<string, string>;
  start?: boolean;
}): Promise<void> {
  await engine.create({
    name: options.name,
    ip: options.ip,
    template: { kind: "clone", source: templates.get(options.stackId)!, snapshot: true },
    limits,
  });
  await configureStackContainer({ runner, node, name: options.name, stackId: options.stackId, env: options.env ?? {} });
  if (options.start === false) return;
  await engine.start(options.name);
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers: { connection: "close" }, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.text()).trim() };
}

async function answers(count: number): Promise<string[]> {
  const result: string[] = [];
  for (let i = 0; i < count; i++) result.push((await get("http://10.213.253.10/")).body);
  return result;
}

/** Retries until the balancer's answers are exactly `expected` (a reload replaces workers asynchronously). */
async function eventually(count: number, expected: string[]): Promise<string[]> {
  const ok = (bodies: string[]) =>
    bodies.every((body) => expected.includes(body)) && new Set(bodies).size === expected.length;
  const deadline = Date.now() + 10_000;
  let bodies = await answers(count);
  while (!ok(bodies) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    bodies = await answers(count);
  }
  return bodies;
}

function redisChat(ip: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port: 6379, timeout: 3_000 });
    let data = "";
    socket.on("connect", () => socket.write(input));
    socket.on("data", (chunk) => {
      data += chunk.toString();
      if (data.split("\r\n").length > input.split("\r\n").length - 1) socket.end();
    });
    socket.on("end", () => resolve(data));
    socket.on("timeout", () => socket.destroy(new Error(`redis timeout, got ${JSON.stringify(data)}`)));
    socket.on("error", reject);
  });
}

beforeAll(cleanup);
afterAll(cleanup);

describe("Debian stack templates on an lxc node", () => {
  it("builds each stack template once (concurrent callers share one build)", { timeout: 30 * 60_000 }, async () => {
    for (const stackId of STACKS) {
      const phases: string[] = [];
      const [first, second] = await Promise.all([
        ensureStackTemplate({ engineNode: node, runner, stackId, onProgress: (p) => phases.push(p.phase) }),
        ensureStackTemplate({ engineNode: node, runner, stackId }),
      ]);
      expect(second.templateName).toBe(first.templateName);
      expect(first.templateName).toMatch(new RegExp(`^hpt-${stackId}-[0-9a-f]{8}$`));
      expect([first.built, second.built].filter(Boolean).length).toBeLessThanOrEqual(1);
      if (first.built) expect(phases).toContain("install");
      console.log(`template ${first.templateName}: ${first.built ? `built in ${first.durationMs} ms` : "cached"}`);
      templates.set(stackId, first.templateName);
    }
  });

  it("answers from the cache well under a second the second time", async () => {
    for (const stackId of STACKS) {
      const again = await ensureStackTemplate({ engineNode: node, runner, stackId });
      expect(again).toMatchObject({ templateName: templates.get(stackId), built: false });
      expect(again.durationMs).toBeLessThan(500);
    }
  });

  it("balances HTTP over the app containers and follows upstream rewrites", async () => {
    await Promise.all([
      createStack({ stackId: "nginx", name: "hp-lb", ip: "10.213.253.10" }),
      createStack({ stackId: "nodejs", name: "hp-app1", ip: "10.213.253.11", env: { APP_ENV: "test" } }),
      createStack({ stackId: "nodejs", name: "hp-app2", ip: "10.213.253.12" }),
    ]);
    for (const [ip, port] of [
      ["10.213.253.10", 80],
      ["10.213.253.11", 8080],
      ["10.213.253.12", 8080],
    ] as const) {
      expect(await waitForTcp({ ip, port, timeoutMs: 15_000 })).toBe(true);
    }
    // A fresh balancer has no upstreams yet: 503.
    expect((await get("http://10.213.253.10/")).status).toBe(503);
    const app = (n: number) => ({ ip: `10.213.253.${10 + n}`, port: 8080 });
    expect(await writeBalancerUpstreams({ runner, node, name: "hp-lb", upstreams: [app(1), app(2)] })).toEqual({
      changed: true,
      reloaded: true,
    });
    expect(await writeBalancerUpstreams({ runner, node, name: "hp-lb", upstreams: [app(1), app(2)] })).toEqual({
      changed: false,
      reloaded: false,
    });
    const two = await eventually(6, ["hello from hp-app1", "hello from hp-app2"]);
    expect(new Set(two)).toEqual(new Set(["hello from hp-app1", "hello from hp-app2"]));
    for (let i = 1; i < two.length; i++) expect(two[i]).not.toBe(two[i - 1]); // round robin alternates

    await createStack({ stackId: "nodejs", name: "hp-app3", ip: "10.213.253.13" });
    expect(await waitForTcp({ ip: "10.213.253.13", port: 8080, timeoutMs: 15_000 })).toBe(true);
    await writeBalancerUpstreams({ runner, node, name: "hp-lb", upstreams: [app(1), app(2), app(3)] });
    expect(new Set(await eventually(9, ["hello from hp-app1", "hello from hp-app2", "hello from hp-app3"]))).toEqual(
      new Set(["hello from hp-app1", "hello from hp-app2", "hello from hp-app3"]),
    );

    await engine.stop("hp-app2");
    await writeBalancerUpstreams({ runner, node, name: "hp-lb", upstreams: [app(1), app(3)] });
    const without = await eventually(8, ["hello from hp-app1", "hello from hp-app3"]);
    expect(new Set(without)).toEqual(new Set(["hello from hp-app1", "hello from hp-app3"]));

    await writeBalancerUpstreams({ runner, node, name: "hp-lb", upstreams: [] });
    expect(await eventually(2, ["no application servers"])).toEqual([
      "no application servers",
      "no application servers",
    ]);
    expect((await get("http://10.213.253.10/")).status).toBe(503);
  });

  it("runs PostgreSQL with the generated credentials, also after a restart", async () => {
    const env = { HOSTPLANE_DB_USER: "app", HOSTPLANE_DB_PASSWORD: "Gen3rated-pw_42", HOSTPLANE_DB_NAME: "appdb" };
    await createStack({ stackId: "postgresql", name: "hp-pg", ip: "10.213.253.20", env });
    const query = async () => {
      expect(await waitForService({ ip: "10.213.253.20", stackId: "postgresql", timeoutMs: 20_000 })).toBe(true);
      const client = new pg.Client({
        host: "10.213.253.20",
        port: 5432,
        user: env.HOSTPLANE_DB_USER,
        password: env.HOSTPLANE_DB_PASSWORD,
        database: env.HOSTPLANE_DB_NAME,
        connectionTimeoutMillis: 5_000,
      });
      await client.connect();
      try {
        return (await client.query("SELECT 1 AS one, current_database() AS db")).rows[0];
      } finally {
        await client.end();
      }
    };
    expect(await query()).toEqual({ one: 1, db: "appdb" });
    await configureStackContainer({ runner, node, name: "hp-pg", stackId: "postgresql", env }); // idempotent while running
    await engine.restart("hp-pg");
    expect(await query()).toEqual({ one: 1, db: "appdb" });
    const wrong = new pg.Client({ host: "10.213.253.20", user: "app", password: "wrong", database: "appdb" });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it("runs Redis with requirepass from the configuration", async () => {
    await createStack({
      stackId: "redis",
      name: "hp-redis",
      ip: "10.213.253.30",
      env: { REDIS_PASSWORD: "r3dis-Secret" },
    });
    expect(await waitForService({ ip: "10.213.253.30", stackId: "redis", timeoutMs: 15_000 })).toBe(true);
    expect(await redisChat("10.213.253.30", "AUTH r3dis-Secret\r\nPING\r\n")).toBe("+OK\r\n+PONG\r\n");
    expect(await redisChat("10.213.253.30", "PING\r\n")).toMatch(/^-NOAUTH/);
  });

  it("serves the static site's index page", async () => {
    await createStack({ stackId: "static", name: "hp-static", ip: "10.213.253.35" });
    expect(await waitForService({ ip: "10.213.253.35", stackId: "static", timeoutMs: 15_000 })).toBe(true);
    const page = await get("http://10.213.253.35/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Static site served by Hostplane");
  });

  it("refuses to follow a symlink the container planted in its writable layer", async () => {
    await createStack({ stackId: "nodejs", name: "hp-evil", ip: "10.213.253.40", start: false });
    const layer = `${lxcPath}/hp-evil/disk/delta/etc`;
    mkdirSync(layer, { recursive: true });
    rmSync(`${layer}/hostplane`, { recursive: true, force: true });
    symlinkSync("/tmp", `${layer}/hostplane`);
    await expect(
      configureStackContainer({ runner, node, name: "hp-evil", stackId: "nodejs", env: { A: "b" } }),
    ).rejects.toThrow(/resolves outside/);
    expect(existsSync("/tmp/env")).toBe(false);
  });
});
