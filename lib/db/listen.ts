// One dedicated PostgreSQL connection that LISTENs on a channel (a listening session cannot come from
// the pool: pooled connections are shared and released). It reconnects with exponential backoff after
// any error or end, LISTENs again, and tells the caller so it can resynchronise whoever missed
// notifications in the gap. A light `SELECT 1` every `pingMs` notices a connection that died silently.
import pg from "pg";
import { config } from "../config";

/** The part of pg.Client the listener uses (tests pass a fake). */
export type ListenClient = {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: "notification", fn: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: "error" | "end", fn: (error?: Error) => void): unknown;
  removeAllListeners(): unknown;
};

export type ListenOptions = {
  channel: string;
  onNotify: (payload: string) => void;
  /** Called after every successful LISTEN; `reconnected` is true from the second one on. */
  onListening?: (reconnected: boolean) => void;
  /** Called when the connection is lost or cannot be made (the listener keeps retrying). */
  onDown?: (error: Error) => void;
  /** The connection's application_name (pg_stat_activity), "hostplane-events" unless set. */
  applicationName?: string;
  createClient?: () => ListenClient;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  pingMs?: number;
};

export type Listener = { readonly listening: boolean; stop(): Promise<void> };

export function listen(options: ListenOptions): Listener {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`invalid channel name ${options.channel}`);
  const initialBackoff = options.initialBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const pingMs = options.pingMs ?? 30_000;
  const createClient =
    options.createClient ??
    (() => {
      const url = config.DATABASE_URL;
      if (!url) throw new Error("DATABASE_URL is not set");
      return new pg.Client({
        connectionString: url,
        keepAlive: true,
        application_name: options.applicationName ?? "hostplane-events",
      });
    });

  let client: ListenClient | null = null;
  let listening = false;
  let stopped = false;
  let everListened = false;
  let backoff = initialBackoff;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;

  const drop = (error: Error) => {
    const current = client;
    client = null;
    listening = false;
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
    if (current) {
      current.removeAllListeners();
      current.on("error", () => {}); // a late socket error must not crash the process
      void current.end().catch(() => {});
    }
    if (stopped) return;
    options.onDown?.(error);
    const wait = Math.min(maxBackoff, backoff) * (0.75 + Math.random() * 0.5);
    backoff = Math.min(maxBackoff, backoff * 2);
    retryTimer = setTimeout(connect, wait);
    retryTimer.unref?.();
  };

  const connect = async () => {
    retryTimer = null;
    if (stopped) return;
    let c: ListenClient;
    try {
      c = createClient();
    } catch (error) {
      return drop(error as Error);
    }
    client = c;
    c.on("notification", (message) => {
      if (message.channel === options.channel && message.payload !== undefined) options.onNotify(message.payload);
    });
    c.on("error", (error) => {
      if (client === c) drop(error ?? new Error("connection error"));
    });
    c.on("end", () => {
      if (client === c) drop(new Error("connection ended"));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${options.channel}`);
    } catch (error) {
      if (client === c) drop(error as Error);
      return;
    }
    if (client !== c || stopped) return;
    listening = true;
    backoff = initialBackoff;
    pingTimer = setInterval(() => {
      if (client === c) c.query("SELECT 1").catch((error: Error) => client === c && drop(error));
    }, pingMs);
    pingTimer.unref?.();
    const reconnected = everListened;
    everListened = true;
    options.onListening?.(reconnected);
  };

  void connect();
  return {
    get listening() {
      return listening;
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (pingTimer) clearInterval(pingTimer);
      const current = client;
      client = null;
      listening = false;
      if (current) {
        current.removeAllListeners();
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
