import { z } from "zod";

const id = z.string().trim().min(1, "Required.").max(64);

/** A value may hold up to 32 KiB (certificates, JSON); a name is a POSIX environment variable name. */
export const VARIABLE_VALUE_MAX_BYTES = 32 * 1024;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const VARIABLES_PER_SCOPE_MAX = 200;

/**
 * Names Hostplane sets itself in application containers: the generated connection strings, the
 * service port the balancer expects, and its own HOSTPLANE_* markers. A variable cannot shadow them.
 */
export function reservedVariableReason(name: string): string | null {
  if (/^(DATABASE_URL|REDIS_URL)(_[A-Z0-9_]+)?$/.test(name))
    return `${name} is generated from the environment's database or cache layer.`;
  if (name === "PORT") return "PORT is the port the balancer and the ingress reach the application on.";
  if (name.startsWith("HOSTPLANE_")) return "Names starting with HOSTPLANE_ are set by Hostplane.";
  return null;
}

export const ZVariableName = z
  .string()
  .trim()
  .min(1, "Name the variable.")
  .max(128, "A variable name has at most 128 characters.")
  .regex(VARIABLE_NAME, "Use letters, digits and _ only, not starting with a digit (a POSIX name).")
  .superRefine((name, ctx) => {
    const reason = reservedVariableReason(name);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  });

export const ZVariableValue = z
  .string()
  .refine((value) => !value.includes("\0"), "A value cannot contain a NUL character.")
  .refine((value) => Buffer.byteLength(value, "utf8") <= VARIABLE_VALUE_MAX_BYTES, "A value has at most 32 KiB.");

/**
 * One scope's variables as edited (the whole list replaces the scope's). A secret shown masked comes
 * back with `keep: true` and no value: its sealed value stays.
 */
export const ZSaveVariables = z
  .object({
    environmentId: id,
    /** null: the whole environment (every application layer). */
    layerId: id.nullable(),
    variables: z
      .array(
        z.union([
          z.object({ name: ZVariableName, value: ZVariableValue, secret: z.boolean().default(false) }),
          z.object({ name: ZVariableName, keep: z.literal(true), secret: z.literal(true) }),
        ]),
      )
      .max(VARIABLES_PER_SCOPE_MAX, `At most ${VARIABLES_PER_SCOPE_MAX} variables per scope.`),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.variables.forEach((v, index) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: "custom", path: ["variables", index, "name"], message: `${v.name} is listed twice.` });
      seen.add(v.name);
    });
  });
export type SaveVariablesInput = z.input<typeof ZSaveVariables>;

export type VariableView = { name: string; value: string | null; secret: boolean };

/** What the Variables card shows per scope; generated variables are read-only and masked. */
export type VariableScopeView = {
  layerId: string | null;
  name: string;
  variables: VariableView[];
  generated: { name: string; from: string }[];
};
