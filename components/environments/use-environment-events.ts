"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

export type LiveState = "connecting" | "live" | "reconnecting" | "closed";
export type ChangeEvent = {
  type: "environment" | "container" | "operation" | "step";
  id: string;
  status?: string;
  state?: string;
  kind?: string;
  error?: string | null;
};

const REFRESH_EVERY_MS = 700;

/**
 * Subscribes to the environment's Server-Sent Events and refreshes the server-rendered page data
 * (throttled: at most one router.refresh() per 700 ms, with a trailing one so the last change
 * always shows). `onChange` sees each batch, e.g. for toasts when an operation finishes.
 */
export function useEnvironmentEvents(options: {
  environmentId: string;
  onGone?: () => void;
  onChange?: (changes: ChangeEvent[]) => void;
}) {
  const router = useRouter();
  const [state, setState] = useState<LiveState>("connecting");
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  const handlers = useRef(options);
  useEffect(() => {
    handlers.current = options;
  });

  useEffect(() => {
    let lastRefresh = 0;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      const wait = lastRefresh + REFRESH_EVERY_MS - Date.now();
      if (wait <= 0) {
        lastRefresh = Date.now();
        router.refresh();
      } else if (!trailing) {
        trailing = setTimeout(() => {
          trailing = null;
          lastRefresh = Date.now();
          router.refresh();
        }, wait);
      }
    };
    const source = new EventSource(`/api/environments/${encodeURIComponent(options.environmentId)}/events`);
    source.addEventListener("ready", () => setState("live"));
    source.addEventListener("changes", (e) => {
      setLastEventAt(Date.now());
      try {
        handlers.current.onChange?.(JSON.parse((e as MessageEvent).data) as ChangeEvent[]);
      } catch {
        // a malformed batch still triggers a refresh
      }
      refresh();
    });
    source.addEventListener("gone", () => {
      source.close();
      setState("closed");
      handlers.current.onGone?.();
    });
    source.addEventListener("ended", () => {
      source.close();
      setState("closed");
      router.refresh();
    });
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    return () => {
      source.close();
      if (trailing) clearTimeout(trailing);
    };
  }, [options.environmentId, router]);

  return { state, lastEventAt };
}
