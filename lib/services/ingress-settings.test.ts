import { describe, expect, it } from "vitest";
import { readVariable } from "@/lib/config";
import { ingressGoMaxProcs } from "./ingress";

const configured = (value?: string) =>
  readVariable("HOSTPLANE_INGRESS_GOMAXPROCS", { HOSTPLANE_INGRESS_GOMAXPROCS: value });

describe("the ingress's GOMAXPROCS", () => {
  it("leaves one core to the rest of the machine unless configured", () => {
    expect(ingressGoMaxProcs(configured(), 2)).toBe(1);
    expect(ingressGoMaxProcs(configured(), 1)).toBe(1);
    expect(ingressGoMaxProcs(configured(""), 8)).toBe(7);
    expect(ingressGoMaxProcs(configured("4"), 2)).toBe(4);
  });

  it("refuses what is not a whole number of at least 1", () => {
    for (const bad of ["0", "-1", "1.5", "two"])
      expect(() => configured(bad)).toThrow(/HOSTPLANE_INGRESS_GOMAXPROCS=.* is invalid/);
  });
});
