// The events feed against real PostgreSQL: writes made on another connection reach open streams through
// the row triggers' NOTIFY and the process's one LISTEN connection, filtered per viewer.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSessionUser } from "@/lib/auth/resolve-session";
import { db, disconnectDb } from "@/lib/db/client";
import type { FeedEvent } from "@/lib/validation/events";
import { eventFeedStats, openEventStream, stopEventFeed } from "./feed";

type Stream = { frames: string[]; events: () => FeedEvent[]; abort: () => void; response: Response };

function open(viewer: { id: string; role: string }, options: { environmentId?: string; sv?: number } = {}): Stream {
  const controller = new AbortController();
  const response = openEventStream({
    request: new Request("http://localhost/api/events", { signal: controller.signal }),
    viewer,
    environmentId: options.environmentId,
    revalidate: async () => {
      const user = await resolveSessionUser({ uid: viewer.id, sv: options.sv ?? 1 });
      return user && { id: user.id, role: user.role };
    },
  });
  const frames: string[] = [];
  if (response.body && response.status === 200) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return frames.push("<closed>");
        frames.push(...decoder.decode(value).split("\n\n").filter(Boolean));
      }
    })();
  }
  return {
    frames,
    response,
    abort: () => controller.abort(),
    events: () =>
      frames.filter((f) => f.startsWith("event: change")).map((f) => JSON.parse(f.split("data: ")[1]) as FeedEvent),
  };
}

