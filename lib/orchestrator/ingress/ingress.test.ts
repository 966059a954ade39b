import { describe, expect, it } from "vitest";
import { buildCaddyConfig, NAMES_PER_MAP_ROUTE, type IngressSettings, type IngressSite } from "./caddy-config";
import { environmentHost, handleBaseFor, hostUrl, HANDLE_PATTERN } from "./names";
import { entryLayerOf, ingressSiteFor, type IngressEnvironmentRow } from "./sites";
import { nodeRoutesFor, type RoutableNode } from "./node-routes";
import { renderEndpointsRemoval, renderEndpointsTable } from "./endpoints-nft";

const settings: IngressSettings = {
  adminSocket: "/run/hp/admin.sock",
  storageDir: "/run/hp/data",
  httpPort: 8080,
  httpsPort: 8443,
  acmeEmail: null,
};

type Route = { match?: { host: string[] }[]; handle: Record<string, unknown>[] };
type Server = { listen: string[]; routes: Route[] };
/** The handler that answers `host` in a route, looking into a group's subroute. */
function handlerFor(route: Route, host: string): Record<string, unknown> {
  const first = route.handle[0]!;
  if (first.handler !== "subroute") return first;
  const inner = (first.routes as Route[]).find((r) => r.match![0]!.host.includes(host))!;
  return inner.handle[0]!;
}
function servers(config: Record<string, unknown>) {
  return (config.apps as { http: { servers: { http: Server; https: Server } } }).http.servers;
}
function tls(config: Record<string, unknown>) {
  return (config.apps as { tls: { automation?: { policies: Record<string, unknown>[] } } }).tls;
}

const running: IngressSite = {
  environmentId: "e1",
  hosts: ["shop-alice.localhost"],
  state: "running",
  upstreams: ["10.213.1.2:80", "10.213.1.3:80"],
  httpsRedirect: false,
};

