import { describe, expect, it } from "vitest";
import { decideThrottle, throttleMessage, THROTTLE_WINDOW_MS } from "./throttle";

const now = new Date("2026-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("decideThrottle", () => {
  it("allows up to the limit", () => {
    expect(decideThrottle({ failures: [ago(1000), ago(2000), ago(3000), ago(4000)], now })).toEqual({ allowed: true });
  });

  it("blocks at the limit until the oldest counted failure leaves the window", () => {
    const failures = [ago(60_000), ago(50_000), ago(40_000), ago(30_000), ago(20_000)];
    const d = decideThrottle({ failures, now });
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.retryAfterMs).toBe(THROTTLE_WINDOW_MS - 60_000);
  });

  it("ignores failures older than the window", () => {
    const failures = [ago(THROTTLE_WINDOW_MS + 1), ago(THROTTLE_WINDOW_MS + 2), ago(10), ago(20), ago(30), ago(40)];
    expect(decideThrottle({ failures, now }).allowed).toBe(true);
  });

  it("with more failures than the limit, waits for enough of them to expire", () => {
    const failures = [ago(90_000), ago(80_000), ago(70_000), ago(60_000), ago(50_000), ago(40_000), ago(30_000)];
    const d = decideThrottle({ failures, now, limit: 5 });
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.retryAfterMs).toBe(THROTTLE_WINDOW_MS - 70_000);
  });

  it("says when to retry in whole minutes", () => {
    expect(throttleMessage(61_000)).toBe("Too many failed sign-ins. Try again in 2 minutes.");
    expect(throttleMessage(1)).toBe("Too many failed sign-ins. Try again in 1 minute.");
  });
});
