import { STACKS } from "@/lib/stacks/catalog";
import { z } from "zod";
import { ZNodeSubnet } from "./regions";

/** Form fields arrive as strings; an empty field means "not given". */
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : typeof v === "string" ? v.trim() : v);
/** A checkbox: a boolean from code, "on" from a form; anything else ("false", "1") is refused, never guessed. */
const checkbox = z.union([z.boolean(), z.literal("on").transform(() => true)], { error: "Tick the box or leave it." });

function optionalInt(options: { min: number; max: number; unit?: string }) {
  const unit = options.unit ? ` ${options.unit}` : "";
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: "Enter a whole number." })
      .int("Enter a whole number.")
      .min(options.min, `At least ${options.min}${unit}.`)
      .max(options.max, `At most ${options.max}${unit}.`)
      .optional(),
  );
}

/** Node names are DNS labels: they appear in host names, messages and default paths. */
export const ZNodeName = z
  .string({ error: "Enter a name." })
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(32, "Use at most 32 characters.")
  .regex(
    /^[a-z][a-z0-9-]*[a-z0-9]$/,
    "Use lower-case letters, digits and hyphens; start with a letter, end with a letter or digit.",
  );

const LABEL_KEY = /^[a-z0-9][a-z0-9._-]{0,31}$/i;
const LABEL_VALUE = /^[A-Za-z0-9._-]{0,63}$/;

/** "zone=a, disk=ssd" (commas or new lines) → { zone: "a", disk: "ssd" }; throws a readable message. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const raw of text.split(/[,\n]/)) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`"${item}" is not key=value.`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!LABEL_KEY.test(key))
      throw new Error(`Label key "${key}": use letters, digits, dots, dashes or underscores (at most 32).`);
    if (!LABEL_VALUE.test(value))
      throw new Error(`Label value "${value}": use letters, digits, dots, dashes or underscores (at most 63).`);
    if (key in labels) throw new Error(`Label "${key}" appears twice.`);
    labels[key] = value;
  }
  if (Object.keys(labels).length > 20) throw new Error("At most 20 labels.");
  return labels;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

export const ZLabels = z
  .preprocess((v) => (v === undefined || v === null ? "" : v), z.union([z.string(), z.record(z.string(), z.string())]))
  .transform((v, ctx) => {
    try {
      return typeof v === "string" ? parseLabels(v) : parseLabels(formatLabels(v));
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

export const ZLxcPath = z
  .string()
  .trim()
  .max(200, "At most 200 characters.")
  .regex(/^\/(?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+$/, "Use an absolute path like /var/lib/hostplane/lxc/hn-2.")
  .refine(
    (p) => !p.split("/").includes("..") && p.split("/").length >= 3,
    "Use a dedicated directory at least two levels deep, without '..'.",
  );

/** Linux allows 15 characters for an interface name; the hp- prefix marks Hostplane's bridges. */
export const ZBridgeName = z
  .string()
  .trim()
  .regex(
    /^hp-[a-z0-9][a-z0-9-]{0,11}$/,
    "Use hp- followed by 1–12 lower-case letters, digits or hyphens (15 characters at most).",
  );

export const ZSshHost = z
  .string()
  .trim()
  .max(253)
  .regex(/^[A-Za-z0-9_.:[\]][A-Za-z0-9_.:[\]-]*$/, "Enter a host name or IP address.");

const connectionShape = {
  name: ZNodeName,
  engine: z.enum(["lxc", "virtuozzo", "sim"], { error: "Pick an engine." }),
  transport: z.enum(["local", "ssh"], { error: "Pick a transport." }),
  sshHost: z.preprocess(blankToUndefined, ZSshHost.optional()),
  sshPort: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: "Enter a port number." })
      .int("Enter a port number.")
      .min(1, "Ports are 1–65535.")
      .max(65535, "Ports are 1–65535.")
      .default(22),
  ),
  sshUser: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "Enter a Unix user name.")
      .default("root"),
  ),
  sshPrivateKey: z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(16_000, "That key is too long.")
      .refine(
        (k) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(k),
        "Paste a private key in OpenSSH or PEM format (-----BEGIN … PRIVATE KEY-----).",
      )
      // Browsers send textarea text with CRLF; OpenSSH wants LF and a final newline.
      .transform((k) => `${k.replace(/\r\n?/g, "\n").trim()}\n`)
      .optional(),
  ),
  lxcPath: z.preprocess(blankToUndefined, ZLxcPath.optional()),
};

type ConnectionFields = { engine: string; transport: string; sshHost?: string; sshPrivateKey?: string };