describe("buildCaddyConfig", () => {
  it("listens only where told, with the admin API on the unix socket and no trust-store installation", () => {
    const config = buildCaddyConfig({ settings, sites: [] });
    expect(config.admin).toEqual({ listen: "unix//run/hp/admin.sock", config: { persist: false } });
    expect(servers(config).http.listen).toEqual([":8080"]);
    expect(servers(config).https.listen).toEqual([":8443"]);
    expect(JSON.stringify(config.apps)).toContain('"install_trust":false');
  });

  it("proxies a running environment to its upstreams with keepalive, both ports", () => {
    const config = buildCaddyConfig({ settings, sites: [running] });
    for (const server of [servers(config).http, servers(config).https]) {
      const route = server.routes[0];
      expect(route.match).toEqual([{ host: ["shop-alice.localhost"] }]);
      expect(handlerFor(route, "shop-alice.localhost")).toMatchObject({
        handler: "reverse_proxy",
        upstreams: [{ dial: "10.213.1.2:80" }, { dial: "10.213.1.3:80" }],
        transport: { keep_alive: { enabled: true } },
      });
    }
  });

  it("serves every one-upstream environment from one route: a host matcher and a host → upstream map", () => {
    const one = (i: number): IngressSite => ({
      environmentId: `e${String(i).padStart(4, "0")}`,
      hosts: [`env${i}-alice.localhost`, ...(i === 0 ? ["www.example.com"] : [])],
      state: "running",
      upstreams: [`10.213.${Math.floor(i / 250)}.${(i % 250) + 2}:80`],
      httpsRedirect: false,
    });
    const sites = Array.from({ length: 1000 }, (_, i) => one(i));
    const config = buildCaddyConfig({ settings, sites: [...sites, running] });
    const routes = servers(config).https.routes;
    // 1,001 names in map routes of NAMES_PER_MAP_ROUTE, the two-upstream environment's own route, the 404.
    const mapRoutes = Math.ceil(1001 / NAMES_PER_MAP_ROUTE);
    expect(routes).toHaveLength(mapRoutes + 2);
    type MapHandler = {
      handler: string;
      source: string;
      destinations: string[];
      mappings: { input: string; outputs: string[] }[];
    };
    const hosts = routes.slice(0, mapRoutes).flatMap((r) => r.match![0].host);
    expect(hosts).toHaveLength(1001);
    expect(new Set(hosts).size).toBe(1001);
    expect(hosts).toContain("www.example.com");
    const mappings = new Map<string, string[]>();
    for (const route of routes.slice(0, mapRoutes)) {
      const [map, proxy] = route.handle as [MapHandler, Record<string, unknown>];
      expect(map).toMatchObject({ handler: "map", source: "{http.request.host}" });
      // Each route maps exactly the names it matches.
      expect(map.mappings.map((m) => m.input)).toEqual(route.match![0].host);
      for (const m of map.mappings) mappings.set(m.input, m.outputs);
      expect(proxy).toMatchObject({ handler: "reverse_proxy", upstreams: [{ dial: map.destinations[0] }] });
      // Passive health checks would be keyed by the placeholder, i.e. shared by every environment.
      expect(proxy.health_checks).toBeUndefined();
    }
    expect(mappings.get("www.example.com")).toEqual(["10.213.0.2:80"]);
    expect(mappings.get("env0-alice.localhost")).toEqual(["10.213.0.2:80"]);
    expect(mappings.get("env999-alice.localhost")).toEqual(["10.213.3.251:80"]);
    expect(routes[mapRoutes].match).toEqual([{ host: ["shop-alice.localhost"] }]);
    expect(handlerFor(routes[mapRoutes], "shop-alice.localhost")).toMatchObject({
      health_checks: { passive: { max_fails: 1 } },
    });
  });

  it("keeps a proxy per environment with several entry containers, grouped behind one host matcher", () => {
    const sites = Array.from({ length: 300 }, (_, i) => ({
      ...running,
      environmentId: `m${String(i).padStart(3, "0")}`,
      hosts: [`m${i}-bob.localhost`],
      upstreams: [`10.213.9.${(i % 200) + 2}:8080`, `10.213.10.${(i % 200) + 2}:8080`],
    }));
    const routes = servers(buildCaddyConfig({ settings, sites })).https.routes;
    const groups = routes.slice(0, -1);
    expect(groups).toHaveLength(Math.ceil(300 / NAMES_PER_MAP_ROUTE));
    for (const group of groups) {
      const inner = group.handle[0]!.routes as Route[];
      // The group matches exactly the names of the environments inside it.
      expect(group.match![0]!.host).toEqual(inner.flatMap((r) => r.match![0]!.host).sort());
      expect(inner.length).toBeLessThanOrEqual(NAMES_PER_MAP_ROUTE);
    }
    const proxy = handlerFor(groups[2]!, "m299-bob.localhost");
    expect(proxy).toMatchObject({
      handler: "reverse_proxy",
      upstreams: [{ dial: "10.213.9.101:8080" }, { dial: "10.213.10.101:8080" }],
      health_checks: { passive: { max_fails: 1 } },
    });
  });

  it("groups stopped and unavailable environments into one route each", () => {
    const sites: IngressSite[] = [
      { ...running, environmentId: "a", hosts: ["a-x.localhost"], state: "stopped", upstreams: [] },
      { ...running, environmentId: "b", hosts: ["b-x.localhost"], state: "stopped", upstreams: [] },
      { ...running, environmentId: "c", hosts: ["c-x.localhost"], state: "unavailable", upstreams: [] },
      { ...running, environmentId: "d", hosts: ["d-x.localhost"], state: "running", upstreams: [] },
    ];
    const [stopped, unavailable, notFound, ...rest] = servers(buildCaddyConfig({ settings, sites })).https.routes;
    expect(rest).toEqual([]);
    expect(stopped.match).toEqual([{ host: ["a-x.localhost", "b-x.localhost"] }]);
    expect(String(stopped.handle[0].body)).toContain("This environment is stopped");
    expect(unavailable.match).toEqual([{ host: ["c-x.localhost", "d-x.localhost"] }]);
    expect(unavailable.handle[0]).toMatchObject({ status_code: 503 });
    expect(notFound.match).toBeUndefined();
  });

  it("lists a name once even if two sites claim it (Caddy refuses a matcher that repeats one)", () => {
    const sites: IngressSite[] = [
      { ...running, environmentId: "b", hosts: ["b-x.localhost", "shared.example.com"], upstreams: ["10.0.0.3:80"] },
      { ...running, environmentId: "a", hosts: ["a-x.localhost", "shared.example.com"], upstreams: ["10.0.0.2:80"] },
    ];
    const route = servers(buildCaddyConfig({ settings, sites })).https.routes[0];
    const hosts = route.match![0].host;
    expect(hosts).toEqual(["a-x.localhost", "b-x.localhost", "shared.example.com"]);
    const map = route.handle[0] as { mappings: { input: string; outputs: string[] }[] };
    expect(map.mappings.find((m) => m.input === "shared.example.com")!.outputs).toEqual(["10.0.0.2:80"]);
  });

  it("answers a stopped environment with the styled 503 page and unknown hosts with the styled 404", () => {
    const config = buildCaddyConfig({ settings, sites: [{ ...running, state: "stopped", upstreams: [] }] });
    const [site, fallback] = servers(config).http.routes;
    expect(site.handle[0]).toMatchObject({ handler: "static_response", status_code: 503 });
    expect(String(site.handle[0].body)).toContain("This environment is stopped");
    expect(fallback.match).toBeUndefined();
    expect(fallback.handle[0]).toMatchObject({ handler: "static_response", status_code: 404 });
    expect(String(fallback.handle[0].body)).toContain("No environment at this address");
  });

  it("redirects plain HTTP to HTTPS (with the non-standard port) only where switched on", () => {
    const config = buildCaddyConfig({ settings, sites: [{ ...running, httpsRedirect: true }] });
    expect(servers(config).http.routes[0].handle[0]).toMatchObject({
      status_code: 308,
      headers: { Location: ["https://{http.request.host}:8443{http.request.uri}"] },
    });
    expect(handlerFor(servers(config).https.routes[0], "shop-alice.localhost")).toMatchObject({
      handler: "reverse_proxy",
    });
  });

  it("issues from the internal CA without an ACME email, and uses ACME for public names with one", () => {
    const sites = [running, { ...running, environmentId: "e2", hosts: ["api-bob.example.com"] }];
    const internalOnly = tls(buildCaddyConfig({ settings, sites })).automation!.policies;
    expect(internalOnly).toEqual([
      { subjects: ["shop-alice.localhost", "api-bob.example.com"], issuers: [{ module: "internal" }], on_demand: true },
    ]);
    const withAcme = tls(buildCaddyConfig({ settings: { ...settings, acmeEmail: "ops@example.com" }, sites }))
      .automation!.policies;
    expect(withAcme).toEqual([
      { subjects: ["shop-alice.localhost"], issuers: [{ module: "internal" }], on_demand: true },
      { subjects: ["api-bob.example.com"], issuers: [{ module: "acme", email: "ops@example.com" }] },
    ]);
  });

  it("never emits a policy without subjects (it would match every name)", () => {
    expect(tls(buildCaddyConfig({ settings, sites: [] })).automation).toBeUndefined();
  });

  it("is the same JSON whatever the order of the sites", () => {
    const other = { ...running, environmentId: "e0", hosts: ["a-b.localhost"] };
    expect(buildCaddyConfig({ settings, sites: [running, other] })).toEqual(
      buildCaddyConfig({ settings, sites: [other, running] }),
    );
  });
});