async function until(check: () => boolean, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let other: pg.Client;
const ids = { alice: "", bob: "", admin: "", envA: "", envB: "", regionId: "" };

beforeAll(async () => {
  process.env.HOSTPLANE_EVENTS_MAX_PER_USER = "3";
  other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  const tag = Date.now().toString(36);
  const region = await db.region.create({ data: { name: `it-feed-${tag}` } });
  const mk = (n: string, role: "ADMIN" | "DEVELOPER" = "DEVELOPER") =>
    db.user.create({ data: { email: `feed-${n}-${tag}@test.local`, name: n, role } });
  const [alice, bob, admin] = await Promise.all([mk("alice"), mk("bob"), mk("admin", "ADMIN")]);
  const envA = await db.environment.create({ data: { name: "a", ownerId: alice.id, regionId: region.id } });
  const envB = await db.environment.create({ data: { name: "b", ownerId: bob.id, regionId: region.id } });
  Object.assign(ids, { alice: alice.id, bob: bob.id, admin: admin.id, envA: envA.id, envB: envB.id });
  ids.regionId = region.id;
});

afterAll(async () => {
  await stopEventFeed();
  await db.operation.deleteMany({ where: { environment: { regionId: ids.regionId } } });
  await db.environment.deleteMany({ where: { regionId: ids.regionId } });
  await db.user.deleteMany({ where: { id: { in: [ids.alice, ids.bob, ids.admin] } } });
  await db.region.deleteMany({ where: { id: ids.regionId } });
  await other.end();
  await disconnectDb();
});

describe("events feed over LISTEN/NOTIFY", () => {
  it("a write on another connection reaches subscribers; a developer never gets another tenant's events", async () => {
    const alice = open({ id: ids.alice, role: "DEVELOPER" });
    const admin = open({ id: ids.admin, role: "ADMIN" });
    const narrowed = open({ id: ids.admin, role: "ADMIN" }, { environmentId: ids.envB });
    expect(alice.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await until(
      () => [alice, admin, narrowed].every((s) => s.frames.some((f) => f.startsWith("event: ready"))),
      "ready",
    );
    expect(eventFeedStats().listening).toBe(true);

    await other.query(`UPDATE "Environment" SET status = 'RUNNING', "updatedAt" = now() WHERE id = $1`, [ids.envB]);
    await other.query(`UPDATE "Environment" SET status = 'STOPPED', "updatedAt" = now() WHERE id = $1`, [ids.envA]);
    await until(() => admin.events().length >= 2 && alice.events().length >= 1, "both changes");
    expect(admin.events()).toEqual([
      {
        table: "Environment",
        op: "UPDATE",
        id: ids.envB,
        environmentId: ids.envB,
        ownerId: ids.bob,
        status: "RUNNING",
      },
      {
        table: "Environment",
        op: "UPDATE",
        id: ids.envA,
        environmentId: ids.envA,
        ownerId: ids.alice,
        status: "STOPPED",
      },
    ]);
    expect(alice.events()).toEqual([admin.events()[1]]);
    expect(narrowed.events()).toEqual([admin.events()[0]]);

    // An operation that fails with engine detail: the event carries status and kind, never error text.
    const op = await db.operation.create({ data: { kind: "STOP", environmentId: ids.envB, userId: ids.bob } });
    await other.query(
      `UPDATE "Operation" SET status = 'FAILED', error = 'lxc-stop: /var/lib/secret', "errorDetail" = 'argv' WHERE id = $1`,
      [op.id],
    );
    await until(() => admin.events().filter((e) => e.id === op.id).length === 2, "operation events");
    expect(admin.frames.join("\n")).not.toContain("/var/lib/secret");
    expect(admin.events().at(-1)).toEqual({
      table: "Operation",
      op: "UPDATE",
      id: op.id,
      environmentId: ids.envB,
      ownerId: ids.bob,
      status: "FAILED",
      kind: "STOP",
    });
    // Other files share this database and count FAILED operations as problems: this one goes now.
    await db.operation.delete({ where: { id: op.id } });
    // Nothing of bob's reached alice, not even while she was listening the whole time.
    expect(alice.events().every((e) => e.ownerId === ids.alice)).toBe(true);
    for (const s of [alice, admin, narrowed]) s.abort();
    await until(() => eventFeedStats().streams === 0, "streams closed on abort");
  });

  it("bookkeeping-only updates send nothing; deletion reaches the owner", async () => {
    const alice = open({ id: ids.alice, role: "DEVELOPER" });
    await until(() => alice.frames.some((f) => f.startsWith("event: ready")), "ready");
    const layer = await db.layer.create({
      data: {
        environmentId: ids.envA,
        name: "cp",
        role: "APP",
        stack: "busybox",
        count: 1,
        reservedCloudlets: 1,
        dynamicCloudlets: 2,
        diskGib: 1,
      },
    });
    const container = await db.container.create({
      data: {
        environmentId: ids.envA,
        layerId: layer.id,
        ordinal: 0,
        reservedCloudlets: 1,
        dynamicCloudlets: 2,
        diskGib: 1,
      },
    });
    await other.query(`UPDATE "Container" SET "lastObservedAt" = now(), "updatedAt" = now() WHERE id = $1`, [
      container.id,
    ]);
    await other.query(`UPDATE "Container" SET "observedState" = 'RUNNING' WHERE id = $1`, [container.id]);
    await until(() => alice.events().some((e) => e.status === "RUNNING"), "container running");
    expect(alice.events().map((e) => [e.table, e.op, e.status])).toEqual([
      ["Layer", "INSERT", undefined],
      ["Container", "INSERT", "PENDING"],
      ["Container", "UPDATE", "RUNNING"],
    ]);
    await other.query(`DELETE FROM "Environment" WHERE id = $1`, [ids.envA]);
    await until(() => alice.events().some((e) => e.table === "Environment" && e.op === "DELETE"), "deletion");
    expect(alice.events().find((e) => e.op === "DELETE")).toMatchObject({ id: ids.envA, ownerId: ids.alice });
    alice.abort();
  });

  it("caps streams per user with 429 and Retry-After, and ends a suspended user's streams", async () => {
    const bobs = [1, 2, 3].map(() => open({ id: ids.bob, role: "DEVELOPER" }));
    const refused = open({ id: ids.bob, role: "DEVELOPER" });
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get("retry-after")).toBe("30");
    expect(await refused.response.json()).toMatchObject({ code: "TOO_MANY_STREAMS", scope: "user", limit: 3 });
    const alice = open({ id: ids.alice, role: "DEVELOPER" });
    expect(alice.response.status).toBe(200);

    await other.query(`UPDATE "User" SET status = 'SUSPENDED', "sessionVersion" = 2 WHERE id = $1`, [ids.bob]);
    await until(() => bobs.every((s) => s.frames.at(-1) === "<closed>"), "bob's streams ended");
    expect(bobs[0].frames).toContain("event: ended\ndata: {}");
    expect(alice.frames.at(-1)).not.toBe("<closed>");
    alice.abort();
    await until(() => eventFeedStats().streams === 0, `all closed (${JSON.stringify(eventFeedStats())})`, 10_000);
  });
});
