import { describe, expect, it } from "vitest";
import {
  ATTEMPT_MEMORY_MS,
  backoffDelayMs,
  BACKOFF_MAX_MS,
  combine,
  decideBackoff,
  decideThrottle,
  retryAfterSeconds,
  throttleMessage,
  THROTTLE_WINDOW_MS,
} from "./throttle";

const now = new Date("2026-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("decideBackoff (per account + client)", () => {
  it("allows the first five attempts freely", () => {
    expect(decideBackoff({ attempts: [ago(1), ago(2), ago(3), ago(4)], now })).toEqual({ allowed: true });
  });

  it("after five, waits 30 s from the latest attempt, doubling per further attempt up to 15 minutes", () => {
    expect([5, 6, 7, 8, 9, 10, 30].map(backoffDelayMs)).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      480_000,
      900_000,
      BACKOFF_MAX_MS,
    ]);
    const five = [ago(50_000), ago(40_000), ago(30_000), ago(20_000), ago(10_000)];
    expect(decideBackoff({ attempts: five, now })).toEqual({ allowed: false, retryAfterMs: 20_000 });
    expect(decideBackoff({ attempts: five, now: new Date(now.getTime() + 20_000) })).toEqual({ allowed: true });
    const six = [...five, ago(5_000)];
    expect(decideBackoff({ attempts: six, now })).toEqual({ allowed: false, retryAfterMs: 55_000 });
  });

  it("forgets attempts older than the memory window", () => {
    const old = Array.from({ length: 10 }, (_, i) => ago(ATTEMPT_MEMORY_MS + 1 + i));
    expect(decideBackoff({ attempts: [...old, ago(1)], now })).toEqual({ allowed: true });
  });
});

describe("decideThrottle (per client address)", () => {
  it("blocks at the limit until the oldest counted attempt leaves the window", () => {
    const failures = [ago(60_000), ago(50_000), ago(40_000)];
    const d = decideThrottle({ failures, now, limit: 3 });
    expect(d).toEqual({ allowed: false, retryAfterMs: THROTTLE_WINDOW_MS - 60_000 });
    expect(decideThrottle({ failures, now, limit: 4 })).toEqual({ allowed: true });
  });

  it("ignores attempts older than the window", () => {
    const failures = [ago(THROTTLE_WINDOW_MS + 1), ago(THROTTLE_WINDOW_MS + 2), ago(10)];
    expect(decideThrottle({ failures, now, limit: 2 }).allowed).toBe(true);
  });
});

describe("combine and messages", () => {
  it("takes the longer wait", () => {
    expect(combine({ allowed: true }, { allowed: true })).toEqual({ allowed: true });
    expect(combine({ allowed: false, retryAfterMs: 5 }, { allowed: false, retryAfterMs: 9 })).toEqual({
      allowed: false,
      retryAfterMs: 9,
    });
    expect(combine({ allowed: true }, { allowed: false, retryAfterMs: 0 })).toEqual({
      allowed: false,
      retryAfterMs: 1,
    });
  });

  it("rounds Retry-After up to whole seconds and words the wait for people", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(30_001)).toBe(31);
    expect(throttleMessage(1)).toBe("Too many failed sign-ins. Try again in 1 second.");
    expect(throttleMessage(29_500)).toBe("Too many failed sign-ins. Try again in 30 seconds.");
    expect(throttleMessage(61_000)).toBe("Too many failed sign-ins. Try again in 2 minutes.");
    expect(throttleMessage(60_000)).toBe("Too many failed sign-ins. Try again in 1 minute.");
  });
});
