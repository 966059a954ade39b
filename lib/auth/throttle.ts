// Sign-in throttling (pure decisions; lib/services/users reserves the attempt atomically).
// - Per account AND client address: 5 attempts freely, then exponential backoff (30 s, 1 min, 2 min, …,
//   at most 15 min between attempts). Failures older than an hour are forgotten. An attacker therefore
//   slows down only their own (account, address) pair: the owner signing in from elsewhere is unaffected.
// - Per client address across accounts: at most 50 failed attempts in 15 minutes (credential stuffing;
//   generous because an office behind NAT shares one address).
// An attempt counts from the moment it is reserved (before the password is verified); a successful
// sign-in clears that account's attempts from that address.
export const FREE_ATTEMPTS = 5;
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 15 * 60 * 1000;
export const ATTEMPT_MEMORY_MS = 60 * 60 * 1000;
export const THROTTLE_IP_LIMIT = 50;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The wait required after `failures` recorded attempts (0 while under FREE_ATTEMPTS). */
export function backoffDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(20, failures - FREE_ATTEMPTS));
}

/** Per account + client: may one more attempt be made at `now`, given earlier attempts (any order)? */
export function decideBackoff(options: { attempts: Date[]; now: Date; memoryMs?: number }): ThrottleDecision {
  const since = options.now.getTime() - (options.memoryMs ?? ATTEMPT_MEMORY_MS);
  const recent = options.attempts.map((d) => d.getTime()).filter((t) => t > since);
  const delay = backoffDelayMs(recent.length);
  if (delay === 0) return { allowed: true };
  const unblockAt = Math.max(...recent) + delay;
  const wait = unblockAt - options.now.getTime();
  return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
}

/** Fixed window: given the times of recent attempts, may one more be made at `now`? */
export function decideThrottle(options: {
  failures: Date[];
  now: Date;
  limit?: number;
  windowMs?: number;
}): ThrottleDecision {
  const limit = options.limit ?? THROTTLE_IP_LIMIT;
  const windowMs = options.windowMs ?? THROTTLE_WINDOW_MS;
  const since = options.now.getTime() - windowMs;
  const recent = options.failures
    .map((d) => d.getTime())
    .filter((t) => t > since)
    .sort((a, b) => a - b);
  if (recent.length < limit) return { allowed: true };
  // The oldest attempt that keeps the count at the limit must leave the window first.
  const unblockAt = recent[recent.length - limit] + windowMs;
  return { allowed: false, retryAfterMs: Math.max(0, unblockAt - options.now.getTime()) };
}

/** Both rules; the longer wait wins. */
export function combine(...decisions: ThrottleDecision[]): ThrottleDecision {
  const waits = decisions.map((d) => (d.allowed ? 0 : d.retryAfterMs));
  const wait = Math.max(0, ...waits);
  return decisions.every((d) => d.allowed) ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, wait) };
}

/** Retry-After header value: whole seconds, at least 1. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

export function throttleMessage(retryAfterMs: number): string {
  const seconds = retryAfterSeconds(retryAfterMs);
  if (seconds < 60) return `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
