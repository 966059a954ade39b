import { describe, expect, it } from "vitest";
import { SimEngine } from "./engine";
import { isTransientError } from "../errors";

const spec = {
  name: "hp-1",
  ip: "10.213.5.7",
  template: { kind: "busybox" as const },
  limits: { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 },
};

describe("sim engine", () => {
  it("is idempotent, labelled simulated and never touches a runner", async () => {
    const engine = new SimEngine({ name: "sim-1", engine: "sim" });
    expect((await engine.probe()).simulated).toBe(true);
    await engine.create(spec);
    await engine.create(spec);
    await engine.start("hp-1");
    await engine.start("hp-1");
    expect(await engine.list()).toEqual([{ name: "hp-1", state: "running", ip: "10.213.5.7", limits: spec.limits }]);
    await engine.setLimits("hp-1", { ...spec.limits, dynamicCloudlets: 4 });
    expect((await engine.stats())[0]!.memoryBytes).toBeGreaterThan(0);
    await engine.stop("hp-1");
    await engine.destroy("hp-1");
    await engine.destroy("hp-1");
    expect(await engine.list()).toEqual([]);
  });

  it("fails at the configured rate, reproducibly for a seed, with transient errors", async () => {
    const outcomes = async (seed: number) => {
      const engine = new SimEngine({ name: "sim-1", engine: "sim", sim: { seed, failureRate: 0.3 } });
      const results: boolean[] = [];
      for (let i = 0; i < 200; i++) {
        const error = await engine.list().then(
          () => null,
          (e: unknown) => e,
        );
        if (error) expect(isTransientError(error)).toBe(true);
        results.push(error === null);
      }
      return results;
    };
    const a = await outcomes(42);
    expect(await outcomes(42)).toEqual(a);
    const failures = a.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
  });

  it("waits the configured latency", async () => {
    const engine = new SimEngine({ name: "sim-1", engine: "sim", sim: { latencyMs: { min: 20, max: 30 } } });
    const started = performance.now();
    await engine.list();
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});
