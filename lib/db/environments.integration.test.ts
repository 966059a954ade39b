// The list read with 1,000 environments (right page and filter, one or two queries) and the events
// stream's authorization, against real PostgreSQL (the feed itself: lib/events/feed.integration.test.ts).
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../generated/prisma/client";
import { deleteEnvironment } from "@/lib/services/environment-ops";
import { stopBoss } from "@/lib/queue";
import {
  authorizeEnvironmentAccess,
  getEnvironmentDetail,
  listEnvironments,
  wasEnvironmentDeletedBy,
} from "./environments";
import { db, disconnectDb } from "./client";

// Our own client with query events, installed where lib/db/client looks for it, so the read
// functions under test run through it and every SQL statement is counted.
let queries = 0;
const client = new PrismaClient({
  adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }),
  log: [{ emit: "event", level: "query" }],
});
(client as unknown as { $on: (e: "query", cb: () => void) => void }).$on("query", () => {
  queries++;
});
(globalThis as unknown as { hostplaneDb?: PrismaClient }).hostplaneDb = client;

const STATUSES = ["RUNNING", "STOPPED", "FAILED", "CREATING"] as const;
let dev = { id: "", role: "DEVELOPER" as const };
let other = { id: "", role: "DEVELOPER" as const };
const admin = { id: "admin-x", role: "ADMIN" as const };
let otherEnvId = "";

beforeAll(async () => {
  const tag = Date.now().toString(36);
  const region = await db.region.create({ data: { name: `it-list-${tag}` } });
  const a = await db.user.create({ data: { email: `list-a-${tag}@test.local`, name: "A" } });
  const b = await db.user.create({ data: { email: `list-b-${tag}@test.local`, name: "B" } });
  dev = { id: a.id, role: "DEVELOPER" };
  other = { id: b.id, role: "DEVELOPER" };
  const t0 = Date.UTC(2025, 0, 1);
  const envs = Array.from({ length: 1000 }, (_, i) => ({
    id: `env-${tag}-${String(i).padStart(4, "0")}`,
    name: `app-${String(i).padStart(4, "0")}${i % 10 === 0 ? "-shop" : ""}`,
    ownerId: a.id,
    regionId: region.id,
    status: STATUSES[i % 4],
    createdAt: new Date(t0 + i * 60_000),
  }));
  await db.environment.createMany({ data: envs });
  const layers = envs.flatMap((e) => [
    {
      id: `${e.id}-bl`,
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
      id: `${e.id}-cp`,
      environmentId: e.id,
      name: "cp",
      role: "APP" as const,
      stack: "nodejs",
      count: 2,
      reservedCloudlets: 2,
      dynamicCloudlets: 8,
      diskGib: 4,
      position: 1,
    },
  ]);
  await db.layer.createMany({ data: layers });
  await db.container.createMany({
    data: envs.flatMap((e) => [
      { environmentId: e.id, layerId: `${e.id}-bl`, ordinal: 0, reservedCloudlets: 1, dynamicCloudlets: 4, diskGib: 2 },
      { environmentId: e.id, layerId: `${e.id}-cp`, ordinal: 0, reservedCloudlets: 2, dynamicCloudlets: 8, diskGib: 4 },
      { environmentId: e.id, layerId: `${e.id}-cp`, ordinal: 1, reservedCloudlets: 2, dynamicCloudlets: 8, diskGib: 4 },
    ]),
  });
  const o = await db.environment.create({
    data: { name: "secret", ownerId: b.id, regionId: region.id, status: "RUNNING" },
  });
  otherEnvId = o.id;
}, 120_000);

afterAll(async () => {
  await stopBoss();
  await disconnectDb();
});

