// The whole Caddy configuration, generated from desired state (pure: same input, same JSON). The
// worker POSTs it to Caddy's admin API (`/load` swaps it atomically, without dropping connections),
// so the proxy never holds a route the database does not, and an empty restarted Caddy is one load
// away from correct. Caddy's own defaults (its welcome page, empty 200s, redirects it invents,
// trust-store installation) are all switched off here.
import { BAD_GATEWAY_PAGE, NOT_FOUND_PAGE, STOPPED_PAGE, UNAVAILABLE_PAGE } from "./pages";

export type IngressSiteState = "running" | "stopped" | "unavailable";

/** One environment as the ingress sees it: the names it answers to and where its entry layer runs. */
export type IngressSite = {
  environmentId: string;
  /** The platform name first, then custom domains; lower case. */
  hosts: string[];
  state: IngressSiteState;
  /** `ip:port` of the entry layer's running containers. */
  upstreams: string[];
  /** Answer plain HTTP with a permanent redirect to HTTPS. */
  httpsRedirect: boolean;
};

/** A bring-your-own certificate: Caddy serves it for the names it covers instead of issuing one. */
export type IngressCertificate = { domain: string; certificatePem: string; keyPem: string };

export type IngressSettings = {
  /** Unix socket of the admin API (never a TCP port: containers must not reach it). */
  adminSocket: string;
  /** Caddy's storage: certificates, ACME accounts, the internal CA. */
  storageDir: string;
  httpPort: number;
  httpsPort: number;
  /** With an email, public names get ACME certificates; without, Caddy's internal CA issues them all. */
  acmeEmail: string | null;
  /** GOMAXPROCS of the Caddy process (lib/services/ingress.ts chooses it). */
  goMaxProcs?: number;
};

export type CaddyConfig = Record<string, unknown>;

const HTML = { "Content-Type": ["text/html; charset=utf-8"], "Cache-Control": ["no-store"] };

function staticPage(status: number, body: string) {
  return { handler: "static_response", status_code: status, headers: HTML, body };
}

/** Names Caddy's internal CA covers whatever the settings: no public CA issues for them. */
export function isLocalName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

function proxyTo(upstreams: string[]) {
  return {
    handler: "reverse_proxy",
    upstreams: upstreams.map((dial) => ({ dial })),
    load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "2s", try_interval: "100ms" },
    // A container that refuses a connection is skipped for 1 s and the request retried on another (within
    // try_duration). Short on purpose: a container joins the rotation as soon as it runs, usually a moment
    // before its service listens; a 10 s penalty measured as 10 s scale-out-to-traffic (bench:ingress).
    health_checks: { passive: { fail_duration: "1s", max_fails: 1 } },
    transport: {
      protocol: "http",
      dial_timeout: "2s",
      keep_alive: { enabled: true, max_idle_conns_per_host: 256, idle_timeout: "90s" },
    },
  };
}

function siteHandler(site: IngressSite) {
  if (site.state === "stopped") return staticPage(503, STOPPED_PAGE);
  if (site.state === "unavailable" || site.upstreams.length === 0) return staticPage(503, UNAVAILABLE_PAGE);
  return proxyTo(site.upstreams);
}

function siteRoute(site: IngressSite, handler: unknown) {
  return { match: [{ host: site.hosts }], handle: [handler], terminal: true };
}

const notFoundRoute = { handle: [staticPage(404, NOT_FOUND_PAGE)], terminal: true };

/** A failing upstream (every container refused) answers the styled page, not Caddy's empty 502. */
const errorRoutes = { routes: [{ handle: [staticPage(502, BAD_GATEWAY_PAGE)], terminal: true }] };

export function buildCaddyConfig(options: {
  settings: IngressSettings;
  sites: IngressSite[];
  certificates?: IngressCertificate[];
}): CaddyConfig {
  const { settings } = options;
  const sites = [...options.sites].sort((a, b) => a.environmentId.localeCompare(b.environmentId));
  const certificates = [...(options.certificates ?? [])].sort((a, b) => a.domain.localeCompare(b.domain));
  const ownCerts = new Set(certificates.map((c) => c.domain));
  const httpsPort = settings.httpsPort === 443 ? "" : `:${settings.httpsPort}`;
  const redirect = {
    handler: "static_response",
    status_code: 308,
    headers: { Location: [`https://{http.request.host}${httpsPort}{http.request.uri}`] },
  };

  const hosts = sites.flatMap((s) => s.hosts).filter((h) => !ownCerts.has(h));
  const internal = hosts.filter((h) => isLocalName(h) || !settings.acmeEmail);
  const acme = settings.acmeEmail ? hosts.filter((h) => !isLocalName(h)) : [];
  // A policy without subjects would match every name: emit only policies that list theirs. Internal
  // certificates are issued at the first handshake (on demand, for these subjects only), so loading
  // the routes of thousands of environments does not wait for thousands of key pairs.
  const policies = [
    ...(internal.length ? [{ subjects: internal, issuers: [{ module: "internal" }], on_demand: true }] : []),
    ...(acme.length ? [{ subjects: acme, issuers: [{ module: "acme", email: settings.acmeEmail }] }] : []),
  ];

  return {
    admin: { listen: `unix/${settings.adminSocket}`, config: { persist: false } },
    storage: { module: "file_system", root: settings.storageDir },
    logging: { logs: { default: { level: "WARN" } } },
    apps: {
      pki: { certificate_authorities: { local: { install_trust: false } } },
      tls: {
        ...(certificates.length
          ? {
              certificates: {
                load_pem: certificates.map((c) => ({ certificate: c.certificatePem, key: c.keyPem, tags: [c.domain] })),
              },
            }
          : {}),
        ...(policies.length ? { automation: { policies } } : {}),
      },
      http: {
        http_port: settings.httpPort,
        https_port: settings.httpsPort,
        servers: {
          http: {
            listen: [`:${settings.httpPort}`],
            routes: [...sites.map((s) => siteRoute(s, s.httpsRedirect ? redirect : siteHandler(s))), notFoundRoute],
            errors: errorRoutes,
            automatic_https: { disable: true },
          },
          https: {
            listen: [`:${settings.httpsPort}`],
            routes: [...sites.map((s) => siteRoute(s, siteHandler(s))), notFoundRoute],
            errors: errorRoutes,
            automatic_https: {
              disable_redirects: true,
              ...(ownCerts.size ? { skip_certificates: [...ownCerts] } : {}),
            },
            tls_connection_policies: [{}],
          },
        },
      },
    },
  };
}

/** The configuration a freshly started Caddy gets before the first sync: admin socket and the 404 page. */
export function bootstrapCaddyConfig(settings: IngressSettings): CaddyConfig {
  return buildCaddyConfig({ settings, sites: [] });
}
