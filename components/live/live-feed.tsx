"use client";
// One EventSource per tab on /api/events (the panel's LISTEN/NOTIFY feed), shared by every part of the
// page through context. Pages subscribe with `useFeed` or drop in `<LiveRefresh tables={…} />`, which
// refreshes the server-rendered data in place (router.refresh(), throttled) when a relevant row changes.
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { parseFeedEvent, type FeedEvent, type FeedTable } from "@/lib/validation/events";

export type LiveState = "connecting" | "live" | "reconnecting" | "closed";
/** A row change, or "resync": events may have been missed (reconnect), so refetch what is shown. */
export type FeedMessage = FeedEvent | "resync";
type Listener = (message: FeedMessage) => void;

type FeedContext = { state: LiveState; subscribe: (listener: Listener) => () => void };
const Context = createContext<FeedContext | null>(null);

const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 60_000;

export function LiveFeedProvider({ children, url = "/api/events" }: { children: React.ReactNode; url?: string }) {
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let wait = RETRY_MIN_MS;
    let wasLive = false;
    let stopped = false;
    const emit = (message: FeedMessage) => {
      for (const listener of [...listeners.current]) listener(message);
    };
    const open = () => {
      retry = null;
      if (stopped) return;
      const s = new EventSource(url);
      source = s;
      s.addEventListener("ready", () => {
        setState("live");
        wait = RETRY_MIN_MS;
        // Back after a gap: whatever changed meanwhile was not announced.
        if (wasLive) emit("resync");
        wasLive = true;
      });
      s.addEventListener("resync", () => emit("resync"));
      s.addEventListener("change", (e) => {
        const event = parseFeedEvent((e as MessageEvent<string>).data);
        if (event) emit(event);
      });
      s.addEventListener("ended", () => {
        // The session ended (signed out, suspended): show the sign-in page instead of stale data.
        s.close();
        setState("closed");
        emit("resync");
      });
      s.onerror = () => {
        if (s.readyState !== EventSource.CLOSED) return setState("reconnecting");
        // Refused (e.g. 429 over the cap) or gone: the browser does not retry, so we do, with backoff.
        s.close();
        setState("reconnecting");
        retry = setTimeout(open, wait);
        wait = Math.min(RETRY_MAX_MS, wait * 2);
      };
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      if (retry) clearTimeout(retry);
    };
  }, [url]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** Calls `onMessage` for every feed message while mounted; returns the connection state. */
export function useFeed(onMessage: (message: FeedMessage) => void): LiveState {
  const context = useContext(Context);
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  });
  const subscribe = context?.subscribe;
  useEffect(() => subscribe?.((m) => handler.current(m)), [subscribe]);
  return context?.state ?? "closed";
}

/**
 * A throttled router.refresh(): the first call refreshes at once, calls within `everyMs` after it
 * collapse into one trailing refresh, so a burst of changes costs two renders and the last one shows.
 */
export function useThrottledRefresh(everyMs = 700, paused = false): () => void {
  const router = useRouter();
  const last = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    // Paused (the page is navigating away): a refresh now would race, and can supersede, that navigation.
    if (paused && trailing.current) {
      clearTimeout(trailing.current);
      trailing.current = null;
    }
  }, [paused]);
  useEffect(
    () => () => {
      if (trailing.current) clearTimeout(trailing.current);
    },
    [],
  );
  return useCallback(() => {
    if (paused) return;
    const wait = last.current + everyMs - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      router.refresh();
    } else if (!trailing.current) {
      trailing.current = setTimeout(() => {
        trailing.current = null;
        last.current = Date.now();
        router.refresh();
      }, wait);
    }
  }, [router, everyMs, paused]);
}

/** Whether a message concerns what a page shows: one of `tables`, optionally one environment. */
export function concerns(message: FeedMessage, tables: readonly FeedTable[], environmentId?: string): boolean {
  if (message === "resync") return true;
  if (!tables.includes(message.table)) return false;
  return environmentId === undefined || message.environmentId === environmentId;
}

/** Keeps a server-rendered page current: refreshes its data in place when one of `tables` changes. */
export function LiveRefresh({ tables, environmentId }: { tables: readonly FeedTable[]; environmentId?: string }) {
  const refresh = useThrottledRefresh();
  const state = useFeed((message) => {
    if (concerns(message, tables, environmentId)) refresh();
  });
  return (
    <div className="-mb-4 flex justify-end">
      <LiveBadge state={state} />
    </div>
  );
}

const LABEL: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Not live",
};

/** A small status dot + word; `data-live` lets tests wait for the feed. */
export function LiveBadge({ state }: { state: LiveState }) {
  return (
    <span
      data-testid="live-state"
      data-live={state}
      className="inline-flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400"
      title="Updates appear here without reloading"
    >
      <span
        aria-hidden
        className={`size-2 rounded-full ${state === "live" ? "bg-emerald-500" : state === "closed" ? "bg-slate-400" : "bg-amber-500"}`}
      />
      {LABEL[state]}
    </span>
  );
}
