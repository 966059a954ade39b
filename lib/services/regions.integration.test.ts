import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import {
  assertRegionAcceptsEnvironments,
  createRegion,
  renameRegion,
  setDefaultRegion,
  setRegionStatus,
  setRegionSubnetPool,
} from "./regions";
import type { Actor } from "@/lib/auth/actor";

const run = Date.now().toString(36);
let admin: Actor;
let developer: Actor;
let originalDefault: string | null;

beforeAll(async () => {
  admin = await db.user.create({
    data: { email: `admin-${run}@regions.test`, name: "Admin", role: "ADMIN" },
    select: { id: true, email: true, role: true },
  });
  developer = await db.user.create({
    data: { email: `dev-${run}@regions.test`, name: "Dev" },
    select: { id: true, email: true, role: true },
  });
  originalDefault = (await db.region.findFirst({ where: { isDefault: true } }))?.id ?? null;
});

afterAll(async () => {
  if (originalDefault) await setDefaultRegion({ actor: admin, input: { regionId: originalDefault } });
  await disconnectDb();
});

describe("regions", () => {
  it("creates, renames and refuses duplicates and bad pools with field errors", async () => {
    const r = await createRegion({
      actor: admin,
      input: { name: `eu-${run}`, subnetPool: "10.50.0.0/16" },
      ip: "10.1.1.1",
    });
    expect(await db.region.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({
      name: `eu-${run}`,
      subnetPool: "10.50.0.0/16",
      status: "ACTIVE",
    });
    await expect(createRegion({ actor: admin, input: { name: `eu-${run}` } })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { name: expect.any(Array) },
    });
    await expect(
      createRegion({ actor: admin, input: { name: `x-${run}`, subnetPool: "192.168.0.0/16" } }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { subnetPool: ["The pool must lie inside 10.0.0.0/8."] },
    });
    expect(await db.region.count({ where: { name: `x-${run}` } })).toBe(0);
    await renameRegion({ actor: admin, input: { regionId: r.id, name: `eu-west-${run}` } });
    expect((await db.region.findUniqueOrThrow({ where: { id: r.id } })).name).toBe(`eu-west-${run}`);
    expect(
      await db.auditEvent.count({
        where: { targetId: r.id, action: { in: ["region.create", "region.rename"] }, actorId: admin.id },
      }),
    ).toBe(2);
  });

  it("keeps exactly one default region", async () => {
    const a = await createRegion({ actor: admin, input: { name: `a-${run}` } });
    const b = await createRegion({ actor: admin, input: { name: `b-${run}` } });
    await setDefaultRegion({ actor: admin, input: { regionId: a.id } });
    await setDefaultRegion({ actor: admin, input: { regionId: b.id } });
    const defaults = await db.region.findMany({ where: { isDefault: true } });
    expect(defaults.map((d) => d.id)).toEqual([b.id]);
  });

  it("a region in maintenance accepts no new environments", async () => {
    const r = await createRegion({ actor: admin, input: { name: `m-${run}` } });
    await expect(assertRegionAcceptsEnvironments(r.id)).resolves.toBeUndefined();
    await setRegionStatus({ actor: admin, input: { regionId: r.id, status: "MAINTENANCE" } });
    await expect(assertRegionAcceptsEnvironments(r.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("maintenance"),
    });
    await setRegionStatus({ actor: admin, input: { regionId: r.id, status: "ACTIVE" } });
    await expect(assertRegionAcceptsEnvironments(r.id)).resolves.toBeUndefined();
    await expect(assertRegionAcceptsEnvironments("missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a subnet pool that would strand an existing node's /24", async () => {
    const r = await createRegion({ actor: admin, input: { name: `p-${run}`, subnetPool: "10.60.0.0/16" } });
    await db.hardwareNode.create({
      data: {
        name: `pn-${run}`,
        regionId: r.id,
        engine: "SIM",
        subnet: `10.60.${(Date.now() % 200) + 1}.0/24`,
        ramMib: 1024,
        cpuMhz: 1000,
        diskGib: 10,
      },
    });
    await expect(
      setRegionSubnetPool({ actor: admin, input: { regionId: r.id, subnetPool: "10.61.0.0/16" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { subnetPool: [expect.stringContaining(`pn-${run}`)] } });
    await setRegionSubnetPool({ actor: admin, input: { regionId: r.id, subnetPool: "10.60.0.0/15" } });
    expect((await db.region.findUniqueOrThrow({ where: { id: r.id } })).subnetPool).toBe("10.60.0.0/15");
    await db.hardwareNode.delete({ where: { name: `pn-${run}` } });
  });

  it("a developer gets FORBIDDEN from every region service and nothing changes", async () => {
    const r = await db.region.findFirstOrThrow({ where: { name: `m-${run}` } });
    const calls = [
      () => createRegion({ actor: developer, input: { name: `dev-${run}` } }),
      () => renameRegion({ actor: developer, input: { regionId: r.id, name: `dev2-${run}` } }),
      () => setRegionSubnetPool({ actor: developer, input: { regionId: r.id, subnetPool: "10.70.0.0/16" } }),
      () => setDefaultRegion({ actor: developer, input: { regionId: r.id } }),
      () => setRegionStatus({ actor: developer, input: { regionId: r.id, status: "MAINTENANCE" } }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.region.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({
      name: `m-${run}`,
      status: "ACTIVE",
      isDefault: false,
      subnetPool: "10.213.0.0/16",
    });
    expect(await db.region.count({ where: { name: `dev-${run}` } })).toBe(0);
  });
});
