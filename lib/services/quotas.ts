// Per-user quotas, the defaults new accounts get, the sign-up switch and deleting users.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { pickQuotaLimits, type QuotaLimits, type SetUserQuotaInput } from "@/lib/validation/quotas";
import { audited, type AdminActor } from "./regions";
import { writeSetting } from "@/lib/db/settings";

/** Lowering a quota never touches what already runs; it only limits what the user may add next. */
export async function setUserQuota(o: {
  actor: AdminActor;
  input: SetUserQuotaInput;
  ip?: string | null;
}): Promise<QuotaLimits> {
  const { userId } = o.input;
  return audited(
    { actor: o.actor, ip: o.ip, action: "user.quota.change", targetType: "user", targetId: userId },
    async (ctx) => {
      const { userId: id, ...limits } = o.input;
      const user = await db.user.findUnique({ where: { id }, select: { email: true, quota: true } });
      if (!user) throw new AppError("NOT_FOUND", "That user does not exist.");
      ctx.detail = { email: user.email, from: user.quota ? pickQuotaLimits(user.quota) : null, to: limits };
      await db.quota.upsert({ where: { userId: id }, create: { userId: id, ...limits }, update: limits });
      return limits;
    },
  );
}

/** The quota new accounts start with (Setting "defaultQuota"); existing accounts keep theirs. */
export async function setDefaultQuota(o: {
  actor: AdminActor;
  input: QuotaLimits;
  ip?: string | null;
}): Promise<QuotaLimits> {
  return audited(
    { actor: o.actor, ip: o.ip, action: "settings.default-quota", targetType: "setting", targetId: "defaultQuota" },
    async (ctx) => {
      const limits = o.input;
      ctx.detail = { to: limits };
      await writeSetting("defaultQuota", limits);
      return limits;
    },
  );
}

export async function setSignupEnabled(o: {
  actor: AdminActor;
  enabled: boolean;
  ip?: string | null;
}): Promise<{ enabled: boolean }> {
  return audited(
    { actor: o.actor, ip: o.ip, action: "settings.signup", targetType: "setting", targetId: "signupEnabled" },
    async (ctx) => {
      const { enabled } = o;
      ctx.detail = { enabled };
      await writeSetting("signupEnabled", enabled);
      return { enabled };
    },
  );
}

/**
 * Deletes an account that owns no environments (its containers would be orphaned otherwise).
 * The guard sits in the delete itself, so an environment created meanwhile keeps the account.
 * Audit events and operations keep their rows with the actor set to null.
 */
export async function deleteUser(o: { actor: AdminActor; userId: string; confirmEmail?: string; ip?: string | null }) {
  return audited(
    { actor: o.actor, ip: o.ip, action: "user.delete", targetType: "user", targetId: o.userId },
    async (ctx) => {
      const input = { userId: o.userId, confirmEmail: o.confirmEmail ?? "" };
      if (input.userId === o.actor.id) throw new AppError("CONFLICT", "You cannot delete your own account.");
      const user = await db.user.findUnique({
        where: { id: input.userId },
        select: { email: true, _count: { select: { environments: true } } },
      });
      if (!user) throw new AppError("NOT_FOUND", "That user does not exist.");
      ctx.detail = { email: user.email };
      if (o.confirmEmail !== undefined && input.confirmEmail !== user.email) {
        throw new AppError("VALIDATION", `Type ${user.email} to confirm.`, {
          fieldErrors: { confirmEmail: [`Type ${user.email} exactly to confirm.`] },
        });
      }
      const envs = user._count.environments;
      if (envs > 0)
        throw new AppError(
          "CONFLICT",
          `${user.email} still owns ${envs} environment${envs === 1 ? "" : "s"}. Delete them first (or suspend the account instead).`,
        );
      const deleted = await db.user.deleteMany({ where: { id: input.userId, environments: { none: {} } } });
      if (deleted.count !== 1)
        throw new AppError("CONFLICT", `${user.email} created an environment meanwhile; nothing was deleted.`);
      await db.loginAttempt.deleteMany({ where: { email: user.email } });
      return { id: input.userId };
    },
  );
}
