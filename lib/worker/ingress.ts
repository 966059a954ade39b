// The ingress's routes are desired state: computed from the database (every environment's platform
// name and its entry layer's running containers) and pushed to Caddy as one whole configuration.
// Called after every container start, stop and environment status change (steps.ts), when health
// changes a rotation (health.ts), by every resync and when the supervisor (re)starts Caddy. Each
// call compares with what Caddy runs and loads only on a difference, so it is idempotent and a
// crash at any point converges on the next call.
import { existsSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { buildCaddyConfig, type CaddyConfig, type IngressSettings } from "@/lib/orchestrator/ingress/caddy-config";
import { IngressUnavailableError, loadCaddyConfig, readCaddyConfig } from "@/lib/orchestrator/ingress/caddy-admin";
import { ingressSitesFor, type IngressEnvironmentRow } from "@/lib/orchestrator/ingress/sites";

/** pg_advisory_xact_lock key: one route computation + load at a time, so an older snapshot never wins. */
const INGRESS_LOCK = 7_265_112;

export function ingressDir(): string {
  return path.resolve(config.HOSTPLANE_INGRESS_DIR ?? path.join(config.HOSTPLANE_DATA_DIR ?? ".data", "caddy"));
}

export function ingressSettings(): IngressSettings {
  const dir = ingressDir();
  return {
    adminSocket: path.join(dir, "admin.sock"),
    storageDir: path.join(dir, "data"),
    httpPort: config.HOSTPLANE_INGRESS_HTTP_PORT,
    httpsPort: config.HOSTPLANE_INGRESS_HTTPS_PORT,
    acmeEmail: config.HOSTPLANE_ACME_EMAIL?.trim() || null,
  };
}

type Db = Pick<typeof db, "environment">;

export async function loadIngressRows(client: Db = db): Promise<IngressEnvironmentRow[]> {
  const rows = await client.environment.findMany({
    where: { desiredState: { not: "DELETED" } },
    select: {
      id: true,
      name: true,
      desiredState: true,
      httpsRedirect: true,
      owner: { select: { handle: true } },
      layers: {
        where: { role: { in: ["BALANCER", "APP", "STATIC"] } },
        select: {
          role: true,
          stack: true,
          position: true,
          containers: {
            where: { ip: { not: null } },
            select: { ip: true, observedState: true, desiredState: true, health: true },
          },
        },
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    desiredState: r.desiredState,
    httpsRedirect: r.httpsRedirect,
    ownerHandle: r.owner.handle,
    customDomains: [],
    layers: r.layers,
  }));
}

export async function desiredCaddyConfig(client: Db = db): Promise<CaddyConfig> {
  const sites = ingressSitesFor(await loadIngressRows(client), config.HOSTPLANE_DOMAIN);
  return buildCaddyConfig({ settings: ingressSettings(), sites });
}

export type IngressSyncResult =
  { status: "applied" | "current"; routes: number; ms: number } | { status: "off" | "unavailable"; reason: string };

/**
 * Makes Caddy run exactly the desired configuration. Unavailable (no Caddy running here, or the
 * ingress switched off) is an answer, not an error: the next sync after Caddy starts applies it.
 */
export async function syncIngress(): Promise<IngressSyncResult> {
  if (!config.HOSTPLANE_INGRESS) return { status: "off", reason: "the ingress is switched off" };
  const settings = ingressSettings();
  if (!existsSync(settings.adminSocket))
    return { status: "unavailable", reason: `no ingress runs here (${settings.adminSocket} is missing)` };
  const t0 = performance.now();
  try {
    return await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${INGRESS_LOCK}::bigint)`;
        const desired = await desiredCaddyConfig(tx);
        const routes = countRoutes(desired);
        // Compared as JSON values: Caddy answers with its own key order.
        const running = await readCaddyConfig(settings.adminSocket);
        if (isDeepStrictEqual(running, JSON.parse(JSON.stringify(desired))))
          return { status: "current" as const, routes, ms: performance.now() - t0 };
        await loadCaddyConfig(settings.adminSocket, desired);
        return { status: "applied" as const, routes, ms: performance.now() - t0 };
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
  } catch (error) {
    if (error instanceof IngressUnavailableError) return { status: "unavailable", reason: error.message };
    throw error;
  }
}

function countRoutes(config: CaddyConfig): number {
  const servers = (config.apps as { http: { servers: { https: { routes: unknown[] } } } }).http.servers;
  return servers.https.routes.length - 1;
}

/**
 * For steps: syncs and appends a note to the step's timeline message when the routes changed or could
 * not be pushed. The routes are never a reason to fail an operation: resync retries them.
 */
export async function withIngressSync(message: string): Promise<string> {
  let note: string | null;
  try {
    const result = await syncIngress();
    note = result.status === "applied" ? `ingress routes updated (${result.routes})` : null;
  } catch (error) {
    note = `ingress routes not pushed: ${(error as Error).message.slice(0, 200)} (the next resync retries)`;
  }
  return note ? `${message}; ${note}` : message;
}
