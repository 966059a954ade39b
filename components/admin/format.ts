// Labels of the admin console (no React, no data); unit formatters and the load rating are in lib/format.ts.
import type { Tone } from "@/lib/tone";

export const ENGINE_LABEL: Record<"LXC" | "VIRTUOZZO" | "SIM", string> = {
  LXC: "LXC",
  VIRTUOZZO: "Virtuozzo",
  SIM: "simulated",
};

export const NODE_STATUS: Record<string, { label: string; tone: Tone }> = {
  ACTIVE: { label: "Active", tone: "green" },
  MAINTENANCE: { label: "Maintenance", tone: "amber" },
  EVACUATING: { label: "Evacuating", tone: "blue" },
  OFFLINE: { label: "Offline", tone: "red" },
};
