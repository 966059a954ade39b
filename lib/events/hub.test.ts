import { describe, expect, it, vi } from "vitest";
import type { FeedEvent } from "@/lib/validation/events";
import { EventHub, visibleTo, type SubscriberSink, type Viewer } from "./hub";

const decoder = new TextDecoder();
const alice: Viewer = { id: "alice", role: "DEVELOPER" };
const bob: Viewer = { id: "bob", role: "DEVELOPER" };
const admin: Viewer = { id: "root", role: "ADMIN" };

function sink(viewer: Viewer, extra: Partial<SubscriberSink> = {}) {
  const frames: string[] = [];
  const s = {
    viewer,
    closed: false,
    frames,
    write: (chunk: Uint8Array) => {
      frames.push(decoder.decode(chunk));
      return true;
    },
    close: () => {
      s.closed = true;
    },
    ...extra,
  };
  return s;
}
const changes = (frames: string[]) =>
  frames.filter((f) => f.startsWith("event: change")).map((f) => JSON.parse(f.split("data: ")[1]) as FeedEvent);

const envOfAlice: FeedEvent = { table: "Environment", op: "UPDATE", id: "e1", environmentId: "e1", ownerId: "alice" };
const containerOfBob: FeedEvent = { table: "Container", op: "INSERT", id: "c9", environmentId: "e2", ownerId: "bob" };
const node: FeedEvent = { table: "HardwareNode", op: "UPDATE", id: "n1", status: "OFFLINE" };

describe("visibleTo", () => {
  it.each([
    ["a developer, their own environment", alice, envOfAlice, undefined, true],
    ["a developer, another tenant's container", alice, containerOfBob, undefined, false],
    ["a developer, a hardware node (no owner)", alice, node, undefined, false],
    ["an admin, anything", admin, containerOfBob, undefined, true],
    ["an admin narrowed to another environment", admin, containerOfBob, "e1", false],
    ["a developer narrowed to their environment", alice, envOfAlice, "e1", true],
    ["a developer narrowed to another's environment", alice, containerOfBob, "e2", false],
  ] as const)("%s", (_name, viewer, event, environmentId, expected) => {
    expect(visibleTo(viewer, event, environmentId)).toBe(expected);
  });
});

