"use client";
import { useFeed, useThrottledRefresh, type LiveState } from "@/components/live/live-feed";
import type { FeedEvent } from "@/lib/validation/events";

export type { LiveState };

const TABLES = new Set(["Environment", "Layer", "Container", "Operation", "OperationStep", "Release"]);

/**
 * The environment page's view of the tab's live feed: refreshes the server-rendered page data
 * (throttled) when a row of this environment changes, reports the environment's deletion, and hands
 * each change to `onChange` (toasts when an operation finishes).
 */
export function useEnvironmentEvents(options: {
  environmentId: string;
  onGone?: () => void;
  onChange?: (change: FeedEvent) => void;
}) {
  const refresh = useThrottledRefresh();
  const state = useFeed((message) => {
    if (message === "resync") return refresh();
    if (message.environmentId !== options.environmentId || !TABLES.has(message.table)) return;
    if (message.table === "Environment" && message.op === "DELETE") return options.onGone?.();
    options.onChange?.(message);
    refresh();
  });
  return { state };
}
