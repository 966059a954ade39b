import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "./client";
import { QUOTA_LIMITS_SELECT, type QuotaLimits } from "@/lib/validation/quotas";
import { getDefaultQuota, isSignupEnabled } from "./settings";
import { assertAdmin } from "./guard";
import { config } from "@/lib/config";

/** The user's quota and what they hold against it: the counters placement checks (QuotaUsage), not an aggregate. */
export async function getAccountSummary(userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { createdAt: true, quota: true, quotaUsage: { select: { environments: true, reservedCloudlets: true } } },
  });
  if (!user) return null;
  return {
    createdAt: user.createdAt,
    quota: user.quota,
    environments: user.quotaUsage?.environments ?? 0,
    reservedCloudlets: user.quotaUsage?.reservedCloudlets ?? 0,
  };
}

export type QuotaView = QuotaLimits;

export type UserListItem = {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "DEVELOPER";
  status: "ACTIVE" | "SUSPENDED";
  createdAt: Date;
  environments: number;
  quota: QuotaView | null;
};

export async function listUsers(options: { actor: Actor; query?: string; take?: number }): Promise<UserListItem[]> {
  assertAdmin(options.actor);
  const q = options.query?.trim();
  const rows = await db.user.findMany({
    where: q
      ? { OR: [{ email: { contains: q, mode: "insensitive" } }, { name: { contains: q, mode: "insensitive" } }] }
      : {},
    orderBy: { createdAt: "asc" },
    take: options.take ?? 200,
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      status: true,
      createdAt: true,
      _count: { select: { environments: true } },
      quota: { select: QUOTA_LIMITS_SELECT },
    },
  });
  return rows.map(({ _count, ...u }) => ({ ...u, environments: _count.environments }));
}

/** Panel-wide account settings for the Users page: default quota and the sign-up switch. */
export async function getAccountSettings(options: {
  actor: Actor;
}): Promise<{ defaultQuota: QuotaView; signupEnabled: boolean; signupForcedOffByEnv: boolean }> {
  assertAdmin(options.actor);
  const [defaultQuota, signupEnabled] = await Promise.all([getDefaultQuota(), isSignupEnabled()]);
  return { defaultQuota, signupEnabled, signupForcedOffByEnv: config.HOSTPLANE_SIGNUP === false };
}
