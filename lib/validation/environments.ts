import { z } from "zod";
import { getStack, STACK_IDS } from "@/lib/stacks/catalog";

/** The most disk one container may have (its sized image lives on the node's filesystem). */
export const MAX_DISK_GIB_PER_CONTAINER = 256;

/** DNS label: lower-case letters, digits and hyphens, starting with a letter, at most 40 characters. */
export const ZDnsLabel = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(40, "Use at most 40 characters.")
  .regex(
    /^[a-z][a-z0-9-]*[a-z0-9]$/,
    "Use lower-case letters, digits and hyphens; start with a letter, end with a letter or digit.",
  );

export const ZLayerName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9]{0,11}$/, "Layer names are 1–12 lower-case letters or digits, starting with a letter.");

export const ZLayerInput = z
  .object({
    name: ZLayerName,
    /** What the layer is for in the topology; defaults to the stack's role. */
    role: z.enum(["BALANCER", "APP", "SQL", "NOSQL", "CACHE", "STATIC", "CUSTOM"]).optional(),
    stack: z.enum(STACK_IDS),
    count: z.coerce.number().int().min(1, "At least 1 container.").max(64, "At most 64 containers."),
    reservedCloudlets: z.coerce.number().int().min(1).max(64),
    dynamicCloudlets: z.coerce.number().int().min(1).max(64),
    diskGib: z.coerce
      .number()
      .int("Disk is a whole number of GiB.")
      .min(1, "At least 1 GiB of disk.")
      .max(MAX_DISK_GIB_PER_CONTAINER, `At most ${MAX_DISK_GIB_PER_CONTAINER} GiB of disk per container.`),
    ha: z.boolean().default(false),
  })
  .refine((l) => l.dynamicCloudlets >= l.reservedCloudlets, {
    path: ["dynamicCloudlets"],
    message: "The dynamic limit cannot be below the reserved cloudlets.",
  });
export type LayerInput = z.infer<typeof ZLayerInput>;

const environmentShape = {
  name: ZDnsLabel,
  regionId: z.string().min(1, "Pick a region.").max(64),
  layers: z.array(ZLayerInput).min(1, "Add at least one layer.").max(8, "At most 8 layers."),
};

/** Unique layer names, and each stack's minimum reserved cloudlets. */
function checkLayers(v: { layers: LayerInput[] }, ctx: z.RefinementCtx) {
  if (new Set(v.layers.map((l) => l.name)).size !== v.layers.length)
    ctx.addIssue({ code: "custom", path: ["layers"], message: "Layer names must be unique." });
  v.layers.forEach((layer, index) => {
    const stack = getStack(layer.stack);
    if (stack && layer.reservedCloudlets < stack.minCloudlets)
      ctx.addIssue({
        code: "custom",
        path: ["layers", index, "reservedCloudlets"],
        message: `${stack.displayName} needs at least ${stack.minCloudlets} reserved cloudlets.`,
      });
  });
}

export const ZCreateEnvironmentInput = z.object(environmentShape).superRefine(checkLayers);
export type CreateEnvironmentInput = z.infer<typeof ZCreateEnvironmentInput>;

/** The wizard's submit (and placement preview): the environment plus one idempotency key per wizard session. */
export const ZCreateEnvironmentRequest = z
  .object({ ...environmentShape, idempotencyKey: z.uuid() })
  .superRefine(checkLayers);

/** The name check as the user types: any string; the answer says what is wrong with it. */
export const ZCheckNameInput = z.string().max(200);

export const ZEnvironmentId = z.string().min(1).max(64);
export const ZSetRunningInput = z.object({ environmentId: ZEnvironmentId, running: z.boolean() });
export const ZSetHttpsRedirectInput = z.object({ environmentId: ZEnvironmentId, enabled: z.boolean() });
export const ZDeleteEnvironmentInput = z.object({ environmentId: ZEnvironmentId, confirmName: z.string().max(100) });
export const ZRetryOperationInput = z.object({ environmentId: ZEnvironmentId, operationId: z.string().min(1).max(64) });

export const ZScaleLayerInput = z.object({
  environmentId: z.string().min(1).max(64),
  layerId: z.string().min(1).max(64),
  count: z.coerce.number().int().min(0, "At least 0 containers.").max(64),
});
export type ScaleLayerInput = z.infer<typeof ZScaleLayerInput>;

export const ZResizeLayerInput = z
  .object({
    environmentId: z.string().min(1).max(64),
    layerId: z.string().min(1).max(64),
    reservedCloudlets: z.coerce.number().int().min(1).max(64),
    dynamicCloudlets: z.coerce.number().int().min(1).max(64),
  })
  .refine((l) => l.dynamicCloudlets >= l.reservedCloudlets, {
    path: ["dynamicCloudlets"],
    message: "The dynamic limit cannot be below the reserved cloudlets.",
  });
export type ResizeLayerInput = z.infer<typeof ZResizeLayerInput>;

export const ZLifecycleTarget = z.object({
  environmentId: z.string().min(1).max(64),
  layerId: z.string().min(1).max(64).optional(),
  containerId: z.string().min(1).max(64).optional(),
});
export type LifecycleTarget = z.infer<typeof ZLifecycleTarget>;

/**
 * A custom domain: a full host name (no wildcard, no IP address, at most 253 characters, labels of
 * letters, digits and inner hyphens), lower-cased. Names under the platform domain are checked by the service.
 */
export const ZCustomDomainName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v.replace(/\.$/, ""))
  .pipe(
    z
      .string()
      .min(1, "Enter a domain.")
      .max(253, "A domain has at most 253 characters.")
      .refine((v) => !v.includes("*"), "Wildcard domains cannot be bound; add each name.")
      .refine((v) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(v) && !v.includes(":"), "Enter a domain name, not an IP address.")
      .refine(
        (v) => v.split(".").length >= 2 && v.split(".").every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)),
        "Use a full domain such as shop.example.com (letters, digits and hyphens, labels up to 63 characters).",
      )
      .refine((v) => !/\.[0-9]+$/.test(v), "The last label of a domain cannot be all digits."),
  );

export const ZAddCustomDomainInput = z
  .object({
    environmentId: ZEnvironmentId,
    domain: ZCustomDomainName,
    certificatePem: z.string().max(64_000).optional().default(""),
    keyPem: z.string().max(16_000).optional().default(""),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.certificatePem.trim()) !== Boolean(v.keyPem.trim()))
      ctx.addIssue({
        code: "custom",
        path: [v.certificatePem.trim() ? "keyPem" : "certificatePem"],
        message: "A certificate needs its key, and a key its certificate (or leave both empty for an issued one).",
      });
  });
export type AddCustomDomainInput = z.output<typeof ZAddCustomDomainInput>;

export const ZRemoveCustomDomainInput = z.object({
  environmentId: ZEnvironmentId,
  domainId: z.string().min(1).max(64),
});
