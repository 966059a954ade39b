import { describe, expect, it } from "vitest";
import { planDeploy, type DeployContainer } from "./deploy-plan";

const c = (ordinal: number, extra: Partial<DeployContainer> = {}): DeployContainer => ({
  id: `c${ordinal}`,
  displayName: `cp-${ordinal + 1}`,
  ordinal,
  running: true,
  releaseId: "old",
  draining: false,
  ...extra,
});

const kinds = (steps: { kind: string; containerId?: string }[]) =>
  steps.map((s) => (s.containerId ? `${s.kind}:${s.containerId}` : s.kind));

describe("planDeploy", () => {
  it("stages everywhere first, then switches one container at a time and finishes", () => {
    const steps = planDeploy({ containers: [c(1), c(0)], releaseId: "new", batch: 1, layerName: "cp" });
    expect(kinds(steps)).toEqual([
      "stage:c0",
      "stage:c1",
      "drain:c0",
      "switch:c0",
      "verify:c0",
      "undrain:c0",
      "drain:c1",
      "switch:c1",
      "verify:c1",
      "undrain:c1",
      "finish-deploy",
    ]);
    expect(steps[2]!.target).toBe("cp-1: drain");
  });

  it("switches a batch together", () => {
    const steps = planDeploy({ containers: [c(0), c(1), c(2)], releaseId: "new", batch: 2, layerName: "cp" });
    expect(kinds(steps).slice(3)).toEqual([
      "drain:c0",
      "drain:c1",
      "switch:c0",
      "switch:c1",
      "verify:c0",
      "verify:c1",
      "undrain:c0",
      "undrain:c1",
      "drain:c2",
      "switch:c2",
      "verify:c2",
      "undrain:c2",
      "finish-deploy",
    ]);
  });

  it("leaves alone containers already serving the release in rotation; a drained one is finished", () => {
    const steps = planDeploy({
      containers: [c(0, { releaseId: "new" }), c(1, { releaseId: "new", draining: true }), c(2, { running: false })],
      releaseId: "new",
      batch: 1,
      layerName: "cp",
    });
    expect(kinds(steps)).toEqual([
      "stage:c0",
      "stage:c1",
      "drain:c1",
      "switch:c1",
      "verify:c1",
      "undrain:c1",
      "finish-deploy",
    ]);
  });

  it("a rollback to the sample has nothing to unpack", () => {
    const steps = planDeploy({ containers: [c(0)], releaseId: null, batch: 1, layerName: "cp" });
    expect(kinds(steps)).toEqual(["drain:c0", "switch:c0", "verify:c0", "undrain:c0", "finish-deploy"]);
  });
});
