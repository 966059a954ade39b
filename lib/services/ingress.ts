// The ingress (the Caddy process itself: scripts/lib/ingress.ts). Its routes are desired state: computed
// from the database (every environment's platform name and its entry layer's running containers) and pushed to Caddy as one whole configuration.
// Called after every container start, stop and environment status change (steps.ts), when health
// changes a rotation (health.ts), by every resync and when the supervisor (re)starts Caddy. Each
// call compares with what Caddy runs and loads only on a difference, so it is idempotent and a
// crash at any point converges on the next call.
import { X509Certificate } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import {
  buildCaddyConfig,
  type CaddyConfig,
  type IngressCertificate,
  type IngressSettings,
} from "@/lib/orchestrator/ingress/caddy-config";
import { openSecret } from "@/lib/crypto/secret-box";
import {
  IngressUnavailableError,
  loadCaddyConfig,
  readCaddyCaRoot,
  readCaddyConfig,
} from "@/lib/orchestrator/ingress/caddy-admin";
import { environmentHost, hostUrl } from "@/lib/orchestrator/ingress/names";
import { nodeRoutesFor, type NodeRoute } from "@/lib/orchestrator/ingress/node-routes";
import { LocalRunner } from "@/lib/orchestrator/transport";
import { runnerFor } from "./node-engine";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { logIgnored } from "@/lib/log";
import { failpoint } from "@/lib/queue/failpoint";
import { recordAudit } from "./audit";
import { coalesce } from "./coalesce";
import { getOwnedEnvironment } from "./environment-ops";
import { ingressSitesFor, type IngressEnvironmentRow } from "@/lib/orchestrator/ingress/sites";

/** pg_advisory_xact_lock key: one route computation + load at a time, so an older snapshot never wins. */
const INGRESS_LOCK = 7_265_112;

export function ingressDir(): string {
  return (
    config.HOSTPLANE_INGRESS_DIR ?? path.join(config.HOSTPLANE_DATA_DIR ?? path.join(process.cwd(), ".data"), "caddy")
  );
}

export function ingressSettings(): IngressSettings {
  const dir = ingressDir();
  return {
    adminSocket: path.join(dir, "admin.sock"),
    storageDir: path.join(dir, "data"),
    httpPort: config.HOSTPLANE_INGRESS_HTTP_PORT,
    httpsPort: config.HOSTPLANE_INGRESS_HTTPS_PORT,
    acmeEmail: config.HOSTPLANE_ACME_EMAIL?.trim() || null,
    goMaxProcs: ingressGoMaxProcs(config.HOSTPLANE_INGRESS_GOMAXPROCS, os.availableParallelism()),
  };
}

/**
 * Caddy's GOMAXPROCS: the configured value, else the machine's cores less one (at least 1), leaving a
 * core to the panel, PostgreSQL and the containers. On the 2-core machine Caddy with 1 proxied about
 * 40 % more requests a second than with 2, at a third of the added p99 (bench:ingress): with a spare
 * thread its runtime spins looking for work against the very processes it waits on.
 */
export function ingressGoMaxProcs(configured: number | undefined, cores: number): number {
  return configured ?? Math.max(1, cores - 1);
}

type Db = Pick<typeof db, "environment">;

