// Sign-in throttling: at most 5 failed attempts per account, and 20 per IP address (offices share
// one address behind NAT), in a 15-minute window.
export const THROTTLE_LIMIT = 5;
export const THROTTLE_IP_LIMIT = 20;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Pure: given the times of recent failures (any order), may one more attempt be made at `now`? */
export function decideThrottle(options: {
  failures: Date[];
  now: Date;
  limit?: number;
  windowMs?: number;
}): ThrottleDecision {
  const limit = options.limit ?? THROTTLE_LIMIT;
  const windowMs = options.windowMs ?? THROTTLE_WINDOW_MS;
  const since = options.now.getTime() - windowMs;
  const recent = options.failures
    .map((d) => d.getTime())
    .filter((t) => t > since)
    .sort((a, b) => a - b);
  if (recent.length < limit) return { allowed: true };
  // The oldest failure that keeps the count at the limit must leave the window first.
  const unblockAt = recent[recent.length - limit] + windowMs;
  return { allowed: false, retryAfterMs: Math.max(0, unblockAt - options.now.getTime()) };
}

export function throttleMessage(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
