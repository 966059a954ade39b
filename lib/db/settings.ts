// Run-time settings an admin can change; environment variables win where they are set.
import { db } from "./client";
import { config } from "@/lib/config";
import type { QuotaLimits } from "@/lib/validation/quotas";

export type DefaultQuota = QuotaLimits;

export const BUILTIN_DEFAULT_QUOTA: DefaultQuota = {
  maxEnvironments: 10,
  maxCloudletsPerContainer: 16,
  maxContainersPerLayer: 16,
  maxReservedCloudlets: 64,
  maxDiskGib: 200,
};

async function readSetting<T>(key: string): Promise<T | null> {
  const row = await db.setting.findUnique({ where: { key } });
  return row ? (row.value as T) : null;
}

export async function writeSetting(key: string, value: unknown): Promise<void> {
  await db.setting.upsert({
    where: { key },
    create: { key, value: value as object },
    update: { value: value as object },
  });
}

export async function isSignupEnabled(): Promise<boolean> {
  if (config.HOSTPLANE_SIGNUP === false) return false;
  return (await readSetting<boolean>("signupEnabled")) ?? true;
}

export async function getDefaultQuota(): Promise<DefaultQuota> {
  return { ...BUILTIN_DEFAULT_QUOTA, ...((await readSetting<Partial<DefaultQuota>>("defaultQuota")) ?? {}) };
}
