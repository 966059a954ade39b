import { describe, expect, it } from "vitest";
import { ageOf, formatGib, formatMhz, formatMib, loadRatingOf, percentOf } from "./format";

const idle = {
  memUsedMib: 0,
  memTotalMib: 1000,
  swapUsedMib: 0,
  swapTotalMib: 0,
  diskUsedGib: 0,
  diskTotalGib: 100,
  loadAvg5: 0,
  cores: 2,
};

describe("load rating (Jelastic's load mark, banded)", () => {
  it.each([
    [{}, 0, "idle"],
    [{ memUsedMib: 500 }, 10, "low"],
    [{ memUsedMib: 1000, diskUsedGib: 50 }, 45, "moderate"],
    [{ memUsedMib: 1000, diskUsedGib: 100 }, 70, "moderate"],
    [{ swapUsedMib: 512, swapTotalMib: 1024, diskUsedGib: 100 }, 100, "high"],
    [{ loadAvg5: 3 }, 0, "idle"],
    [{ loadAvg5: 8 }, 200, "high"],
  ])("%o → mark %i (%s)", (override, mark, level) => {
    const r = loadRatingOf({ ...idle, ...override });
    expect(r.mark).toBe(mark);
    expect(r.level).toBe(level);
    expect(r.label).toBe(level);
  });

  it("spells out its formula with the node's numbers (the badge's hover text)", () => {
    const r = loadRatingOf({ ...idle, memUsedMib: 600, diskUsedGib: 30, loadAvg5: 0.8 });
    expect(r.mark).toBe(27);
    expect(r.formula).toBe(
      "Load mark 27 = (swap 0.00×1 + memory 0.60×0.2 + disk 0.30×0.5 + CPU 0.00×1) × 100. " +
        "CPU counts only above a 5-minute load average of 2 × cores (now 0.80 on 2 cores). " +
        "Real usage from the last probe, not reservations; lower is better: < 10 idle, < 40 low, < 80 moderate, else high.",
    );
    expect(loadRatingOf({ ...idle, loadAvg5: 8 }).formula).toContain("CPU 2.00×1");
  });
});

describe("formatting", () => {
  it("percentages clamp and survive unknown totals", () => {
    expect(percentOf(50, 200)).toBe(25);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(300, 200)).toBe(100);
  });
  it("sizes and ages", () => {
    expect(formatMib(512)).toBe("512 MiB");
    expect(formatMib(2048)).toBe("2 GiB");
    expect(formatMib(1536)).toBe("1.5 GiB");
    expect(formatMib(3 * 1024 * 1024)).toBe("3 TiB");
    expect(formatGib(40)).toBe("40 GiB");
    expect(formatGib(1536)).toBe("1.5 TiB");
    expect(formatMhz(400)).toBe("400 MHz");
    expect(formatMhz(1000)).toBe("1 GHz");
    expect(formatMhz(3200)).toBe("3.2 GHz");
    expect(ageOf(null)).toBe("never");
    expect(ageOf(new Date(0), new Date(90_000))).toBe("1 min ago");
  });
});
