// The panel process's one events feed: a single LISTEN connection (started lazily by the first stream,
// reconnecting with backoff) feeding the in-process hub, and the Server-Sent Events response every
// stream route returns. Route handlers authorize first, then call `openEventStream`.
import "server-only";
import { config } from "@/lib/config";
import { listen, type Listener } from "@/lib/db/listen";
import { FEED_CHANNEL, parseFeedEvent } from "@/lib/validation/events";
import { EventHub, type Viewer } from "./hub";

const HEARTBEAT_MS = 15_000;
/** Frames a client may leave unread before its stream is closed (it reconnects and resyncs). */
const MAX_UNREAD_FRAMES = 500;

type Feed = { hub: EventHub; listener: Listener | null };
const globalForFeed = globalThis as unknown as { hostplaneFeed?: Feed };

function feed(): Feed {
  globalForFeed.hostplaneFeed ??= {
    hub: new EventHub({
      maxPerUser: config.HOSTPLANE_EVENTS_MAX_PER_USER,
      maxTotal: config.HOSTPLANE_EVENTS_MAX_STREAMS,
      heartbeatMs: HEARTBEAT_MS,
      live: false,
    }),
    listener: null,
  };
  return globalForFeed.hostplaneFeed;
}

/** Starts the LISTEN connection once per process. */
function ensureListening(f: Feed) {
  if (f.listener) return;
  let downLogged = false;
  f.listener = listen({
    channel: FEED_CHANNEL,
    onNotify: (payload) => {
      const event = parseFeedEvent(payload);
      if (event) f.hub.publish(event);
    },
    onListening: () => {
      downLogged = false;
      f.hub.setLive(true);
    },
    onDown: (error) => {
      f.hub.setLive(false);
      if (!downLogged) console.warn(`[hostplane] events feed: listening connection lost (${error.message}); retrying`);
      downLogged = true;
    },
  });
}

/**
 * The stream for an authorized viewer (optionally narrowed to one environment), or 429 with
 * Retry-After when the viewer or the process has as many open streams as allowed.
 */
export function openEventStream(options: {
  request: Request;
  viewer: Viewer;
  environmentId?: string;
  revalidate: () => Promise<Viewer | null>;
}): Response {
  const f = feed();
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const early: Uint8Array[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      controller?.close();
    } catch {
      // the client went away first
    }
  };
  const result = f.hub.subscribe({
    viewer: options.viewer,
    environmentId: options.environmentId,
    revalidate: options.revalidate,
    write: (chunk) => {
      if (closed) return false;
      if (!controller) {
        early.push(chunk);
        return true;
      }
      controller.enqueue(chunk);
      return (controller.desiredSize ?? 0) > -MAX_UNREAD_FRAMES;
    },
    close,
  });
  if (!result.ok) {
    const error =
      result.scope === "user"
        ? `Too many open live views: at most ${result.limit} per account. Close some tabs and try again.`
        : `The panel is serving as many live views as it allows (${result.limit}). Try again shortly.`;
    return Response.json(
      { error, code: "TOO_MANY_STREAMS", scope: result.scope, limit: result.limit },
      { status: 429, headers: { "retry-after": String(result.retryAfterSeconds), "cache-control": "no-store" } },
    );
  }
  const unsubscribe = () => {
    result.unsubscribe();
    close();
  };
  options.request.signal.addEventListener("abort", unsubscribe, { once: true });
  ensureListening(f);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const chunk of early.splice(0)) c.enqueue(chunk);
      if (closed) c.close();
    },
    cancel: unsubscribe,
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

/** Open streams and counters of this process (for the admin health detail and tests). */
export function eventFeedStats() {
  const f = feed();
  return { streams: f.hub.size, listening: f.listener?.listening ?? false, ...f.hub.stats };
}

/** Ends every stream and the LISTEN connection (shutdown, tests); the next stream starts them again. */
export async function stopEventFeed(): Promise<void> {
  const f = globalForFeed.hostplaneFeed;
  if (!f) return;
  globalForFeed.hostplaneFeed = undefined;
  f.hub.closeAll();
  await f.listener?.stop();
}