describe("names", () => {
  it("joins environment and handle under the domain", () => {
    expect(environmentHost({ environment: "shop", handle: "alice", domain: "localhost" })).toBe("shop-alice.localhost");
    expect(environmentHost({ environment: "shop", handle: "alice", domain: "Apps.Example.com." })).toBe(
      "shop-alice.apps.example.com",
    );
  });

  it("derives handles without hyphens, so <env>-<handle> cannot collide across owners", () => {
    expect(handleBaseFor("Alice.Smith+x@example.com")).toBe("alicesmithx");
    expect(handleBaseFor("42@example.com")).toBe("user");
    expect(handleBaseFor("a-very-long-local-part-of-an-address@x.io")).toHaveLength(18);
    for (const email of ["Alice@x", "b_o-b@x", "9lives@x", "@x"]) expect(handleBaseFor(email)).toMatch(HANDLE_PATTERN);
    // The longest environment name (40) + "-" + the longest handle (22) is one DNS label (≤ 63).
    expect(40 + 1 + 22).toBeLessThanOrEqual(63);
  });

  it("leaves out the scheme's default port", () => {
    expect(hostUrl({ host: "a.localhost", scheme: "http", port: 80 })).toBe("http://a.localhost/");
    expect(hostUrl({ host: "a.localhost", scheme: "https", port: 8443 })).toBe("https://a.localhost:8443/");
  });
});

