// Regions (host groups): names, subnet pools, the default region and maintenance.
import { db, type Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, isAppError } from "@/lib/errors";
import {
  cidrContains,
  parseCidr,
  type CreateRegionInput,
  type RenameRegionInput,
  type SetDefaultRegionInput,
  type SetRegionStatusInput,
  type SetRegionRatiosInput,
  type SetRegionSubnetPoolInput,
} from "@/lib/validation/regions";
import { overAllocatedResources } from "@/lib/orchestrator/scheduler";
import { NODE_WITH_RATIOS, toSnapshot } from "./placement";
import type { AuditAction, AuditTargetType } from "@/lib/validation/audit";
import { recordAudit } from "./audit";
import { syncNetworkPolicies } from "./network-policy";

import type { Actor } from "@/lib/auth/actor";

/** The one Actor type (lib/auth/actor.ts); each admin service checks the role itself. */
export type AdminActor = Actor;

/**
 * Mutable context an admin mutation fills in so its audit event names the right target. A mutation
 * that writes in a transaction calls `commit(tx)` in it, last: its SUCCESS event then commits with
 * the change instead of after it.
 */
export type AuditContext = {
  targetId?: string | null;
  detail: Record<string, unknown>;
  commit: (tx: Pick<Db.Prisma.TransactionClient, "auditEvent">) => Promise<void>;
};

/**
 * Every admin mutation goes through here: role check first (inside the service, not only in the
 * page or action), then the work, then one AuditEvent with the result — failures included.
 */
