/**
 * Seeded randomness for tie-breaking. Placement must be replayable: the same request id on the
 * same cluster state has to pick the same nodes, so Math.random is never used.
 */

/** 32-bit FNV-1a over UTF-16 code units, then a murmur3 finaliser so similar ids diverge. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A random source returning floats in [0, 1). */
export type Prng = () => number;

/**
 * mulberry32: one 32-bit state word, passes gjrand/PractRand far beyond what tie-breaking needs,
 * and costs a handful of integer ops, which matters because ties are common on uniform clusters.
 */
export function createPrng(seed: number | string): Prng {
  let state = (typeof seed === "string" ? hashSeed(seed) : seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
