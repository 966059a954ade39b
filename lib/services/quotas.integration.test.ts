import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import * as userActions from "@/lib/actions/users";
import { executeAction, type ActionActor } from "@/lib/actions/define";
import { ZQuotaLimits, ZSetUserQuotaInput } from "@/lib/validation/quotas";
import { deleteUser, setDefaultQuota, setSignupEnabled, setUserQuota } from "./quotas";
import { getDefaultQuota, isSignupEnabled } from "@/lib/db/settings";
import { createUser } from "./users";
import { createEnvironment } from "./environments";
import { ZCreateEnvironmentInput } from "@/lib/validation/environments";

const run = Date.now().toString(36);
let admin: ActionActor;
let developer: ActionActor;

beforeAll(async () => {
  admin = await db.user.create({
    data: { email: `admin-${run}@quotas.test`, name: "Admin", role: "ADMIN" },
    select: { id: true, email: true, role: true },
  });
  developer = await db.user.create({
    data: { email: `dev-${run}@quotas.test`, name: "Dev", quota: { create: {} } },
    select: { id: true, email: true, role: true },
  });
});

afterAll(async () => {
  await db.setting.deleteMany({ where: { key: { in: ["defaultQuota", "signupEnabled"] } } });
  await disconnectDb();
});

const limits = {
  maxEnvironments: "2",
  maxCloudletsPerContainer: "4",
  maxContainersPerLayer: "3",
  maxReservedCloudlets: "12",
  maxDiskGib: "30",
};

