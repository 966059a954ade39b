import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listen, type ListenClient } from "./listen";

class FakeClient extends EventEmitter {
  queries: string[] = [];
  ended = false;
  constructor(private readonly failConnect: boolean) {
    super();
  }
  async connect() {
    if (this.failConnect) throw new Error("ECONNREFUSED");
  }
  async query(sql: string) {
    this.queries.push(sql);
  }
  async end() {
    this.ended = true;
  }
}

afterEach(() => vi.useRealTimers());

describe("listen", () => {
  it("LISTENs, delivers its channel's payloads, reconnects with backoff and LISTENs again", async () => {
    vi.useFakeTimers();
    const clients: FakeClient[] = [];
    const fails = [false, true, true, false];
    const payloads: string[] = [];
    const listening: boolean[] = [];
    const downs: string[] = [];
    const listener = listen({
      channel: "hostplane_events",
      createClient: () => {
        const c = new FakeClient(fails[clients.length] ?? false);
        clients.push(c);
        return c as unknown as ListenClient;
      },
      onNotify: (p) => payloads.push(p),
      onListening: (reconnected) => listening.push(reconnected),
      onDown: (e) => downs.push(e.message),
      initialBackoffMs: 100,
      maxBackoffMs: 1000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(clients[0].queries).toEqual(["LISTEN hostplane_events"]);
    expect(listening).toEqual([false]);
    expect(listener.listening).toBe(true);

    clients[0].emit("notification", { channel: "hostplane_events", payload: "a" });
    clients[0].emit("notification", { channel: "other", payload: "b" });
    expect(payloads).toEqual(["a"]);

    clients[0].emit("error", new Error("terminating connection"));
    expect(listener.listening).toBe(false);
    expect(clients[0].ended).toBe(true);
    // Two refused attempts, each waiting longer, then a connection that LISTENs again.
    await vi.advanceTimersByTimeAsync(5000);
    expect(clients).toHaveLength(4);
    expect(downs).toEqual(["terminating connection", "ECONNREFUSED", "ECONNREFUSED"]);
    expect(clients[3].queries).toEqual(["LISTEN hostplane_events"]);
    expect(listening).toEqual([false, true]);

    clients[0].emit("notification", { channel: "hostplane_events", payload: "stale" });
    clients[3].emit("notification", { channel: "hostplane_events", payload: "c" });
    expect(payloads).toEqual(["a", "c"]);
    await listener.stop();
    expect(clients[3].ended).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clients).toHaveLength(4);
  });

  it("notices a connection that died silently through its ping", async () => {
    vi.useFakeTimers();
    const clients: FakeClient[] = [];
    const listener = listen({
      channel: "hostplane_events",
      createClient: () => {
        const c = new FakeClient(false);
        if (clients.length === 0)
          c.query = async (sql: string) => {
            c.queries.push(sql);
            if (sql === "SELECT 1") throw new Error("Connection terminated unexpectedly");
          };
        clients.push(c);
        return c as unknown as ListenClient;
      },
      onNotify: () => {},
      pingMs: 1000,
      initialBackoffMs: 10,
    });
    await vi.advanceTimersByTimeAsync(1100);
    expect(clients.length).toBe(2);
    expect(listener.listening).toBe(true);
    await listener.stop();
  });

  it("refuses a channel name that is not a plain identifier", () => {
    expect(() => listen({ channel: "x; DROP TABLE y", onNotify: () => {} })).toThrow(/channel/);
  });
});