describe("EventHub", () => {
  it("fans one event out to every subscriber allowed to see it, and only to them", () => {
    const hub = new EventHub({ maxPerUser: 20, maxTotal: 1000 });
    const a1 = sink(alice);
    const a2 = sink(alice);
    const b = sink(bob);
    const r = sink(admin);
    const narrowed = sink(admin, { environmentId: "e2" });
    for (const s of [a1, a2, b, r, narrowed]) expect(hub.subscribe(s).ok).toBe(true);
    expect(a1.frames[0]).toBe("retry: 3000\n\n");
    expect(a1.frames[1]).toMatch(/^event: ready\n/);

    expect(hub.publish(envOfAlice)).toBe(3);
    expect(hub.publish(containerOfBob)).toBe(3);
    expect(hub.publish(node)).toBe(1);
    expect(changes(a1.frames)).toEqual([envOfAlice]);
    expect(changes(a2.frames)).toEqual([envOfAlice]);
    expect(changes(b.frames)).toEqual([containerOfBob]);
    expect(changes(r.frames)).toEqual([envOfAlice, containerOfBob, node]);
    expect(changes(narrowed.frames)).toEqual([containerOfBob]);
  });

  it("caps streams per user and per process, and frees a slot on unsubscribe", () => {
    const hub = new EventHub({ maxPerUser: 2, maxTotal: 3 });
    const first = hub.subscribe(sink(alice));
    expect(hub.subscribe(sink(alice)).ok).toBe(true);
    expect(hub.subscribe(sink(alice))).toEqual({ ok: false, scope: "user", limit: 2, retryAfterSeconds: 30 });
    expect(hub.subscribe(sink(bob)).ok).toBe(true);
    expect(hub.subscribe(sink(admin))).toMatchObject({ ok: false, scope: "process", limit: 3 });
    expect(hub.countFor("alice")).toBe(2);
    if (!first.ok) throw new Error("unreachable");
    first.unsubscribe();
    first.unsubscribe(); // twice (abort and cancel both fire) frees one slot only
    expect(hub.size).toBe(2);
    expect(hub.countFor("alice")).toBe(1);
    expect(hub.subscribe(sink(alice)).ok).toBe(true);
    expect(hub.stats.refused).toBe(2);
  });

  it("an unsubscribed stream gets nothing more", () => {
    const hub = new EventHub({ maxPerUser: 5, maxTotal: 5 });
    const a = sink(alice);
    const sub = hub.subscribe(a);
    if (!sub.ok) throw new Error("unreachable");
    sub.unsubscribe();
    expect(hub.publish(envOfAlice)).toBe(0);
    expect(changes(a.frames)).toEqual([]);
  });

  it("closes a subscriber that stops reading, without disturbing the others", () => {
    const hub = new EventHub({ maxPerUser: 5, maxTotal: 5 });
    const slow = sink(alice, { write: () => false });
    const fine = sink(alice);
    hub.subscribe(slow);
    hub.subscribe(fine);
    expect(slow.closed).toBe(true);
    expect(hub.size).toBe(1);
    expect(hub.publish(envOfAlice)).toBe(1);
    expect(hub.stats.dropped).toBe(1);
  });

  it("waits for the source before `ready`, and tells live subscribers to resync after a gap", () => {
    const hub = new EventHub({ maxPerUser: 5, maxTotal: 5, live: false });
    const early = sink(alice);
    hub.subscribe(early);
    expect(early.frames).toEqual(["retry: 3000\n\n"]);
    expect(hub.publish(envOfAlice)).toBe(0); // not ready yet
    hub.setLive(true);
    expect(early.frames[1]).toMatch(/^event: ready\n/);
    hub.setLive(false);
    hub.setLive(true);
    expect(early.frames[2]).toBe("event: resync\ndata: {}\n\n");
  });

  it("sends heartbeats as comments and re-checks sessions that are due", async () => {
    let now = 0;
    const revalidate = vi.fn(async () => alice);
    const hub = new EventHub({ maxPerUser: 5, maxTotal: 5, revalidateMs: 1000, now: () => now });
    const a = sink(alice, { revalidate });
    hub.subscribe(a);
    hub.beat();
    expect(a.frames.at(-1)).toBe(": heartbeat\n\n");
    expect(revalidate).not.toHaveBeenCalled();
    now = 1500;
    hub.beat();
    expect(revalidate).toHaveBeenCalledTimes(1);
  });

  it("ends the streams of a user whose session ended when their row changes; a role change applies", async () => {
    let current: Viewer | null = { ...alice, role: "ADMIN" };
    const hub = new EventHub({ maxPerUser: 5, maxTotal: 5 });
    const a = sink(alice, { revalidate: async () => current });
    const b = sink(bob, { revalidate: async () => bob });
    hub.subscribe(a);
    hub.subscribe(b);
    hub.publish({ table: "User", op: "UPDATE", id: "alice", ownerId: "alice" });
    await vi.waitFor(() => expect(hub.publish(containerOfBob)).toBe(2)); // alice is an admin now
    current = null;
    hub.publish({ table: "User", op: "UPDATE", id: "alice", ownerId: "alice", status: "SUSPENDED" });
    await vi.waitFor(() => expect(a.closed).toBe(true));
    expect(a.frames.at(-1)).toBe("event: ended\ndata: {}\n\n");
    expect(b.closed).toBe(false);
    expect(hub.countFor("alice")).toBe(0);
  });

  it("closeAll ends every stream", () => {
    const hub = new EventHub({ maxPerUser: 5, maxTotal: 5, heartbeatMs: 10_000 });
    const a = sink(alice);
    const b = sink(bob);
    hub.subscribe(a);
    hub.subscribe(b);
    hub.closeAll();
    expect([a.closed, b.closed, hub.size]).toEqual([true, true, 0]);
  });
});
