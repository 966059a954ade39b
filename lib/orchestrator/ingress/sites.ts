// Desired routes from desired state (pure): which containers an environment's name leads to.
import { getStack } from "@/lib/stacks/catalog";
import type { IngressSite } from "./caddy-config";
import { environmentHost } from "./names";

export type IngressEnvironmentRow = {
  id: string;
  name: string;
  desiredState: "RUNNING" | "STOPPED" | "DELETED";
  httpsRedirect: boolean;
  ownerHandle: string;
  customDomains: string[];
  layers: {
    role: string;
    stack: string;
    position: number;
    containers: {
      ip: string | null;
      observedState: string;
      desiredState: string;
      health: string | null;
      /** Out of rotation while a deploy switches it. */
      draining?: boolean;
    }[];
  }[];
};

const ENTRY_ORDER = ["BALANCER", "APP", "STATIC"];

/** The layer the world talks to: the balancer, else the first application or static layer with a web port. */
export function entryLayerOf<L extends IngressEnvironmentRow["layers"][number]>(layers: L[]): L | null {
  const web = layers
    .filter((l) => ENTRY_ORDER.includes(l.role) && getStack(l.stack)?.ports[0])
    .sort((a, b) => {
      const balancer = Number(b.role === "BALANCER") - Number(a.role === "BALANCER");
      return balancer || a.position - b.position;
    });
  return web[0] ?? null;
}

export function ingressSiteFor(row: IngressEnvironmentRow, domain: string): IngressSite | null {
  if (row.desiredState === "DELETED" || !row.ownerHandle) return null;
  const hosts = [environmentHost({ environment: row.name, handle: row.ownerHandle, domain }), ...row.customDomains];
  const base = { environmentId: row.id, hosts: [...new Set(hosts)], httpsRedirect: row.httpsRedirect };
  if (row.desiredState === "STOPPED") return { ...base, state: "stopped", upstreams: [] };
  const entry = entryLayerOf(row.layers);
  const port = entry ? getStack(entry.stack)!.ports[0] : 0;
  const running = (entry?.containers ?? []).filter(
    (c) => c.ip && c.desiredState === "RUNNING" && c.observedState === "RUNNING" && !c.draining,
  );
  // Unhealthy containers leave the rotation, unless none is healthy (then Caddy's passive checks decide).
  const healthy = running.filter((c) => c.health !== "UNHEALTHY");
  const chosen = healthy.length > 0 ? healthy : running;
  const upstreams = chosen.map((c) => `${c.ip}:${port}`).sort();
  return { ...base, state: upstreams.length ? "running" : "unavailable", upstreams };
}

export function ingressSitesFor(rows: IngressEnvironmentRow[], domain: string): IngressSite[] {
  return rows.map((r) => ingressSiteFor(r, domain)).filter((s): s is IngressSite => s !== null);
}
