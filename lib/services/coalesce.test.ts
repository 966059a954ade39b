import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce";

/** A run whose end the test decides; records when each run started. */
function controlled() {
  const finishers: ((value: number) => void)[] = [];
  const failers: ((error: Error) => void)[] = [];
  let runs = 0;
  const run = () => {
    const n = ++runs;
    return new Promise<number>((resolve, reject) => {
      finishers.push(() => resolve(n));
      failers.push(reject);
    });
  };
  return {
    run,
    runs: () => runs,
    finish: (i: number) => finishers[i]!(0),
    fail: (i: number) => failers[i]!(new Error(`run ${i + 1} failed`)),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("coalesce", () => {
  it("runs once for a lone caller", async () => {
    const c = controlled();
    const sync = coalesce(c.run);
    const a = sync();
    c.finish(0);
    await expect(a).resolves.toBe(1);
    expect(c.runs()).toBe(1);
  });

  it("gives callers arriving during a run one shared run that starts after it", async () => {
    const c = controlled();
    const sync = coalesce(c.run);
    const first = sync();
    const later = [sync(), sync(), sync(), sync()];
    await tick();
    expect(c.runs()).toBe(1); // nothing starts while the first run is in progress
    c.finish(0);
    await expect(first).resolves.toBe(1);
    await tick();
    expect(c.runs()).toBe(2);
    c.finish(1);
    // Every later caller gets the second run's answer: one that began after it asked.
    await expect(Promise.all(later)).resolves.toEqual([2, 2, 2, 2]);
    expect(c.runs()).toBe(2);
  });

  it("a caller arriving during the trailing run waits for a third", async () => {
    const c = controlled();
    const sync = coalesce(c.run);
    const first = sync();
    const second = sync();
    c.finish(0);
    await first;
    await tick();
    const third = sync();
    c.finish(1);
    await expect(second).resolves.toBe(2);
    await tick();
    c.finish(2);
    await expect(third).resolves.toBe(3);
  });

  it("a failed run fails its callers only; the waiting callers still get their own run", async () => {
    const c = controlled();
    const sync = coalesce(c.run);
    const first = sync();
    const second = sync();
    c.fail(0);
    await expect(first).rejects.toThrow("run 1 failed");
    await tick();
    c.finish(1);
    await expect(second).resolves.toBe(2);
    // Idle again: the next caller starts at once.
    const third = sync();
    expect(c.runs()).toBe(3);
    c.finish(2);
    await expect(third).resolves.toBe(3);
  });
});
