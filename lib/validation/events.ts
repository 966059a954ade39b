import { z } from "zod";

/**
 * The events feed's wire format: what the database triggers (migration `events_notify`) send on
 * NOTIFY, what the panel fans out over Server-Sent Events and what the pages' live hook reads.
 * Tiny on purpose: which row of which table changed, whose it is, and its new status; never error text.
 */
export const FEED_CHANNEL = "hostplane_events";

export const FEED_TABLES = [
  "Environment",
  "Layer",
  "Container",
  "Operation",
  "OperationStep",
  "User",
  "Quota",
  "HardwareNode",
  "Region",
  "AuditEvent",
  "Release",
] as const;
export type FeedTable = (typeof FEED_TABLES)[number];

const id = z.string().min(1).max(64);
export const ZFeedEvent = z.object({
  table: z.enum(FEED_TABLES),
  op: z.enum(["INSERT", "UPDATE", "DELETE"]),
  id,
  /** The environment the row belongs to (the environment's own id for Environment rows). */
  environmentId: id.optional(),
  /** The user who owns the row (the environment's owner, or the user for User and Quota rows). */
  ownerId: id.optional(),
  status: z.string().max(32).optional(),
  kind: z.string().max(64).optional(),
});
export type FeedEvent = z.infer<typeof ZFeedEvent>;

/** A NOTIFY payload (or an SSE frame's data) as a feed event; null when it is not one. */
export function parseFeedEvent(text: string): FeedEvent | null {
  try {
    const parsed = ZFeedEvent.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