export async function loadIngressRows(
  client: Db = db,
): Promise<(IngressEnvironmentRow & { certificates: IngressCertificate[] })[]> {
  const rows = await client.environment.findMany({
    where: { desiredState: { not: "DELETED" } },
    select: {
      id: true,
      name: true,
      desiredState: true,
      httpsRedirect: true,
      owner: { select: { handle: true } },
      customDomains: { select: { domain: true, certificatePem: true, keyEncrypted: true } },
      layers: {
        where: { role: { in: ["BALANCER", "APP", "STATIC"] } },
        select: {
          role: true,
          stack: true,
          position: true,
          containers: {
            where: { ip: { not: null } },
            select: { ip: true, observedState: true, desiredState: true, health: true, draining: true },
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
    customDomains: r.customDomains.map((d) => d.domain).sort(),
    certificates: r.customDomains
      .filter((d) => d.certificatePem && d.keyEncrypted)
      .map((d) => ({ domain: d.domain, certificatePem: d.certificatePem!, keyPem: openSecret(d.keyEncrypted!) })),
    layers: r.layers,
  }));
}

export async function desiredCaddyConfig(client: Db = db): Promise<CaddyConfig> {
  const rows = await loadIngressRows(client);
  const sites = ingressSitesFor(rows, config.HOSTPLANE_DOMAIN);
  // A stopped or deleted environment's own certificates go with its routes only when it is deleted.
  const certificates = rows.filter((r) => r.desiredState !== "DELETED").flatMap((r) => r.certificates);
  return buildCaddyConfig({ settings: ingressSettings(), sites, certificates });
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
  if (!existsSync(/*turbopackIgnore: true*/ settings.adminSocket))
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

/** The names the HTTPS server routes (environments' platform names and custom domains), not Caddy's route count. */
function countRoutes(config: CaddyConfig): number {
  type Route = { match?: { host?: string[] }[] };
  const servers = (config.apps as { http: { servers: { https: { routes: Route[] } } } }).http.servers;
  return servers.https.routes.reduce((sum, route) => sum + (route.match?.[0]?.host?.length ?? 0), 0);
}

/**
 * Steps finishing together (a scale-out's starts, a deletion's destroys, several environments at once)
 * share syncs: each computes every route, so one per finished step would queue them behind each other
 * on the ingress lock. A step still gets a sync that began after its change was committed.
 */
const syncIngressForSteps = coalesce(syncIngress);

/**
 * For steps: syncs and appends a note to the step's timeline message when the routes changed or could
 * not be pushed. The routes are never a reason to fail an operation: resync retries them.
 */
export async function withIngressSync(message: string): Promise<string> {
  // Crash tests kill the worker here: the step's work is done, its route push is not.
  failpoint("routes");
  let note: string | null;
  try {
    const result = await syncIngressForSteps();
    note = result.status === "applied" ? `ingress routes updated (${result.routes})` : null;
  } catch (error) {
    note = `ingress routes not pushed: ${(error as Error).message.slice(0, 200)} (the next resync retries)`;
  }
  return note ? `${message}; ${note}` : message;
}

/** An environment's addresses on the ingress, and whether its platform name answers right now. */
export type EnvironmentAddresses = {
  host: string;
  httpUrl: string;
  httpsUrl: string;
  /** What "Open" opens: HTTPS when plain HTTP redirects there. */
  openUrl: string;
  httpsRedirect: boolean;
  reachability: { status: number | null; ms: number; note: string };
};

export async function getEnvironmentAddresses(
  viewer: Pick<Actor, "id" | "role">,
  environmentId: string,
): Promise<EnvironmentAddresses | null> {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    select: { name: true, httpsRedirect: true, owner: { select: { handle: true } } },
  });
  if (!env) return null;
  const host = environmentHost({ environment: env.name, handle: env.owner.handle, domain: config.HOSTPLANE_DOMAIN });
  const httpUrl = hostUrl({ host, scheme: "http", port: config.HOSTPLANE_INGRESS_HTTP_PORT });
  const httpsUrl = hostUrl({ host, scheme: "https", port: config.HOSTPLANE_INGRESS_HTTPS_PORT });
  return {
    host,
    httpUrl,
    httpsUrl,
    openUrl: env.httpsRedirect ? httpsUrl : httpUrl,
    httpsRedirect: env.httpsRedirect,
    reachability: await probeThroughIngress(host),
  };
}

/** One HEAD request to the local ingress with the environment's name (the path every visitor takes). */
function probeThroughIngress(host: string): Promise<EnvironmentAddresses["reachability"]> {
  const t0 = performance.now();
  const done = (status: number | null, note: string) => ({ status, ms: Math.round(performance.now() - t0), note });
  if (!config.HOSTPLANE_INGRESS) return Promise.resolve(done(null, "the ingress is switched off"));
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: config.HOSTPLANE_INGRESS_HTTP_PORT,
        method: "HEAD",
        path: "/",
        headers: { Host: host },
        timeout: 1500,
        agent: false,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? null;
        const note =
          status === 503
            ? "stopped or not answering yet"
            : status === 404
              ? "no route yet"
              : status && status >= 500
                ? "the entry layer does not answer"
                : "reachable";
        resolve(done(status, note));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve(done(null, `the ingress does not answer (${error.message})`)));
    req.end();
  });
}

/** Owner (or admin): plain HTTP redirects to HTTPS, or not. The routes change at once (resync repairs a miss). */
export async function setHttpsRedirect(options: {
  actor: Actor;
  environmentId: string;
  enabled: boolean;
  ip?: string | null;
}) {
  const env = await getOwnedEnvironment(options.actor, options.environmentId);
  await db.$transaction(async (tx) => {
    await tx.environment.update({ where: { id: env.id }, data: { httpsRedirect: options.enabled } });
    await recordAudit(
      {
        actorId: options.actor.id,
        action: "environment.https-redirect",
        targetType: "environment",
        targetId: env.id,
        ip: options.ip ?? null,
        detail: { environment: env.name, enabled: options.enabled },
      },
      tx,
    );
  });
  await syncIngress().catch(logIgnored("pushing routes after the HTTPS switch (resync retries)"));
  return { httpsRedirect: options.enabled };
}

