import { z } from "zod";

/**
 * Every audit action Hostplane records, with the type of its target. Adding an action is one line
 * here; recordAudit accepts nothing else. Names are dotted lower-case words, so the audit page's
 * prefix filter ("node.", "auth.signin") keeps working.
 */
export const AUDIT_ACTIONS = {
  "auth.signin": "user",
  "auth.signin.throttled": "user",
  "auth.signout": "user",
  "auth.github.link": "user",
  "auth.denied": "action",
  "bootstrap.admin.create": "user",
  "user.signup": "user",
  "user.password.change": "user",
  "user.password.reset": "user",
  "user.password.replace-temporary": "user",
  "user.role.change": "user",
  "user.suspend": "user",
  "user.reactivate": "user",
  "user.delete": "user",
  "user.quota.change": "user",
  "settings.default-quota": "setting",
  "settings.signup": "setting",
  "sshkey.add": "sshkey",
  "sshkey.remove": "sshkey",
  "environment.create": "environment",
  "environment.start": "environment",
  "environment.stop": "environment",
  "environment.restart": "environment",
  "environment.delete": "environment",
  "environment.https-redirect": "environment",
  "environment.domain.add": "environment",
  "environment.domain.remove": "environment",
  "environment.endpoint.add": "environment",
  "environment.endpoint.remove": "environment",
  "ingress.tcp-range": "setting",
  "region.tcp-endpoints": "region",
  "region.outbound-nat": "region",
  "layer.scale": "environment",
  "layer.resize": "environment",
  "layer.deploy": "environment",
  "layer.rollback": "environment",
  "layer.deploy-settings": "environment",
  "environment.variables": "environment",
  "environment.deploy-key": "environment",
  "container.start": "environment",
  "container.stop": "environment",
  "container.repair": "container",
  "container.unhealthy.restart": "container",
  "container.orphan.destroy": "container",
  "container.migrate": "node",
  "container.convert": "container",
  "node.network-policy": "node",
  "node.ingress-route": "node",
  "operation.retry": "environment",
  "operation.failed": "operation",
  "node.enrol": "node",
  "node.test-connection": "node",
  "node.update": "node",
  "node.status": "node",
  "node.decommission": "node",
  "node.refresh-facts": "node",
  "node.evacuate": "node",
  "node.template.rebuild": "node",
  "node.template.delete": "node",
  "node.offline": "node",
  "node.online": "node",
  "region.create": "region",
  "region.rename": "region",
  "region.subnet-pool": "region",
  "region.default": "region",
  "region.status": "region",
  "region.allocation-ratios": "region",
} as const satisfies Record<string, AuditTargetType>;

export type AuditTargetType =
  "user" | "setting" | "sshkey" | "environment" | "container" | "operation" | "node" | "region" | "action";
export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

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
