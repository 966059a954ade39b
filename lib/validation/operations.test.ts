import { describe, expect, it } from "vitest";
import {
  containersToRestart,
  createdContainers,
  InvalidOperationInput,
  OPERATION_KINDS,
  operationRow,
  parseOperation,
  parseStep,
  stepContainerId,
  stepRow,
} from "./operations";

describe("operation input union", () => {
  it("parses every kind in the shape the services write it", () => {
    const rows = [
      { kind: "CREATE", input: { requestId: "r1", containerIds: ["c1", "c2"], name: "shop" } },
      { kind: "START", input: {} },
      { kind: "STOP", input: { containerId: "c1" } },
      { kind: "RESTART", input: { restart: ["c1"], layerId: "l1" } },
      { kind: "SCALE", input: { layerId: "l1", from: 1, to: 3, containerIds: ["c2", "c3"] } },
      { kind: "SCALE", input: { layerId: "l1", from: 3, to: 1, removed: ["c2", "c3"] } },
      { kind: "RESIZE", input: { layerId: "l1", reservedCloudlets: 2, dynamicCloudlets: 8 } },
      { kind: "DELETE", input: { name: "shop" } },
      { kind: "RETRY", input: { retryOf: "op1", kind: "CREATE" } },
      { kind: "REPAIR", input: { containerId: "c1", reason: "missing" } },
      { kind: "REPAIR", input: { restart: ["c1"], reason: "port 80 did not answer 3 times" } },
      { kind: "ROLLBACK", input: { rollbackOf: "op1", containerIds: ["c1"] } },
      { kind: "MIGRATE", input: { moves: [{ containerId: "c1", toNodeId: "n2" }], fromNodeId: "n1", parentId: null } },
      { kind: "EVACUATE", input: { moves: 4 } },
      { kind: "TEMPLATE", input: { stackId: "nginx", buildMs: 12_000 } },
      { kind: "DEPLOY", input: { layerId: "l1", releaseId: "r1", batch: 1, restart: false } },
      { kind: "DEPLOY", input: { layerId: "l1", releaseId: null, rollbackOf: "r2", batch: 2, restart: true } },
    ];
    for (const row of rows) expect(parseOperation(row)).toEqual(row);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(OPERATION_KINDS));
  });

  it("narrows the input by kind", () => {
    const op = parseOperation({
      kind: "MIGRATE",
      input: { moves: [{ containerId: "c1", toNodeId: "n2" }], fromNodeId: "n1", parentId: "e1" },
    });
    expect(op.kind === "MIGRATE" && op.input.moves[0].toNodeId).toBe("n2");
    expect(
      createdContainers(
        parseOperation({ kind: "SCALE", input: { layerId: "l", from: 1, to: 2, containerIds: ["c9"] } }),
      ),
    ).toEqual(["c9"]);
    expect(createdContainers(parseOperation({ kind: "DELETE", input: { name: "x" } }))).toEqual([]);
    expect(containersToRestart(parseOperation({ kind: "RESTART", input: { restart: ["a", "b"] } }))).toEqual([
      "a",
      "b",
    ]);
    expect(containersToRestart(parseOperation({ kind: "START", input: {} }))).toEqual([]);
  });

  it("refuses a malformed input with an error naming the operation and the field", () => {
    const bad = () =>
      parseOperation({ id: "op7", kind: "MIGRATE", input: { moves: [{ containerId: "c1" }], fromNodeId: "n1" } });
    expect(bad).toThrow(InvalidOperationInput);
    expect(bad).toThrow(/operation op7 \(MIGRATE\) has invalid input: moves\.0\.toNodeId: .*expected string/);
    expect(bad).toThrow(/parentId/);
    expect(() => parseOperation({ kind: "CREATE", input: { containerIds: "c1", name: "x", requestId: "r" } })).toThrow(
      /containerIds: .*expected array/,
    );
    expect(() => parseOperation({ kind: "EVACUATE", input: { moves: -1 } })).toThrow(/moves/);
  });

  it("refuses an unknown kind, listing the known ones", () => {
    expect(() => parseOperation({ kind: "FROBNICATE", input: {} })).toThrow(
      /kind: Invalid discriminator value.*'CREATE'/,
    );
  });

  it("validates on write too", () => {
    expect(operationRow("DELETE", { name: "shop" })).toEqual({ kind: "DELETE", input: { name: "shop" } });
    // A caller that gets around the types (e.g. JSON from elsewhere) is stopped before the row is written.
    expect(() => operationRow("RESIZE", { layerId: "l1", reservedCloudlets: 1.5, dynamicCloudlets: 2 })).toThrow(
      /new RESIZE operation has invalid input: reservedCloudlets/,
    );
  });
});

describe("step payload union", () => {
  it("writes and reads the planned steps the executor runs", () => {
    const container = stepRow({ kind: "start", containerId: "c1" });
    expect(container).toEqual({ kind: "start", input: { containerId: "c1", toNodeId: null } });
    expect(parseStep(container)).toEqual({ kind: "start", containerId: "c1", toNodeId: null });
    const move = stepRow({ kind: "migrate", containerId: "c1", toNodeId: "n2" });
    expect(parseStep(move)).toEqual({ kind: "migrate", containerId: "c1", toNodeId: "n2" });
    expect(parseStep(stepRow({ kind: "mark-running" }))).toEqual({
      kind: "mark-running",
      containerId: null,
      toNodeId: null,
    });
  });

  it("refuses a step that lacks the container it acts on, or an unknown kind", () => {
    expect(() => stepRow({ kind: "destroy" })).toThrow(/new destroy step has invalid input: containerId/);
    expect(() => parseStep({ id: "s1", kind: "migrate", input: { containerId: "c1", toNodeId: null } })).toThrow(
      /step s1 \(migrate\) has invalid input: toNodeId/,
    );
    expect(() => parseStep({ kind: "mark-stopped", input: { containerId: "c1" } })).toThrow(/containerId/);
    expect(() => parseStep({ kind: "reboot", input: {} })).toThrow(/Invalid discriminator value/);
  });

  it("reads the container of any recorded step, template phases included", () => {
    expect(stepContainerId({ containerId: "c1", toNodeId: null })).toBe("c1");
    expect(stepContainerId({})).toBeNull();
    expect(stepContainerId(null)).toBeNull();
  });
});
