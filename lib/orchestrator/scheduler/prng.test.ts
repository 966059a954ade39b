import { describe, expect, it } from "vitest";
import { createPrng, hashSeed } from "./prng";

describe("prng", () => {
  it("replays the same sequence for the same seed", () => {
    const a = createPrng("req-42");
    const b = createPrng("req-42");
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
  });

  it("diverges for different seeds", () => {
    const a = createPrng("req-1");
    const b = createPrng("req-2");
    expect(Array.from({ length: 10 }, () => a())).not.toEqual(Array.from({ length: 10 }, () => b()));
    expect(hashSeed("req-1")).not.toBe(hashSeed("req-2"));
  });

  it("returns floats in [0, 1) spread over the interval", () => {
    const next = createPrng(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });

  it("hashes to an unsigned 32-bit integer", () => {
    for (const s of ["", "a", "ü", "x".repeat(1000)]) {
      const h = hashSeed(s);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
  });
});
