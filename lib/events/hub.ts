// The in-process fan-out of the events feed: subscribers (open Server-Sent Events streams) with caps per
// user and per process, a filter per subscriber (a developer sees the events of their own rows, an admin
// every event), shared heartbeats, and a session re-check when the subscriber's user row changes.
// Framework-free: the feed (feed.ts) connects it to PostgreSQL's NOTIFY and route handlers to streams.
import type { FeedEvent } from "@/lib/validation/events";

export type Viewer = { id: string; role: string };

/** Whether `viewer` (narrowed to one environment when `environmentId` is set) may see `event`. */
export function visibleTo(viewer: Viewer, event: FeedEvent, environmentId?: string): boolean {
  if (environmentId !== undefined && event.environmentId !== environmentId) return false;
  if (viewer.role === "ADMIN") return true;
  return event.ownerId !== undefined && event.ownerId === viewer.id;
}

/** One Server-Sent Events frame. */
export function frame(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export type SubscriberSink = {
  viewer: Viewer;
  environmentId?: string;
  /** Queues bytes for the client; returns false when the client is not reading (the hub then closes it). */
  write(chunk: Uint8Array): boolean;
  /** Ends the stream (the hub has already removed the subscriber). */
  close(): void;
  /** Re-reads the session: the viewer as it is now, or null when the session has ended. */
  revalidate?: () => Promise<Viewer | null>;
};

export type SubscribeResult =
  | { ok: true; unsubscribe: () => void }
  | { ok: false; scope: "user" | "process"; limit: number; retryAfterSeconds: number };

export type HubOptions = {
  maxPerUser: number;
  maxTotal: number;
  heartbeatMs?: number;
  /** Each subscriber's session is re-read at least this often (and whenever its user row changes). */
  revalidateMs?: number;
  /** Whether the source of events is connected now: `ready` is sent only then (see setLive). */
  live?: boolean;
  now?: () => number;
};

type Subscriber = SubscriberSink & { ready: boolean; checkedAt: number; checking: boolean };

const encoder = new TextEncoder();
export const RETRY_AFTER_SECONDS = 30;

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly perUser = new Map<string, number>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private live: boolean;
  private readonly now: () => number;
  readonly stats = { published: 0, delivered: 0, dropped: 0, refused: 0 };

  constructor(private readonly options: HubOptions) {
    this.live = options.live ?? true;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.subscribers.size;
  }

  countFor(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  subscribe(sink: SubscriberSink): SubscribeResult {
    const userCount = this.countFor(sink.viewer.id);
    if (userCount >= this.options.maxPerUser) {
      this.stats.refused++;
      return { ok: false, scope: "user", limit: this.options.maxPerUser, retryAfterSeconds: RETRY_AFTER_SECONDS };
    }
    if (this.subscribers.size >= this.options.maxTotal) {
      this.stats.refused++;
      return { ok: false, scope: "process", limit: this.options.maxTotal, retryAfterSeconds: RETRY_AFTER_SECONDS };
    }
    const sub: Subscriber = {
      ...sink,
      viewer: { ...sink.viewer },
      ready: false,
      checkedAt: this.now(),
      checking: false,
    };
    const userId = sub.viewer.id;
    this.subscribers.add(sub);
    this.perUser.set(userId, userCount + 1);
    this.startHeartbeat();
    this.send(sub, encoder.encode(`retry: 3000\n\n`));
    if (this.live) this.markReady(sub, false);
    let done = false;
    return {
      ok: true,
      unsubscribe: () => {
        if (done) return;
        done = true;
        this.remove(sub, userId);
      },
    };
  }

  /** Sends the event to every subscriber allowed to see it; returns how many got it. */
  publish(event: FeedEvent): number {
    this.stats.published++;
    let bytes: Uint8Array | null = null;
    let delivered = 0;
    for (const sub of [...this.subscribers]) {
      if (!sub.ready || !visibleTo(sub.viewer, event, sub.environmentId)) continue;
      bytes ??= encoder.encode(frame("change", event));
      if (this.send(sub, bytes)) delivered++;
    }
    this.stats.delivered += delivered;
    if (event.table === "User") this.recheckUser(event.id);
    return delivered;
  }

  /**
   * The event source connected (again) or went away. Subscribers that joined while it was away get
   * `ready` now; the ones that were already live get `resync` (they may have missed events).
   */
  setLive(live: boolean): void {
    const was = this.live;
    this.live = live;
    if (!live || was) return;
    for (const sub of [...this.subscribers]) this.markReady(sub, sub.ready);
  }

  /** A comment line to every stream (keeps proxies from closing idle connections), plus due session checks. */
  beat(): void {
    const bytes = encoder.encode(`: heartbeat\n\n`);
    const due = this.now() - (this.options.revalidateMs ?? 300_000);
    for (const sub of [...this.subscribers]) {
      if (!this.send(sub, bytes)) continue;
      if (sub.checkedAt <= due) void this.recheck(sub);
    }
  }

  /** Closes every stream (process shutdown). */
  closeAll(): void {
    for (const sub of [...this.subscribers]) this.kick(sub);
  }

  private markReady(sub: Subscriber, resync: boolean) {
    sub.ready = true;
    this.send(sub, encoder.encode(resync ? frame("resync", {}) : frame("ready", { role: sub.viewer.role })));
  }

  private recheckUser(userId: string) {
    for (const sub of [...this.subscribers]) if (sub.viewer.id === userId) void this.recheck(sub);
  }

  private async recheck(sub: Subscriber) {
    if (!sub.revalidate || sub.checking) return;
    sub.checking = true;
    try {
      const viewer = await sub.revalidate();
      sub.checkedAt = this.now();
      if (!this.subscribers.has(sub)) return;
      if (!viewer || viewer.id !== sub.viewer.id) {
        this.send(sub, encoder.encode(frame("ended", {})));
        this.kick(sub);
      } else sub.viewer.role = viewer.role;
    } catch {
      // the database is away: keep the stream, try again at the next heartbeat
    } finally {
      sub.checking = false;
    }
  }

  /** Writes to one subscriber; a subscriber that cannot take more is closed (it reconnects later). */
  private send(sub: Subscriber, bytes: Uint8Array): boolean {
    if (!this.subscribers.has(sub)) return false;
    let ok: boolean;
    try {
      ok = sub.write(bytes);
    } catch {
      ok = false;
    }
    if (!ok) {
      this.stats.dropped++;
      this.kick(sub);
    }
    return ok;
  }

  private kick(sub: Subscriber) {
    if (!this.subscribers.has(sub)) return;
    this.remove(sub, sub.viewer.id);
    try {
      sub.close();
    } catch {
      // already closed by the client
    }
  }

  private remove(sub: Subscriber, userId: string) {
    if (!this.subscribers.delete(sub)) return;
    const left = (this.perUser.get(userId) ?? 1) - 1;
    if (left > 0) this.perUser.set(userId, left);
    else this.perUser.delete(userId);
    if (this.subscribers.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  private startHeartbeat() {
    if (this.heartbeat || !this.options.heartbeatMs) return;
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref?.();
  }
}
