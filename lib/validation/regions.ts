import { z } from "zod";

/** Region names: a DNS label, so they can become part of host names later. */
export const ZRegionName = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(32, "Use at most 32 characters.")
  .regex(
    /^[a-z][a-z0-9-]*[a-z0-9]$/,
    "Use lower-case letters, digits and hyphens; start with a letter, end with a letter or digit.",
  );

export type Cidr = { base: number; prefix: number };

const ipToInt = (parts: number[]) => ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
export const intToIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** Parses "a.b.c.d/p"; null when malformed or when host bits are set (10.213.5.0/16 is a typo, not a pool). */
export function parseCidr(text: string): Cidr | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const parts = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (parts.some((p) => p > 255) || prefix > 32) return null;
  const base = ipToInt(parts);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((base & mask) >>> 0 !== base) return null;
  return { base, prefix };
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (inner.prefix < outer.prefix) return false;
  const mask = outer.prefix === 0 ? 0 : (0xffffffff << (32 - outer.prefix)) >>> 0;
  return (inner.base & mask) >>> 0 === outer.base;
}

const PRIVATE_10 = { base: ipToInt([10, 0, 0, 0]), prefix: 8 };

/**
 * A region's subnet pool: a CIDR inside 10.0.0.0/8 big enough for at least two /24s (prefix 8–23),
 * because the pool's first /24 is never handed to a node (see nextFreeSubnet).
 */
export const ZSubnetPool = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const cidr = parseCidr(value);
    if (!cidr)
      return void ctx.addIssue({ code: "custom", message: "Write a network like 10.213.0.0/16 (no host bits set)." });
    if (!cidrContains(PRIVATE_10, cidr))
      return void ctx.addIssue({ code: "custom", message: "The pool must lie inside 10.0.0.0/8." });
    if (cidr.prefix > 23)
      ctx.addIssue({ code: "custom", message: "The pool must hold at least two /24 networks (prefix /8 to /23)." });
  });

/** A node subnet: exactly one /24 inside 10.0.0.0/8. */
export const ZNodeSubnet = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const cidr = parseCidr(value);
    if (!cidr || cidr.prefix !== 24)
      return void ctx.addIssue({ code: "custom", message: "Write a /24 network like 10.213.7.0/24." });
    if (!cidrContains(PRIVATE_10, cidr))
      ctx.addIssue({ code: "custom", message: "The subnet must lie inside 10.0.0.0/8." });
  });

/**
 * The node /24 rule: walk the pool's /24s in ascending order, skip the pool's first /24 (x.y.0.0/24
 * for a /16: it holds network and infrastructure addresses and is easy to confuse with the pool
 * itself), and take the first one no node uses. Null when the pool is full.
 */
export function nextFreeSubnet(options: { pool: string; used: Iterable<string> }): string | null {
  const pool = parseCidr(options.pool);
  if (!pool || pool.prefix > 23) return null;
  const used = new Set([...options.used].map((s) => s.trim()));
  const count = 2 ** (24 - pool.prefix);
  for (let i = 1; i < count; i++) {
    const candidate = `${intToIp((pool.base + i * 256) >>> 0)}/24`;
    if (!used.has(candidate)) return candidate;
  }
  return null;
}

export const ZCreateRegionInput = z.object({ name: ZRegionName, subnetPool: ZSubnetPool.default("10.213.0.0/16") });
export type CreateRegionInput = z.infer<typeof ZCreateRegionInput>;

export const ZRegionId = z.string().min(1).max(64);
export const ZRenameRegionInput = z.object({ regionId: ZRegionId, name: ZRegionName });
export const ZSetRegionSubnetPoolInput = z.object({ regionId: ZRegionId, subnetPool: ZSubnetPool });
export const ZSetRegionStatusInput = z.object({ regionId: ZRegionId, status: z.enum(["ACTIVE", "MAINTENANCE"]) });
export const ZSetDefaultRegionInput = z.object({ regionId: ZRegionId });
export type RenameRegionInput = z.infer<typeof ZRenameRegionInput>;
export type SetRegionSubnetPoolInput = z.infer<typeof ZSetRegionSubnetPoolInput>;
export type SetRegionStatusInput = z.infer<typeof ZSetRegionStatusInput>;
export type SetDefaultRegionInput = z.infer<typeof ZSetDefaultRegionInput>;

/** An allocation ratio from a form field: a number with at most two decimals in [min, max]. */
const ratio = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `Enter the ${what} ratio as a number like ${min === 1 ? "4" : "1.0"}.` })
    .refine((n) => Number.isFinite(n), { message: `Enter the ${what} ratio as a number.` })
    .refine((n) => n >= min && n <= max, { message: `The ${what} ratio must be between ${min} and ${max}.` })
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { message: "Use at most two decimals." });

/**
 * Allocation ratios of a region: placement may reserve physical × ratio per resource. CPU is
 * commonly overcommitted (OpenStack: 4.0 for new deployments, 16.0 historically); RAM and disk
 * above 1.0 promise memory and space that may not exist, so they are capped lower.
 */
export const ZSetRegionRatiosInput = z.object({
  regionId: ZRegionId,
  cpuAllocationRatio: ratio("CPU", 0.1, 32),
  ramAllocationRatio: ratio("RAM", 0.1, 2),
  diskAllocationRatio: ratio("disk", 0.1, 4),
});
export type SetRegionRatiosInput = z.infer<typeof ZSetRegionRatiosInput>;
