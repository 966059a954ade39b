import { z } from "zod";

// An empty field is an error, not 0: z.coerce alone would turn "" into a quota of nothing.
const limit = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ error: `Enter the ${label} as a whole number.` })
      .int(`Enter the ${label} as a whole number.`)
      .min(0, "Use 0 or more (0 allows nothing).")
      .max(max, `At most ${max}.`),
  );

/** One cloudlet = 128 MiB + 400 MHz; the bounds keep a typo from granting a data centre. */
export const ZQuotaLimits = z.object({
  maxEnvironments: limit("environment limit", 1000),
  maxCloudletsPerContainer: limit("cloudlets per container", 256),
  maxContainersPerLayer: limit("containers per layer", 256),
  maxReservedCloudlets: limit("total reserved cloudlets", 100_000),
  maxDiskGib: limit("total disk in GiB", 1_000_000),
});
/** The one quota shape: a user's Quota row, the default quota setting, the forms and the wizard's checks. */
export type QuotaLimits = z.infer<typeof ZQuotaLimits>;

/** The limits of a quota row (drops ids and timestamps), e.g. for audit details. */
export function pickQuotaLimits(q: QuotaLimits): QuotaLimits {
  return {
    maxEnvironments: q.maxEnvironments,
    maxCloudletsPerContainer: q.maxCloudletsPerContainer,
    maxContainersPerLayer: q.maxContainersPerLayer,
    maxReservedCloudlets: q.maxReservedCloudlets,
    maxDiskGib: q.maxDiskGib,
  };
}

/** Prisma `select` for the quota columns. */
export const QUOTA_LIMITS_SELECT = {
  maxEnvironments: true,
  maxCloudletsPerContainer: true,
  maxContainersPerLayer: true,
  maxReservedCloudlets: true,
  maxDiskGib: true,
} as const satisfies Record<keyof QuotaLimits, true>;

export const ZUserId = z.string().min(1).max(64);

export const ZSetUserQuotaInput = ZQuotaLimits.extend({ userId: ZUserId });
export type SetUserQuotaInput = z.infer<typeof ZSetUserQuotaInput>;

export const ZSetSignupInput = z.object({ enabled: z.boolean() });
export const ZDeleteUserInput = z.object({ userId: ZUserId, confirmEmail: z.string().trim().toLowerCase().max(254) });
