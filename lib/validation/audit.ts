import { z } from "zod";

export const ZAuditFilter = z.object({
  actor: z
    .string()
    .trim()
    .max(254)
    .optional()
    .transform((v) => v || undefined),
  action: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z0-9._-]*$/, "Actions are lower-case words joined by dots.")
    .optional()
    .transform((v) => v || undefined),
  result: z
    .enum(["SUCCESS", "FAILURE"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
});
export type AuditFilterInput = z.infer<typeof ZAuditFilter>;

/** RFC 4180 field quoting; a leading = + - @ is neutralised so spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  let s =
    value === null || value === undefined
      ? ""
      : value instanceof Date
        ? value.toISOString()
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
