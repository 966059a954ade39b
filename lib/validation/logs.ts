import { z } from "zod";

const id = z.string().trim().min(1).max(64);
const optionalId = z.preprocess((v) => (v === "" || v === null ? undefined : v), id.optional());

export const LOG_LINES_MAX = 5000;

/** What the Logs tab (and its download) asks for: one layer or container, or the whole environment. */
export const ZLogQuery = z.object({
  environmentId: id,
  layerId: optionalId,
  containerId: optionalId,
  source: z.enum(["service", "deploy"]).default("service"),
  lines: z.coerce.number().int().min(1).max(LOG_LINES_MAX).default(500),
  search: z
    .string()
    .max(200, "Search for at most 200 characters.")
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "Search for plain text (no control characters).")
    .default(""),
});
export type LogQuery = z.infer<typeof ZLogQuery>;

export type LogView = {
  /** What can be picked: each layer and its containers. */
  layers: { id: string; name: string; containers: { id: string; displayName: string }[] }[];
  /** Log lines, each labelled with where it comes from ("app-2", "app release 4"). */
  entries: { source: string; line: string }[];
  /** Containers whose log could not be read, and why. */
  unavailable: string[];
};
