import { z } from "zod";

export const TCP_ENDPOINT_DEFAULT_RANGE = { from: 30000, to: 30999 } as const;

export const ZTcpEndpointRange = z
  .object({
    from: z.coerce.number().int().min(1024, "Use ports from 1024.").max(65535, "Ports end at 65535."),
    to: z.coerce.number().int().min(1024, "Use ports from 1024.").max(65535, "Ports end at 65535."),
  })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "The range must end at or after its start." })
  .refine((v) => v.to - v.from < 20_000, { path: ["to"], message: "At most 20,000 ports." });
export type TcpEndpointRange = z.output<typeof ZTcpEndpointRange>;

export const ZAddTcpEndpointInput = z.object({
  environmentId: z.string().min(1).max(64),
  containerId: z.string().min(1).max(64),
  containerPort: z.coerce.number().int().min(1, "Ports are 1–65535.").max(65535, "Ports are 1–65535."),
  /** A node port of the admin-set range; the lowest free one when left out. */
  nodePort: z.coerce.number().int().min(1).max(65535).optional(),
});
export type AddTcpEndpointInput = z.output<typeof ZAddTcpEndpointInput>;

export const ZRemoveTcpEndpointInput = z.object({
  environmentId: z.string().min(1).max(64),
  endpointId: z.string().min(1).max(64),
});

export const ZSetRegionTcpEndpointsInput = z.object({ regionId: z.string().min(1).max(64), enabled: z.boolean() });