function refineConnection(value: ConnectionFields, ctx: z.RefinementCtx) {
  if (value.engine === "sim" && value.transport !== "local") {
    ctx.addIssue({
      code: "custom",
      path: ["transport"],
      message: "The simulated engine runs inside the panel: choose the local transport.",
    });
  }
  if (value.transport === "ssh") {
    if (!value.sshHost) ctx.addIssue({ code: "custom", path: ["sshHost"], message: "Enter the host to connect to." });
    if (!value.sshPrivateKey)
      ctx.addIssue({
        code: "custom",
        path: ["sshPrivateKey"],
        message: "Paste the private key the panel logs in with.",
      });
  }
}

// Run the cross-field checks even when another field failed, so every problem shows at once.
const always = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };

export const ZNodeConnectionInput = z.object(connectionShape).superRefine(refineConnection, always);
export type NodeConnectionInput = z.infer<typeof ZNodeConnectionInput>;

const capacityShape = {
  ramMib: optionalInt({ min: 128, max: 64 * 1024 * 1024, unit: "MiB" }),
  cores: optionalInt({ min: 1, max: 4096, unit: "cores" }),
  mhzPerCore: optionalInt({ min: 100, max: 10_000, unit: "MHz" }),
  diskGib: optionalInt({ min: 1, max: 1024 * 1024, unit: "GiB" }),
  maxContainers: optionalInt({ min: 1, max: 10_000, unit: "containers" }),
  overcommitRatio: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: "Enter a number like 1.5." })
      .min(1, "At least 1.0 (no overcommit).")
      .max(4, "At most 4.0.")
      .optional(),
  ),
};

export const ZEnrolNodeInput = z
  .object({
    ...connectionShape,
    ...capacityShape,
    regionId: z.string({ error: "Pick a region." }).min(1, "Pick a region.").max(64),
    bridge: z.preprocess(blankToUndefined, ZBridgeName.optional()),
    subnet: z.preprocess(blankToUndefined, ZNodeSubnet.optional()),
    labels: ZLabels,
    hostKeyFingerprint: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "Test the connection to get the host key fingerprint.")
        .optional(),
    ),
    confirmFingerprint: checkbox.default(false),
  })
  .superRefine((value, ctx) => {
    refineConnection(value, ctx);
    if (value.transport === "ssh") {
      if (!value.hostKeyFingerprint)
        ctx.addIssue({
          code: "custom",
          path: ["hostKeyFingerprint"],
          message: "Test the connection first: the host key fingerprint must be confirmed.",
        });
      else if (!value.confirmFingerprint)
        ctx.addIssue({
          code: "custom",
          path: ["confirmFingerprint"],
          message: "Compare the fingerprint with the node's own and confirm it.",
        });
    }
  }, always);
export type EnrolNodeInput = z.infer<typeof ZEnrolNodeInput>;

export const ZNodeId = z.string().min(1).max(64);

export const ZUpdateNodeInput = z.object({ nodeId: ZNodeId, ...capacityShape, labels: ZLabels.optional() });
export type UpdateNodeInput = z.infer<typeof ZUpdateNodeInput>;

export const ZSetNodeStatusInput = z.object({ nodeId: ZNodeId, status: z.enum(["ACTIVE", "MAINTENANCE"]) });
export const ZDecommissionNodeInput = z.object({ nodeId: ZNodeId, confirmName: z.string().trim().max(64) });
export const ZNodeIdInput = z.object({ nodeId: ZNodeId });

/** Stacks with a per-node Debian template: the only names a template action accepts. */
export const TEMPLATE_STACK_IDS = STACKS.filter((s) => s.debianTemplate).map((s) => s.id) as [string, ...string[]];
export const ZNodeTemplateInput = z.object({
  nodeId: ZNodeId,
  stackId: z.enum(TEMPLATE_STACK_IDS, { error: "Pick a stack that has a template." }),
});
export type NodeTemplateInput = z.infer<typeof ZNodeTemplateInput>;

export function defaultLxcPath(name: string): string {
  return `/var/lib/hostplane/lxc/${name}`;
}

/** hp-<name, cut to 12>, then hp-<name cut shorter><n> until one is free: always ≤ 15 characters. */
export function pickBridgeName(options: { name: string; taken: Iterable<string> }): string {
  const taken = new Set(options.taken);
  const stem = options.name.replace(/[^a-z0-9-]/g, "").replace(/-+$/, "") || "node";
  const first = `hp-${stem.slice(0, 12)}`.replace(/-+$/, "");
  if (!taken.has(first)) return first;
  for (let n = 1; n < 10_000; n++) {
    const suffix = String(n);
    const candidate = `hp-${stem.slice(0, 12 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error("no free bridge name");
}
