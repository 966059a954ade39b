import { z } from "zod";
import { STACK_IDS } from "@/lib/stacks/catalog";

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
    diskGib: z.coerce.number().int().min(1).max(1024),
    ha: z.coerce.boolean().default(false),
  })
  .refine((l) => l.dynamicCloudlets >= l.reservedCloudlets, {
    path: ["dynamicCloudlets"],
    message: "The dynamic limit cannot be below the reserved cloudlets.",
  });
export type LayerInput = z.infer<typeof ZLayerInput>;

export const ZCreateEnvironmentInput = z
  .object({
    name: ZDnsLabel,
    regionId: z.string().min(1, "Pick a region.").max(64),
    layers: z.array(ZLayerInput).min(1, "Add at least one layer.").max(8, "At most 8 layers."),
  })
  .refine((v) => new Set(v.layers.map((l) => l.name)).size === v.layers.length, {
    path: ["layers"],
    message: "Layer names must be unique.",
  });
export type CreateEnvironmentInput = z.infer<typeof ZCreateEnvironmentInput>;

export const ZScaleLayerInput = z.object({
  environmentId: z.string().min(1).max(64),
  layerId: z.string().min(1).max(64),
  count: z.coerce.number().int().min(0, "At least 0 containers.").max(64),
});

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

export const ZLifecycleTarget = z.object({
  environmentId: z.string().min(1).max(64),
  layerId: z.string().min(1).max(64).optional(),
  containerId: z.string().min(1).max(64).optional(),
});
