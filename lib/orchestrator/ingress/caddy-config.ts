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

const TRANSPORT = {
  protocol: "http",
  dial_timeout: "2s",
  keep_alive: { enabled: true, max_idle_conns_per_host: 256, idle_timeout: "90s" },
};

function proxyTo(upstreams: string[]) {
  return {
    handler: "reverse_proxy",
    upstreams: upstreams.map((dial) => ({ dial })),
    load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "2s", try_interval: "100ms" },
    // A container that refuses a connection is skipped for 1 s and the request retried on another (within
    // try_duration). Short on purpose: a container joins the rotation as soon as it runs, usually a moment
    // before its service listens; a 10 s penalty measured as 10 s scale-out-to-traffic (bench:ingress).
    health_checks: { passive: { fail_duration: "1s", max_fails: 1 } },
    transport: TRANSPORT,
  };
}

/** Go's string order (Caddy's binary search assumes it), not the locale's. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The placeholder the host → upstream map fills in for the request being served. */
const UPSTREAM_PLACEHOLDER = "{hostplane.upstream}";

/**
 * Names per one-upstream route. Caddy's map handler looks its input up by walking its mappings, so
 * one map of every name would cost every request a walk over all of them; a route's host matcher
 * with more than 100 names is a binary search. Routes of 128 names: a request passes at most
 * N / 128 binary searches and one walk over at most 128 mappings.
 */
export const NAMES_PER_MAP_ROUTE = 128;

/**
 * Splits items into consecutive groups of at most NAMES_PER_MAP_ROUTE names (an item's names stay
 * together; an item with more names than that is a group of its own).
 */
function groupByNames<T>(items: T[], namesOf: (item: T) => string[]): T[][] {
  const groups: T[][] = [];
  let names = 0;
  for (const item of items) {
    const count = namesOf(item).length;
    if (groups.length === 0 || names + count > NAMES_PER_MAP_ROUTE) {
      groups.push([]);
      names = 0;
    }
    groups.at(-1)!.push(item);
    names += count;
  }
  return groups;
}

/**
 * The environments with one entry container (the usual case: their balancer), in routes of up to
 * NAMES_PER_MAP_ROUTE names: a host matcher over the names and a map from the request's host to
 * its upstream. Caddy walks its routes one after another, so a route per environment made every
 * request pay for every environment (1,000 of them halved the throughput, bench:ingress). No
 * passive health checks here: Caddy keys them by the upstream as written, which is this
 * placeholder, so one environment's refused connections would take every other environment out
 * of rotation. With one upstream there is nothing to rotate to anyway; its connection is retried
 * for 2 s, then the styled 502 answers.
 */
function singleUpstreamRoutes(sites: { hosts: string[]; upstream: string }[]) {
  const mappings = sites
    .flatMap((site) => site.hosts.map((host) => ({ input: host, outputs: [site.upstream] })))
    .sort((a, b) => byCodeUnit(a.input, b.input));
  return groupByNames(mappings, (m) => [m.input]).map((chunk) => ({
    match: [{ host: chunk.map((m) => m.input) }],
    handle: [
      { handler: "map", source: "{http.request.host}", destinations: [UPSTREAM_PLACEHOLDER], mappings: chunk },
      {
        handler: "reverse_proxy",
        upstreams: [{ dial: UPSTREAM_PLACEHOLDER }],
        load_balancing: { try_duration: "2s", try_interval: "100ms" },
        transport: TRANSPORT,
      },
    ],
    terminal: true,
  }));
}

/**
 * Environments with several entry containers keep a reverse proxy each (round robin and passive health
 * checks across their containers), grouped NAMES_PER_MAP_ROUTE at a time behind one host matcher
 * over their names: a request passes a binary search per group and the routes of one group only.
 */
function severalUpstreamRoutes(sites: IngressSite[]) {
  return groupByNames(sites, (s) => s.hosts).map((group) => ({
    match: [{ host: group.flatMap((s) => s.hosts).sort(byCodeUnit) }],
    handle: [
      {
        handler: "subroute",
        routes: group.map((s) => ({ match: [{ host: s.hosts }], handle: [proxyTo(s.upstreams)], terminal: true })),
      },
    ],
    terminal: true,
  }));
}

/** One route answering all the given hosts with the same handler; none when there is no host. */
function hostsRoute(hosts: string[], handler: unknown) {
  return hosts.length ? [{ match: [{ host: [...hosts].sort(byCodeUnit) }], handle: [handler], terminal: true }] : [];
}

const notFoundRoute = { handle: [staticPage(404, NOT_FOUND_PAGE)], terminal: true };

/** A failing upstream (every container refused) answers the styled page, not Caddy's empty 502. */
const errorRoutes = { routes: [{ handle: [staticPage(502, BAD_GATEWAY_PAGE)], terminal: true }] };

/**
 * The routes for these sites, grouped by what they answer so that a request's cost does not grow
 * with the number of environments: stopped, unavailable, the one-upstream maps, then the groups of
 * environments with several entry containers. `redirect` (plain HTTP) sends the sites that ask for
 * it to HTTPS first.
 */
function siteRoutes(sites: IngressSite[], redirect: unknown | null) {
  const redirected = redirect ? sites.filter((s) => s.httpsRedirect) : [];
  const served = redirect ? sites.filter((s) => !s.httpsRedirect) : sites;
  const isProxied = (s: IngressSite) => s.state === "running" && s.upstreams.length > 0;
  const single = served.filter((s) => isProxied(s) && s.upstreams.length === 1);
  const several = served.filter((s) => isProxied(s) && s.upstreams.length > 1);
  return [
    ...hostsRoute(
      redirected.flatMap((s) => s.hosts),
      redirect,
    ),
    ...hostsRoute(
      served.filter((s) => s.state === "stopped").flatMap((s) => s.hosts),
      staticPage(503, STOPPED_PAGE),
    ),
    ...hostsRoute(
      served.filter((s) => s.state !== "stopped" && !isProxied(s)).flatMap((s) => s.hosts),
      staticPage(503, UNAVAILABLE_PAGE),
    ),
    ...singleUpstreamRoutes(single.map((s) => ({ hosts: s.hosts, upstream: s.upstreams[0]! }))),
    ...severalUpstreamRoutes(several),
    notFoundRoute,
  ];
}

/**
 * Each name to one site: the first by environment id keeps it. Names are unique platform-wide in
 * the database; this only guards the configuration, since Caddy refuses a host matcher that lists
 * a name twice (and with it the whole configuration).
 */
function withUniqueHosts(sites: IngressSite[]): IngressSite[] {
  const claimed = new Set<string>();
  return sites
    .map((site) => {
      const hosts = site.hosts.filter((h) => !claimed.has(h));
      for (const h of hosts) claimed.add(h);
      return { ...site, hosts };
    })
    .filter((site) => site.hosts.length > 0);
}

export function buildCaddyConfig(options: {
  settings: IngressSettings;
  sites: IngressSite[];
  certificates?: IngressCertificate[];
}): CaddyConfig {
  const { settings } = options;
  const sites = withUniqueHosts([...options.sites].sort((a, b) => a.environmentId.localeCompare(b.environmentId)));
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
            routes: siteRoutes(sites, redirect),
            errors: errorRoutes,
            automatic_https: { disable: true },
          },
          https: {
            listen: [`:${settings.httpsPort}`],
            routes: siteRoutes(sites, null),
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