describe("listEnvironments with 1,000 environments", () => {
  it("returns the newest page with layers and sums in one query", async () => {
    queries = 0;
    const t = performance.now();
    const list = await listEnvironments({ user: dev });
    const ms = performance.now() - t;
    expect(queries).toBe(1);
    expect(list.total).toBe(1000);
    expect(list.pageCount).toBe(40);
    expect(list.items).toHaveLength(25);
    expect(list.items[0].name).toBe("app-0999");
    expect(list.items[0]).toMatchObject({
      containers: 3,
      reservedCloudlets: 5,
      dynamicCloudlets: 20,
      layers: [
        { role: "BALANCER", stack: "nginx", count: 1 },
        { role: "APP", stack: "nodejs", count: 2 },
      ],
    });
    expect(ms).toBeLessThan(500);
  });

  it("filters by status and name, and pages", async () => {
    queries = 0;
    const running = await listEnvironments({ user: dev, status: "RUNNING", page: 2 });
    expect(queries).toBe(1);
    expect(running.total).toBe(250);
    expect(running.items.every((e) => e.status === "RUNNING")).toBe(true);
    expect(running.items[0].name).toBe("app-0896"); // page 1 holds 0996 … 0900 (every 4th)
    const shops = await listEnvironments({ user: dev, query: "SHOP" });
    expect(shops.total).toBe(100);
    const both = await listEnvironments({ user: dev, query: "shop", status: "RUNNING" });
    expect(both.total).toBe(50);
    expect(both.items.every((e) => e.name.endsWith("-shop") && e.status === "RUNNING")).toBe(true);
    const literal = await listEnvironments({ user: dev, query: "%" });
    expect(literal.total).toBe(0);
  });

  it("falls back to the last page past the end (a stale link) in three queries", async () => {
    queries = 0;
    const list = await listEnvironments({ user: dev, page: 99 });
    expect(queries).toBeLessThanOrEqual(3);
    expect(list.page).toBe(40);
    expect(list.items.at(-1)!.name).toBe("app-0000-shop");
  });

  it("shows a developer only their own; an admin sees all with owners", async () => {
    const mine = await listEnvironments({ user: other });
    expect(mine.total).toBe(1);
    expect(mine.items[0].name).toBe("secret");
    const all = await listEnvironments({ user: admin, query: "secret" });
    expect(all.items.some((e) => e.id === otherEnvId && e.ownerEmail.startsWith("list-b-"))).toBe(true);
  });
});

describe("environment access (page and events stream)", () => {
  it("401 signed out, 404 for another developer, ok for the owner and admins", async () => {
    expect(await authorizeEnvironmentAccess(null, otherEnvId)).toEqual({ ok: false, status: 401 });
    expect(await authorizeEnvironmentAccess(dev, otherEnvId)).toEqual({ ok: false, status: 404 });
    expect(await authorizeEnvironmentAccess(dev, "does-not-exist")).toEqual({ ok: false, status: 404 });
    expect(await authorizeEnvironmentAccess(other, otherEnvId)).toEqual({ ok: true, environmentId: otherEnvId });
    expect(await authorizeEnvironmentAccess(admin, otherEnvId)).toEqual({ ok: true, environmentId: otherEnvId });
    expect(await getEnvironmentDetail(dev, otherEnvId)).toBeNull();
    expect((await getEnvironmentDetail(other, otherEnvId))?.name).toBe("secret");
  });
});

describe("the page of a deleted environment", () => {
  it("knows who deleted it (their page goes to the list); nobody else learns it existed", async () => {
    const owner = { ...other, email: "list-b@test.local" };
    expect(await wasEnvironmentDeletedBy(other, otherEnvId)).toBe(false);
    await deleteEnvironment({ actor: owner, environmentId: otherEnvId, confirmName: "secret" });
    // The worker removes the rows later; the audit log says who asked, which is what the page reads.
    await db.environment.delete({ where: { id: otherEnvId } });
    expect(await getEnvironmentDetail(other, otherEnvId)).toBeNull();
    expect(await wasEnvironmentDeletedBy(other, otherEnvId)).toBe(true);
    expect(await wasEnvironmentDeletedBy(dev, otherEnvId)).toBe(false);
    expect(await wasEnvironmentDeletedBy(admin, otherEnvId)).toBe(false);
    expect(await wasEnvironmentDeletedBy(other, "does-not-exist")).toBe(false);
  });
});
