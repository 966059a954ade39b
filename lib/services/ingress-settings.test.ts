import { describe, expect, it } from "vitest";
import { ingressGoMaxProcs } from "./ingress";

describe("the ingress's GOMAXPROCS", () => {
  it("leaves one core to the rest of the machine unless configured", () => {
    expect(ingressGoMaxProcs(undefined, 2)).toBe(1);
    expect(ingressGoMaxProcs(undefined, 1)).toBe(1);
    expect(ingressGoMaxProcs(" ", 8)).toBe(7);
    expect(ingressGoMaxProcs("4", 2)).toBe(4);
  });

  it("refuses what is not a whole number of at least 1", () => {
    for (const bad of ["0", "-1", "1.5", "two"]) expect(() => ingressGoMaxProcs(bad, 2)).toThrow(/at least 1/);
  });
});
