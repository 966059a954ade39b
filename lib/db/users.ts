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
    select: {
      createdAt: true,
      quota: true,
      quotaUsage: { select: { environments: true, reservedCloudlets: true, diskGib: true } },
    },
  });
  if (!user) return null;
  return {
    createdAt: user.createdAt,
    quota: user.quota,
    environments: user.quotaUsage?.environments ?? 0,
    reservedCloudlets: user.quotaUsage?.reservedCloudlets ?? 0,
    diskGib: user.quotaUsage?.diskGib ?? 0,
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
  lastSignInAt: Date | null;
  /** A temporary password (admin reset) is waiting to be replaced. */
  mustChangePassword: boolean;
  environments: number;
  quota: QuotaView | null;
};

export type UserFilter = { query?: string; role?: "ADMIN" | "DEVELOPER"; status?: "ACTIVE" | "SUSPENDED" };

/** One page of users (oldest account first) matching the filter, and how many match in all. */
export async function listUsers(options: {
  actor: Actor;
  filter?: UserFilter;
  page?: number;
  pageSize?: number;
}): Promise<{ rows: UserListItem[]; total: number; pageSize: number }> {
  assertAdmin(options.actor);
  const f = options.filter ?? {};
  const q = f.query?.trim();
  const pageSize = Math.min(200, Math.max(1, options.pageSize ?? 25));
  const where = {
    ...(q
      ? {
          OR: [
            { email: { contains: q, mode: "insensitive" as const } },
            { name: { contains: q, mode: "insensitive" as const } },
          ],
        }
      : {}),
    ...(f.role ? { role: f.role } : {}),
    ...(f.status ? { status: f.status } : {}),
  };
  const [rows, total] = await Promise.all([
    db.user.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: (Math.max(1, options.page ?? 1) - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        status: true,
        createdAt: true,
        lastSignInAt: true,
        mustChangePassword: true,
        _count: { select: { environments: true } },
        quota: { select: QUOTA_LIMITS_SELECT },
      },
    }),
    db.user.count({ where }),
  ]);
  return { rows: rows.map(({ _count, ...u }) => ({ ...u, environments: _count.environments })), total, pageSize };
}

/** Panel-wide account settings for the Users page: default quota and the sign-up switch. */
export async function getAccountSettings(options: {
  actor: Actor;
}): Promise<{ defaultQuota: QuotaView; signupEnabled: boolean; signupForcedOffByEnv: boolean }> {
  assertAdmin(options.actor);
  const [defaultQuota, signupEnabled] = await Promise.all([getDefaultQuota(), isSignupEnabled()]);
  return { defaultQuota, signupEnabled, signupForcedOffByEnv: config.HOSTPLANE_SIGNUP === false };
}