describe("quotas and account settings", () => {
  it("sets a user's quota and records the change", async () => {
    await executeAction(userActions.setUserQuota, {
      actor: admin,
      input: { userId: developer.id, ...limits },
      ip: "10.2.2.2",
    });
    expect(await db.quota.findUniqueOrThrow({ where: { userId: developer.id } })).toMatchObject({
      maxEnvironments: 2,
      maxCloudletsPerContainer: 4,
      maxContainersPerLayer: 3,
      maxReservedCloudlets: 12,
    });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "user.quota.change", targetId: developer.id },
    });
    expect(audit).toMatchObject({ actorId: admin.id, ip: "10.2.2.2", result: "SUCCESS" });
    expect(audit.detail).toMatchObject({ from: { maxEnvironments: 10 }, to: { maxEnvironments: 2 } });
  });

  it("refuses bad quota input and changes nothing", async () => {
    await expect(
      executeAction(userActions.setUserQuota, {
        actor: admin,
        input: { userId: developer.id, ...limits, maxEnvironments: "-1" },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { maxEnvironments: expect.any(Array) } });
    expect((await db.quota.findUniqueOrThrow({ where: { userId: developer.id } })).maxEnvironments).toBe(2);
    await expect(
      executeAction(userActions.setUserQuota, { actor: admin, input: { userId: "missing", ...limits } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("default quota applies to new accounts; the sign-up switch is honoured", async () => {
    await executeAction(userActions.setDefaultQuota, {
      actor: admin,
      input: {
        maxEnvironments: "1",
        maxCloudletsPerContainer: "2",
        maxContainersPerLayer: "2",
        maxReservedCloudlets: "4",
        maxDiskGib: "20",
      },
    });
    expect(await getDefaultQuota()).toEqual({
      maxEnvironments: 1,
      maxCloudletsPerContainer: 2,
      maxContainersPerLayer: 2,
      maxReservedCloudlets: 4,
      maxDiskGib: 20,
    });
    const fresh = await createUser({ email: `new-${run}@quotas.test`, name: "New", password: null });
    expect(await db.quota.findUniqueOrThrow({ where: { userId: fresh.id } })).toMatchObject({
      maxEnvironments: 1,
      maxReservedCloudlets: 4,
      maxDiskGib: 20,
    });

    await setSignupEnabled({ actor: admin, enabled: false });
    expect(await isSignupEnabled()).toBe(false);
    await expect(
      createUser({ email: `self-${run}@quotas.test`, name: "Self", password: "granite-otter-41", selfService: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await setSignupEnabled({ actor: admin, enabled: true });
    expect(await isSignupEnabled()).toBe(true);
  });

  it("checks the quota before capacity, counts disk in it and caps disk per container", async () => {
    // A region with no hardware node at all: anything that passes the quota answers NO_CAPACITY.
    const region = await db.region.create({ data: { name: `q-empty-${run}` } });
    const layer = (over: object) => ({
      name: "cp",
      stack: "busybox",
      count: 1,
      reservedCloudlets: 1,
      dynamicCloudlets: 2,
      diskGib: 10,
      ...over,
    });
    const ask = (name: string, over: object, ...more: object[]) =>
      createEnvironment({
        actor: developer,
        input: ZCreateEnvironmentInput.parse({ name, regionId: region.id, layers: [layer(over), ...more.map(layer)] }),
      });
    const before = await db.environment.count();
    // Over the per-user disk (30 GiB) and fitting no node: the quota answers, naming the disk.
    await expect(ask("big-disk", { count: 2, diskGib: 20 })).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringContaining("at most 30 GiB of disk in total (this would make 40 GiB)"),
    });
    // Over the reserved cloudlets (12) too: still QUOTA_EXCEEDED, not NO_CAPACITY.
    await expect(
      ask(
        "big-cpu",
        { count: 3, reservedCloudlets: 4, dynamicCloudlets: 4, diskGib: 1 },
        { name: "db", count: 1, reservedCloudlets: 2, dynamicCloudlets: 2, diskGib: 1 },
      ),
    ).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      message: expect.stringContaining("at most 12 reserved cloudlets in total (this would make 14)"),
    });
    // Within quota: now capacity is what refuses.
    await expect(ask("fits-quota", { diskGib: 10 })).rejects.toMatchObject({ code: "NO_CAPACITY" });
    expect(await db.environment.count()).toBe(before);
    // One container may not ask for more than 256 GiB, whatever the quota.
    const huge = ZCreateEnvironmentInput.safeParse({
      name: "huge",
      regionId: region.id,
      layers: [layer({ diskGib: 1024 })],
    });
    expect(huge.success).toBe(false);
    expect(huge.error!.issues[0].message).toBe("At most 256 GiB of disk per container.");
    await db.region.delete({ where: { id: region.id } });
  });

  it("deletes a user only when they own no environments", async () => {
    const region = (await db.region.findFirst()) ?? (await db.region.create({ data: { name: `q-${run}` } }));
    const owner = await db.user.create({ data: { email: `owner-${run}@quotas.test`, name: "Owner" } });
    const env = await db.environment.create({ data: { name: `env-${run}`, ownerId: owner.id, regionId: region.id } });
    await expect(deleteUser({ actor: admin, userId: owner.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("1 environment"),
    });
    expect(await db.user.count({ where: { id: owner.id } })).toBe(1);
    await expect(deleteUser({ actor: admin, userId: admin.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await db.environment.delete({ where: { id: env.id } });
    await expect(deleteUser({ actor: admin, userId: owner.id, confirmEmail: "someone@else" })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { confirmEmail: expect.any(Array) },
    });
    await deleteUser({ actor: admin, userId: owner.id, confirmEmail: owner.email });
    expect(await db.user.count({ where: { id: owner.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "user.delete", targetId: owner.id, result: "SUCCESS" } })).toBe(
      1,
    );
  });

  it("a developer gets FORBIDDEN from every quota service and nothing changes", async () => {
    const calls = [
      () =>
        setUserQuota({
          actor: developer,
          input: ZSetUserQuotaInput.parse({ userId: developer.id, ...limits, maxEnvironments: "999" }),
        }),
      () => setDefaultQuota({ actor: developer, input: ZQuotaLimits.parse(limits) }),
      () => setSignupEnabled({ actor: developer, enabled: false }),
      () => deleteUser({ actor: developer, userId: admin.id }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.quota.findUniqueOrThrow({ where: { userId: developer.id } })).maxEnvironments).toBe(2);
    expect(await isSignupEnabled()).toBe(true);
    expect(await db.user.count({ where: { id: admin.id } })).toBe(1);
  });
});
