"use client";
import { useEffect } from "react";
import { useFeed, useThrottledRefresh, type LiveState } from "@/components/live/live-feed";
import type { FeedEvent } from "@/lib/validation/events";

export type { LiveState };

const TABLES = new Set(["Environment", "Layer", "Container", "Operation", "OperationStep", "Release"]);

/**
 * While the shown data has an operation in progress, the page also refreshes on this period: a
 * refresh requested by an event is occasionally not applied by the router (seen in e2e: the page kept
 * an operation's last step "Running" minutes after it finished, with no later event to correct it).
 */
const BUSY_REFRESH_MS = 5_000;

/**
 * The environment page's view of the tab's live feed: refreshes the server-rendered page data
 * (throttled) when a row of this environment changes, reports the environment's deletion, and hands
 * each change to `onChange` (toasts when an operation finishes).
 */
export function useEnvironmentEvents(options: {
  environmentId: string;
  /** Whether the shown data has an operation in progress (then the page also refreshes periodically). */
  busy?: boolean;
  /** The page is leaving (its environment was deleted): no more refreshes of it. */
  leaving?: boolean;
  onGone?: () => void;
  onChange?: (change: FeedEvent) => void;
}) {
  const refresh = useThrottledRefresh(undefined, options.leaving);
  const state = useFeed((message) => {
    if (message === "resync") return refresh();
    if (message.environmentId !== options.environmentId || !TABLES.has(message.table)) return;
    if (message.table === "Environment" && message.op === "DELETE") return options.onGone?.();
    options.onChange?.(message);
    refresh();
  });
  useEffect(() => {
    if (!options.busy || options.leaving) return;
    const timer = setInterval(refresh, BUSY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [options.busy, options.leaving, refresh]);
  return { state };
}
