import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyStepToObserved, planEnvironment, type DesiredContainer, type ObservedContainerState } from "./plan";

const limits = { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 };
const c = (id: string, over: Partial<DesiredContainer> = {}): DesiredContainer => ({
  id,
  name: `hp-${id}`,
  layerId: "l1",
  ordinal: 0,
  nodeId: "n1",
  desired: "RUNNING",
  limits,
  ...over,
});
const kinds = (steps: { kind: string; containerId?: string }[]) =>
  steps.map((s) => (s.containerId ? `${s.kind}:${s.containerId}` : s.kind));

describe("planEnvironment", () => {
  it("creates, configures and starts missing containers phase by phase, then marks the environment running", () => {
    const steps = planEnvironment({
      environment: { id: "e", desired: "RUNNING" },
      containers: [c("a"), c("b", { ordinal: 1 })],
      observed: new Map(),
    });
    expect(kinds(steps)).toEqual([
      "create:a",
      "create:b",
      "configure:a",
      "configure:b",
      "start:a",
      "start:b",
      "mark-running",
    ]);
  });

  it("starts stopped containers and fixes drifted limits", () => {
    const observed = new Map<string, ObservedContainerState>([
      ["hp-a", { state: "stopped", limits: { ...limits, dynamicCloudlets: 8 } }],
    ]);
    expect(
      kinds(planEnvironment({ environment: { id: "e", desired: "RUNNING" }, containers: [c("a")], observed })),
    ).toEqual(["set-limits:a", "start:a", "mark-running"]);
  });

  it("stops running containers when the environment is stopped", () => {
    const observed = new Map<string, ObservedContainerState>([["hp-a", { state: "running", limits }]]);
    expect(
      kinds(
        planEnvironment({
          environment: { id: "e", desired: "STOPPED" },
          containers: [c("a", { desired: "STOPPED" })],
          observed,
        }),
      ),
    ).toEqual(["stop:a", "mark-stopped"]);
  });

  it("deletes newest first and releases even what the engine no longer has", () => {
    const observed = new Map<string, ObservedContainerState>([["hp-a", { state: "running", limits }]]);
    const steps = planEnvironment({
      environment: { id: "e", desired: "DELETED" },
      containers: [c("a"), c("b", { ordinal: 1 })],
      observed,
    });
    expect(kinds(steps)).toEqual(["release:b", "destroy:a", "release:a", "finalize-delete"]);
  });

  it("restarts only running containers that the operation names", () => {
    const observed = new Map<string, ObservedContainerState>([
      ["hp-a", { state: "running", limits }],
      ["hp-b", { state: "running", limits }],
    ]);
    const steps = planEnvironment({
      environment: { id: "e", desired: "RUNNING" },
      containers: [c("a"), c("b", { ordinal: 1 })],
      observed,
      restart: new Set(["b"]),
    });
    expect(kinds(steps)).toEqual(["restart:b", "mark-running"]);
  });

  it("converges: after applying any plan, the next plan has only the final bookkeeping step", () => {
    const state = fc.constantFrom("running", "stopped", "absent");
    const desired = fc.constantFrom("RUNNING", "STOPPED", "DELETED");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(state, desired, fc.integer({ min: 1, max: 4 })), { minLength: 0, maxLength: 8 }),
        desired,
        (rows, envDesired) => {
          const containers = rows.map(([, d, dyn], i) =>
            c(`c${i}`, {
              ordinal: i,
              desired: d as DesiredContainer["desired"],
              limits: { ...limits, dynamicCloudlets: dyn },
            }),
          );
          const observed = new Map<string, ObservedContainerState>();
          rows.forEach(([s], i) => {
            if (s !== "absent") observed.set(`hp-c${i}`, { state: s as "running" | "stopped", limits });
          });
          const env = { id: "e", desired: envDesired as DesiredContainer["desired"] };
          for (const step of planEnvironment({ environment: env, containers, observed }))
            applyStepToObserved({ step, containers, observed });
          // Released rows are gone from the database after a plan ran.
          const remaining = containers.filter((x) => envDesired !== "DELETED" && x.desired !== "DELETED");
          const again = planEnvironment({ environment: env, containers: remaining, observed });
          expect(again).toHaveLength(1);
          expect(["mark-running", "mark-stopped", "finalize-delete"]).toContain(again[0].kind);
          if (envDesired === "DELETED") expect(observed.size).toBe(0);
        },
      ),
    );
  });
});