describe("ingressSiteFor", () => {
  const container = (ip: string, extra: Partial<{ observedState: string; health: string | null }> = {}) => ({
    ip,
    observedState: "RUNNING",
    desiredState: "RUNNING",
    health: "HEALTHY",
    ...extra,
  });
  const row = (layers: IngressEnvironmentRow["layers"], extra: Partial<IngressEnvironmentRow> = {}) => ({
    id: "e1",
    name: "shop",
    desiredState: "RUNNING" as const,
    httpsRedirect: false,
    ownerHandle: "alice",
    customDomains: [],
    layers,
    ...extra,
  });

  it("routes to the balancer when there is one, else the first app or static layer", () => {
    const app = { role: "APP", stack: "nodejs", position: 0, containers: [container("10.213.1.3")] };
    const lb = { role: "BALANCER", stack: "nginx", position: 1, containers: [container("10.213.1.2")] };
    expect(entryLayerOf([app, lb])).toBe(lb);
    expect(ingressSiteFor(row([app, lb]), "localhost")).toMatchObject({
      hosts: ["shop-alice.localhost"],
      state: "running",
      upstreams: ["10.213.1.2:80"],
    });
    expect(ingressSiteFor(row([app]), "localhost")!.upstreams).toEqual(["10.213.1.3:8080"]);
  });

  it("keeps only running, healthy containers — all running ones when none is healthy", () => {
    const layer = {
      role: "APP",
      stack: "nodejs",
      position: 0,
      containers: [
        container("10.213.1.3"),
        container("10.213.1.4", { health: "UNHEALTHY" }),
        container("10.213.1.5", { observedState: "STARTING" }),
      ],
    };
    expect(ingressSiteFor(row([layer]), "localhost")!.upstreams).toEqual(["10.213.1.3:8080"]);
    layer.containers[0].health = "UNHEALTHY";
    expect(ingressSiteFor(row([layer]), "localhost")!.upstreams).toEqual(["10.213.1.3:8080", "10.213.1.4:8080"]);
  });

  it("marks stopped and not-yet-running environments, and drops deleted ones", () => {
    const app = { role: "APP", stack: "nodejs", position: 0, containers: [] };
    expect(ingressSiteFor(row([app], { desiredState: "STOPPED" }), "localhost")!.state).toBe("stopped");
    expect(ingressSiteFor(row([app]), "localhost")!.state).toBe("unavailable");
    expect(ingressSiteFor(row([app], { desiredState: "DELETED" }), "localhost")).toBeNull();
  });
});

describe("nodeRoutesFor", () => {
  const node = (name: string, extra: Partial<RoutableNode> = {}): RoutableNode => ({
    name,
    engine: "LXC",
    transport: "SSH",
    sshHost: "192.168.10.21",
    subnet: "10.213.5.0/24",
    ...extra,
  });

  it("routes each remote lxc node's container subnet via its address", () => {
    expect(nodeRoutesFor([node("hn-2")]).routes).toEqual([
      { node: "hn-2", subnet: "10.213.5.0/24", via: "192.168.10.21" },
    ]);
  });

  it("leaves out local, loopback and non-lxc nodes and reports host names it cannot route", () => {
    const { routes, skipped } = nodeRoutesFor([
      node("local", { transport: "LOCAL", sshHost: null }),
      node("loop", { sshHost: "127.0.0.1" }),
      node("vz", { engine: "VIRTUOZZO" }),
      node("named", { sshHost: "hn-4.example.net" }),
    ]);
    expect(routes).toEqual([]);
    expect(skipped).toEqual([{ node: "named", reason: 'SSH host "hn-4.example.net" is not an IPv4 address' }]);
  });
});

describe("renderEndpointsTable", () => {
  it("DNATs each node port to its container, from outside and from the node itself, in one replaced table", () => {
    const text = renderEndpointsTable({
      bridge: "hp-br0",
      ports: [
        { nodePort: 30002, ip: "10.213.1.7", port: 6379 },
        { nodePort: 30001, ip: "10.213.1.5", port: 5432 },
      ],
    });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "add table ip hostplane_ep_hp_br0",
      "delete table ip hostplane_ep_hp_br0",
      "table ip hostplane_ep_hp_br0 {",
    ]);
    const rules = text.split("\n").filter((l) => l.includes("dnat"));
    expect(rules).toHaveLength(4);
    expect(rules[0]!.trim()).toBe("fib daddr type local tcp dport 30001 dnat to 10.213.1.5:5432");
  });

  it("removes the table in one transaction that also succeeds when there is none", () => {
    expect(renderEndpointsRemoval("hp-br0")).toBe(
      "add table ip hostplane_ep_hp_br0\ndelete table ip hostplane_ep_hp_br0\n",
    );
  });

  it("refuses what is not an address, a port or a bridge name", () => {
    expect(() => renderEndpointsRemoval("hp br0")).toThrow();
    expect(() => renderEndpointsTable({ bridge: "hp;x", ports: [] })).toThrow();
    expect(() =>
      renderEndpointsTable({ bridge: "hp-br0", ports: [{ nodePort: 70000, ip: "10.0.0.1", port: 1 }] }),
    ).toThrow();
    expect(() =>
      renderEndpointsTable({ bridge: "hp-br0", ports: [{ nodePort: 1, ip: "x; drop", port: 1 }] }),
    ).toThrow();
  });
});