/** Admin: the internal CA's root certificate, for browsers to trust internally issued names. */
export async function getIngressCaCertificate(actor: Actor): Promise<string> {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can download the CA certificate.");
  try {
    return await readCaddyCaRoot(ingressSettings().adminSocket);
  } catch (error) {
    throw new AppError("CONFLICT", `The ingress does not answer: ${(error as Error).message}`);
  }
}

export type IngressOverview = {
  running: boolean;
  error: string | null;
  routes: number;
  httpPort: number;
  httpsPort: number;
  domain: string;
  issuer: "acme" | "internal";
  /** Certificates in the ingress's storage that expire within 14 days. */
  expiringSoon: { name: string; notAfter: string }[];
  certificates: number;
};

/** Admin cluster page: is the ingress up, how many routes it runs, certificates close to expiry. */
export async function getIngressOverview(actor: Actor): Promise<IngressOverview> {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "Administrators only.");
  const settings = ingressSettings();
  let running = false;
  let error: string | null = null;
  let routes = 0;
  try {
    const current = await readCaddyConfig(settings.adminSocket);
    running = true;
    if (current) routes = countRoutes(current);
  } catch (e) {
    error = (e as Error).message;
  }
  const certs = listStoredCertificates(settings.storageDir);
  const soon = Date.now() + 14 * 86_400_000;
  return {
    running,
    error,
    routes,
    httpPort: settings.httpPort,
    httpsPort: settings.httpsPort,
    domain: config.HOSTPLANE_DOMAIN,
    issuer: settings.acmeEmail ? "acme" : "internal",
    certificates: certs.length,
    expiringSoon: certs
      .filter((c) => c.notAfter.getTime() < soon)
      .map((c) => ({ name: c.name, notAfter: c.notAfter.toISOString() })),
  };
}

/** Caddy keeps each certificate as <storage>/certificates/<issuer>/<name>/<name>.crt. */
function listStoredCertificates(storageDir: string): { name: string; notAfter: Date }[] {
  const root = path.join(storageDir, "certificates");
  if (!existsSync(/*turbopackIgnore: true*/ root)) return [];
  const out: { name: string; notAfter: Date }[] = [];
  for (const issuer of readdirSync(/*turbopackIgnore: true*/ root)) {
    for (const name of readdirSync(/*turbopackIgnore: true*/ path.join(root, issuer))) {
      const file = path.join(root, issuer, name, `${name}.crt`);
      if (!existsSync(/*turbopackIgnore: true*/ file)) continue;
      try {
        out.push({
          name,
          notAfter: new Date(new X509Certificate(readFileSync(/*turbopackIgnore: true*/ file)).validTo),
        });
      } catch {
        // An unreadable file is Caddy's business; it renews or reissues it.
      }
    }
  }
  return out;
}

/**
 * The ingress host's routes to remote lxc nodes' container subnets (via each node's address), and IP
 * forwarding on those nodes: desired state, re-applied by every resync (`ip route replace` and `sysctl -w`
 * are idempotent). A node that fails is reported; the others proceed.
 */
export async function syncNodeRoutes(): Promise<{ applied: NodeRoute[]; failed: { node: string; reason: string }[] }> {
  if (!config.HOSTPLANE_INGRESS) return { applied: [], failed: [] };
  const nodes = await db.hardwareNode.findMany({
    where: { engine: "LXC", transport: "SSH", status: { not: "OFFLINE" } },
  });
  const { routes, skipped } = nodeRoutesFor(nodes);
  const failed = [...skipped];
  const applied: NodeRoute[] = [];
  const local = new LocalRunner();
  for (const route of routes) {
    const node = nodes.find((n) => n.name === route.node)!;
    try {
      const forward = await runnerFor(node).run(["sysctl", "-w", "net.ipv4.ip_forward=1"], { timeoutMs: 20_000 });
      if (forward.code !== 0) throw new Error(`sysctl on the node: ${forward.stderr.trim().slice(0, 200)}`);
      const added = await local.run(["ip", "route", "replace", route.subnet, "via", route.via], { timeoutMs: 10_000 });
      if (added.code !== 0) throw new Error(`ip route: ${added.stderr.trim().slice(0, 200)}`);
      applied.push(route);
    } catch (error) {
      failed.push({ node: route.node, reason: (error as Error).message });
    }
  }
  return { applied, failed };
}
