// The executor reads each operation through the typed input union: a row whose input does not fit
// its kind fails with the field named (and an audit event in the same transaction), and the
// environment's next operation still runs. No container is involved: the environment is empty.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { operationRow } from "@/lib/validation/operations";
import { makeRegion, makeUser } from "../../scripts/test/cluster-fixture";
import { processEnvironment } from "./executor";

let environmentId: string;
let userId: string;

beforeAll(async () => {
  const region = await makeRegion();
  const user = await makeUser();
  userId = user.id;
  const env = await db.environment.create({
    data: { name: `typed-${Date.now().toString(36)}`, ownerId: user.id, regionId: region.id, status: "UPDATING" },
  });
  environmentId = env.id;
});

afterAll(async () => {
  await db.environment.deleteMany({ where: { id: environmentId } });
  await disconnectDb();
});

describe("executor: typed operation input", () => {
  it("fails an operation whose stored input does not fit its kind, then runs the next one", async () => {
    // Written around the typed writers on purpose, as a hand-edited or legacy row would be.
    const broken = await db.operation.create({
      data: { kind: "REPAIR", environmentId, userId, input: { restart: "not-a-list" } },
    });
    const next = await db.operation.create({
      data: { ...operationRow("START", {}), environmentId, userId, createdAt: new Date(Date.now() + 1000) },
    });

    await processEnvironment(environmentId);

    const failed = await db.operation.findUniqueOrThrow({ where: { id: broken.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/input failed: operation .* \(REPAIR\) has invalid input: restart: .*expected array/);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "operation.failed", targetId: broken.id } });
    expect(audit.result).toBe("FAILURE");
    expect(audit.detail).toMatchObject({ kind: "REPAIR", environmentId });

    const succeeded = await db.operation.findUniqueOrThrow({
      where: { id: next.id },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    expect(succeeded.status).toBe("SUCCEEDED");
    expect(succeeded.steps.map((s) => [s.kind, s.status, s.input])).toEqual([
      ["mark-running", "SUCCEEDED", { containerId: null, toNodeId: null }],
    ]);
  });
});