export async function audited<T>(
  options: {
    actor: AdminActor;
    ip?: string | null;
    action: AuditAction;
    targetType: AuditTargetType;
    targetId?: string | null;
  },
  work: (ctx: AuditContext) => Promise<T>,
): Promise<T> {
  let committed = false;
  const record = (
    result: "SUCCESS" | "FAILURE",
    extra: Record<string, unknown> = {},
    client?: Pick<Db.Prisma.TransactionClient, "auditEvent">,
  ) =>
    recordAudit(
      {
        actorId: options.actor.id,
        actorEmail: options.actor.email,
        action: options.action,
        targetType: options.targetType,
        targetId: ctx.targetId,
        result,
        ip: options.ip,
        detail: { ...ctx.detail, ...extra },
      },
      client,
    );
  const ctx: AuditContext = {
    targetId: options.targetId ?? null,
    detail: {},
    commit: async (tx) => {
      await record("SUCCESS", {}, tx);
      committed = true;
    },
  };
  try {
    if (options.actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can do this.");
    const value = await work(ctx);
    if (!committed) await record("SUCCESS");
    return value;
  } catch (error) {
    await record("FAILURE", { error: isAppError(error) ? error.message : "unexpected error" }).catch(() => undefined);
    throw error;
  }
}

const nameTaken = (name: string) =>
  new AppError("CONFLICT", `A region named ${name} already exists.`, {
    fieldErrors: { name: [`A region named ${name} already exists.`] },
  });

async function requireRegion(regionId: string) {
  const region = await db.region.findUnique({ where: { id: regionId } });
  if (!region) throw new AppError("NOT_FOUND", "That region does not exist.");
  return region;
}

export async function createRegion(o: { actor: AdminActor; input: CreateRegionInput; ip?: string | null }) {
  return audited({ actor: o.actor, ip: o.ip, action: "region.create", targetType: "region" }, async (ctx) => {
    const { input } = o;
    ctx.detail = { name: input.name, subnetPool: input.subnetPool };
    try {
      const hasDefault = (await db.region.count({ where: { isDefault: true } })) > 0;
      const region = await db.region.create({
        data: { name: input.name, subnetPool: input.subnetPool, isDefault: !hasDefault },
        select: { id: true, name: true },
      });
      ctx.targetId = region.id;
      return region;
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
  });
}

export async function renameRegion(o: { actor: AdminActor; input: RenameRegionInput; ip?: string | null }) {
  return audited({ actor: o.actor, ip: o.ip, action: "region.rename", targetType: "region" }, async (ctx) => {
    const { input } = o;
    ctx.targetId = input.regionId;
    const region = await requireRegion(input.regionId);
    ctx.detail = { from: region.name, to: input.name };
    try {
      return await db.region.update({
        where: { id: region.id },
        data: { name: input.name, version: { increment: 1 } },
        select: { id: true, name: true },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
  });
}

/** A pool may only change when every node already in the region keeps its /24 inside it. */
export async function setRegionSubnetPool(o: {
  actor: AdminActor;
  input: SetRegionSubnetPoolInput;
  ip?: string | null;
}) {
  return audited({ actor: o.actor, ip: o.ip, action: "region.subnet-pool", targetType: "region" }, async (ctx) => {
    const { input } = o;
    ctx.targetId = input.regionId;
    const region = await requireRegion(input.regionId);
    ctx.detail = { from: region.subnetPool, to: input.subnetPool };
    const pool = parseCidr(input.subnetPool)!;
    const nodes = await db.hardwareNode.findMany({
      where: { regionId: region.id },
      select: { name: true, subnet: true },
    });
    const outside = nodes.filter((n) => {
      const subnet = parseCidr(n.subnet);
      return !subnet || !cidrContains(pool, subnet);
    });
    if (outside.length > 0) {
      const message = `These nodes' subnets would fall outside ${input.subnetPool}: ${outside.map((n) => `${n.name} (${n.subnet})`).join(", ")}.`;
      throw new AppError("CONFLICT", message, { fieldErrors: { subnetPool: [message] } });
    }
    return db.region.update({
      where: { id: region.id },
      data: { subnetPool: input.subnetPool, version: { increment: 1 } },
      select: { id: true, subnetPool: true },
    });
  });
}

/** Exactly one default region: both writes happen in one transaction. */
export async function setDefaultRegion(o: { actor: AdminActor; input: SetDefaultRegionInput; ip?: string | null }) {
  return audited({ actor: o.actor, ip: o.ip, action: "region.default", targetType: "region" }, async (ctx) => {
    const { input } = o;
    ctx.targetId = input.regionId;
    const region = await requireRegion(input.regionId);
    ctx.detail = { name: region.name };
    await db.$transaction([
      db.region.updateMany({ where: { isDefault: true, id: { not: region.id } }, data: { isDefault: false } }),
      db.region.update({ where: { id: region.id }, data: { isDefault: true } }),
    ]);
    return { id: region.id };
  });
}

export async function setRegionStatus(o: { actor: AdminActor; input: SetRegionStatusInput; ip?: string | null }) {
  return audited({ actor: o.actor, ip: o.ip, action: "region.status", targetType: "region" }, async (ctx) => {
    const { input } = o;
    ctx.targetId = input.regionId;
    const region = await requireRegion(input.regionId);
    ctx.detail = { name: region.name, from: region.status, to: input.status };
    return db.region.update({
      where: { id: region.id },
      data: { status: input.status, version: { increment: 1 } },
      select: { id: true, status: true },
    });
  });
}

/**
 * New allocation ratios for a region. Lowering one below what is already reserved is allowed: what
 * runs keeps running, and the nodes whose reserved total now exceeds physical × ratio are reported
 * (and shown) as over-allocated; placement puts nothing new on them until they drop below it.
 */
export async function setRegionAllocationRatios(o: {
  actor: AdminActor;
  input: SetRegionRatiosInput;
  ip?: string | null;
}): Promise<{ id: string; overAllocated: { id: string; name: string; resources: string[] }[] }> {
  return audited(
    { actor: o.actor, ip: o.ip, action: "region.allocation-ratios", targetType: "region" },
    async (ctx) => {
      const { regionId, ...ratios } = o.input;
      ctx.targetId = regionId;
      const region = await requireRegion(regionId);
      ctx.detail = {
        name: region.name,
        from: {
          cpuAllocationRatio: region.cpuAllocationRatio,
          ramAllocationRatio: region.ramAllocationRatio,
          diskAllocationRatio: region.diskAllocationRatio,
        },
        to: ratios,
      };
      const nodes = await db.$transaction(async (tx) => {
        await tx.region.update({ where: { id: region.id }, data: { ...ratios, version: { increment: 1 } } });
        const rows = await tx.hardwareNode.findMany({ where: { regionId: region.id }, include: NODE_WITH_RATIOS });
        const over = rows
          .map((n) => ({ id: n.id, name: n.name, resources: overAllocatedResources(toSnapshot(n)) }))
          .filter((n) => n.resources.length > 0);
        ctx.detail.overAllocated = over.map((n) => `${n.name} (${n.resources.join(", ")})`);
        await ctx.commit(tx);
        return over;
      });
      return { id: region.id, overAllocated: nodes };
    },
  );
}

/**
 * Outbound NAT on or off in a region: its lxc nodes' rules are replaced at once (and by every resync):
 * on, containers reach the outside world masqueraded behind their node; off, only their environment,
 * the ingress and what was published to them.
 */
export async function setRegionOutboundNat(o: {
  actor: AdminActor;
  input: { regionId: string; enabled: boolean };
  ip?: string | null;
}): Promise<{ enabled: boolean; applied: string[]; failed: { node: string; error: string }[] }> {
  return audited({ actor: o.actor, ip: o.ip, action: "region.outbound-nat", targetType: "region" }, async (ctx) => {
    const region = await requireRegion(o.input.regionId);
    ctx.targetId = region.id;
    ctx.detail = { name: region.name, enabled: o.input.enabled };
    await db.$transaction(async (tx) => {
      await tx.region.update({
        where: { id: region.id },
        data: { outboundNat: o.input.enabled, version: { increment: 1 } },
      });
      await ctx.commit(tx);
    });
    const nodes = await db.hardwareNode.findMany({ where: { regionId: region.id }, select: { id: true } });
    const result = await syncNetworkPolicies({ nodeIds: nodes.map((n) => n.id) });
    return { enabled: o.input.enabled, ...result };
  });
}

/** For the provisioning code: a region in maintenance accepts no new environments. */
export async function assertRegionAcceptsEnvironments(regionId: string): Promise<void> {
  const region = await db.region.findUnique({ where: { id: regionId }, select: { name: true, status: true } });
  if (!region)
    throw new AppError("NOT_FOUND", "That region does not exist.", {
      fieldErrors: { regionId: ["That region does not exist."] },
    });
  if (region.status !== "ACTIVE") {
    const message = `Region ${region.name} is in maintenance and accepts no new environments. Pick another region or try later.`;
    throw new AppError("CONFLICT", message, { fieldErrors: { regionId: [message] } });
  }
}
