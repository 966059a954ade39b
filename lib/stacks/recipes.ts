// Recipes for the Debian stack templates: what is installed and written into the template
// container of each stack, and how its one service runs at container start. Pure data and
// pure functions; the lxc template builder (lib/orchestrator/engines/lxc/templates) applies
// them. Change anything here and recipeHash changes, so every node builds a new template.
import { createHash } from "node:crypto";
import { SAMPLE_APP_SERVER_JS } from "./sample-app/server";

/** The OS every stack template starts from: one debootstrap per machine, cached. */
export const OS_TEMPLATE = {
  id: "debian12",
  suite: "bookworm",
  variant: "minbase",
  /** Bump to rebuild the OS template (and so every stack template) everywhere. */
  version: 1,
} as const;

/**
 * How stack templates are laid out on a node; part of recipeHash, so a bump rebuilds every
 * stack template. 2 (issue 12): owners shifted into the unprivileged containers' id map.
 */
export const TEMPLATE_FORMAT = 2;

export interface RecipeFile {
  path: string;
  content: string;
  /** Octal permission string for chmod, e.g. "0644". */
  mode: string;
  /** user:group inside the container (resolved there), default root:root. */
  owner?: string;
}

export type StopSignal = "TERM" | "INT" | "QUIT";

export interface StackService {
  /** Runs as this user (setpriv, no extra process); root when absent. */
  user?: string;
  /** Its group; the user's name when absent. */
  group?: string;
  /** argv of the foreground service process. */
  argv: string[];
  /** What the service takes as "shut down fast" (lxc-stop's SIGPWR is translated to it). */
  stopSignal: StopSignal;
}

export interface StackRecipe {
  stackId: string;
  /** Bump when the recipe's behaviour changes without its data changing. */
  version: number;
  packages: string[];
  files: RecipeFile[];
  /** Removed from the template after installation (e.g. Debian's default nginx site). */
  removePaths: string[];
  /** Fixed POSIX shell run by the container's init as root before the service starts. */
  prepare: string;
  service: StackService;
  /** The TCP port that answers once the service is ready. */
  healthPort: number;
}

/** The init of every stack container: lxc.init.cmd of the template (PID 1). */
export const INIT_PATH = "/sbin/hostplane-init";
/** Per-container environment (KEY='value' lines), written by configureStackContainer. */
export const ENV_FILE = "/etc/hostplane/env";
/** Recipe-specific part of init: defines HP_STOP_SIGNAL, hp_prepare and hp_service. */
export const STACK_SCRIPT_PATH = "/etc/hostplane/stack.sh";
/** Marker written last into a finished template: {stackId, recipeHash, ...}. */
export const TEMPLATE_MARKER_PATH = "/etc/hostplane-template";
export const SERVICE_LOG = "/var/log/hostplane/service.log";
export const POSTGRES_INIT_SQL = "/etc/hostplane/postgresql-init.sql";
export const REDIS_AUTH_CONF = "/etc/hostplane/redis-auth.conf";
export const BALANCER_UPSTREAM_CONF = "/etc/nginx/conf.d/upstream.conf";

/**
 * PID 1 of a stack container. No systemd: load the environment, run the stack's prepare step,
 * start its one service in the background and wait. lxc-stop sends SIGPWR (SIGTERM/SIGINT
 * also work); each is forwarded as the service's own fast-shutdown signal, and the container
 * stops when the service exits, so stopping takes as long as the service needs, not lxc's
 * timeout. The network is configured by LXC (lxc.net.0.ipv4.*) before this runs.
 */
export const INIT_SCRIPT = `#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
LANG=C.UTF-8
export PATH HOME LANG
umask 022
if [ -r ${ENV_FILE} ]; then set -a; . ${ENV_FILE}; set +a; fi
. ${STACK_SCRIPT_PATH}
mkdir -p /var/log/hostplane
exec >>${SERVICE_LOG} 2>&1 </dev/null
echo "hostplane-init: preparing $(hostname)"
hp_prepare || echo "hostplane-init: prepare failed with $?"
echo "hostplane-init: starting service"
hp_service &
child=$!
trap 'kill -s "$HP_STOP_SIGNAL" "$child" 2>/dev/null' TERM INT PWR
trap '' HUP
while kill -0 "$child" 2>/dev/null; do wait "$child"; done
echo "hostplane-init: service exited"
`;

const NGINX_PID_AND_LOGS = `mkdir -p /var/log/nginx /var/lib/nginx
rm -f /run/nginx.pid`;

const NGINX_SERVICE: StackService = { argv: ["nginx", "-g", "daemon off;"], stopSignal: "TERM" };

export interface Upstream {
  ip: string;
  port: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The balancer's nginx site: round robin over the upstreams, a failed or timed-out upstream
 * is skipped for the request; with no upstream at all every request gets 503.
 */
export function renderBalancerConfig(upstreams: readonly Upstream[]): string {
  for (const upstream of upstreams) {
    if (!IPV4.test(upstream.ip)) throw new TypeError(`invalid upstream address ${JSON.stringify(upstream.ip)}`);
    if (!Number.isInteger(upstream.port) || upstream.port < 1 || upstream.port > 65535)
      throw new TypeError(`invalid upstream port ${upstream.port}`);
  }
  const header = "# Managed by Hostplane (writeBalancerUpstreams); rewritten when the application layer changes.\n";
  if (upstreams.length === 0) {
    return `${header}server {\n    listen 80 default_server;\n    location / {\n        return 503 "no application servers\\n";\n    }\n}\n`;
  }
  const servers = upstreams.map((u) => `    server ${u.ip}:${u.port} max_fails=1 fail_timeout=5s;`).join("\n");
  // zone: round-robin state shared by all worker processes, so consecutive requests alternate.
  return `${header}upstream hostplane_app {
    zone hostplane_app 64k;
${servers}
}
server {
    listen 80 default_server;
    location / {
        proxy_pass http://hostplane_app;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout http_502 http_503;
    }
}
`;
}

const RECIPES: Record<string, StackRecipe> = {
  nginx: {
    stackId: "nginx",
    version: 1,
    packages: ["nginx"],
    files: [{ path: BALANCER_UPSTREAM_CONF, content: renderBalancerConfig([]), mode: "0644" }],
    removePaths: ["/etc/nginx/sites-enabled/default"],
    prepare: NGINX_PID_AND_LOGS,
    service: NGINX_SERVICE,
    healthPort: 80,
  },
  static: {
    stackId: "static",
    version: 1,
    packages: ["nginx"],
    files: [
      {
        path: "/etc/nginx/conf.d/static.conf",
        content:
          "server {\n    listen 80 default_server;\n    root /var/www/html;\n    index index.html;\n    location / {\n        try_files $uri $uri/ =404;\n    }\n}\n",
        mode: "0644",
      },
      {
        path: "/var/www/html/index.html",
        content: "<!doctype html>\n<title>Hostplane</title>\n<h1>Static site served by Hostplane</h1>\n",
        mode: "0644",
      },
    ],
    removePaths: ["/etc/nginx/sites-enabled/default", "/var/www/html/index.nginx-debian.html"],
    prepare: NGINX_PID_AND_LOGS,
    service: NGINX_SERVICE,
    healthPort: 80,
  },
  nodejs: {
    stackId: "nodejs",
    version: 1,
    packages: ["nodejs"],
    files: [{ path: "/opt/hostplane/app/server.js", content: SAMPLE_APP_SERVER_JS, mode: "0644" }],
    removePaths: [],
    prepare: ":",
    service: { user: "nobody", group: "nogroup", argv: ["node", "/opt/hostplane/app/server.js"], stopSignal: "TERM" },
    healthPort: 8080,
  },
  postgresql: {
    stackId: "postgresql",
    version: 1,
    packages: ["postgresql-15"],
    files: [
      {
        path: "/etc/postgresql/15/main/conf.d/hostplane.conf",
        content: "listen_addresses = '*'\npassword_encryption = scram-sha-256\nlogging_collector = off\n",
        mode: "0644",
        owner: "postgres:postgres",
      },
      {
        // samenet: the subnet(s) the container is attached to, i.e. its node's /24 (or its home /24 after migration).
        path: "/etc/postgresql/15/main/pg_hba.conf",
        content:
          "# Managed by Hostplane\nlocal all postgres peer\nlocal all all peer\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all samenet scram-sha-256\n",
        mode: "0640",
        owner: "postgres:postgres",
      },
    ],
    removePaths: [],
    // Credentials from configureStackContainer are applied in single-user mode before the
    // server listens, so the health-check port never answers before the role exists.
    prepare: `mkdir -p /run/postgresql
chown postgres:postgres /run/postgresql
chmod 2775 /run/postgresql
if [ -s ${POSTGRES_INIT_SQL} ]; then
  setpriv --reuid=postgres --regid=postgres --init-groups -- /usr/lib/postgresql/15/bin/postgres --single -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf postgres <${POSTGRES_INIT_SQL} >/dev/null
fi`,
    service: {
      user: "postgres",
      argv: [
        "/usr/lib/postgresql/15/bin/postgres",
        "-D",
        "/var/lib/postgresql/15/main",
        "-c",
        "config_file=/etc/postgresql/15/main/postgresql.conf",
      ],
      stopSignal: "INT",
    },
    healthPort: 5432,
  },
  redis: {
    stackId: "redis",
    version: 1,
    packages: ["redis-server"],
    files: [
      {
        path: "/etc/redis/hostplane.conf",
        content: `# Managed by Hostplane: foreground, all interfaces; the password comes from ${REDIS_AUTH_CONF}.
bind 0.0.0.0
port 6379
protected-mode yes
daemonize no
supervised no
dir /var/lib/redis
logfile ""
save 3600 1 300 100 60 10000
include ${REDIS_AUTH_CONF}
`,
        mode: "0644",
      },
      { path: REDIS_AUTH_CONF, content: "", mode: "0600", owner: "redis:redis" },
    ],
    removePaths: [],
    prepare: `mkdir -p /var/lib/redis
chown redis:redis /var/lib/redis ${REDIS_AUTH_CONF}
chmod 0600 ${REDIS_AUTH_CONF}`,
    service: { user: "redis", argv: ["redis-server", "/etc/redis/hostplane.conf"], stopSignal: "TERM" },
    healthPort: 6379,
  },
};

/** The recipe of a Debian-template stack, or null (busybox and unknown stacks have none). */
export function getRecipe(stackId: string): StackRecipe | null {
  return RECIPES[stackId] ?? null;
}

export function requireRecipe(stackId: string): StackRecipe {
  const recipe = getRecipe(stackId);
  if (!recipe) throw new TypeError(`stack ${JSON.stringify(stackId)} has no Debian template recipe`);
  return recipe;
}

export const RECIPE_STACK_IDS = Object.keys(RECIPES);

/** POSIX single quotes: every byte literal except ', written as '\''. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The recipe-specific part of init (sourced by INIT_SCRIPT). Only recipe data goes in here. */
export function renderStackScript(recipe: StackRecipe): string {
  const { service } = recipe;
  const runAs = service.user
    ? ["setpriv", `--reuid=${service.user}`, `--regid=${service.group ?? service.user}`, "--init-groups", "--"]
    : [];
  return `# Managed by Hostplane: stack ${recipe.stackId}, sourced by ${INIT_PATH}.
HP_STOP_SIGNAL=${service.stopSignal}
hp_prepare() {
${recipe.prepare}
}
hp_service() {
  exec ${[...runAs, ...service.argv].map(quote).join(" ")}
}
`;
}

/** Every file a template of this stack gets from the recipe, init and stack script included. */
export function templateFiles(recipe: StackRecipe): RecipeFile[] {
  return [
    { path: INIT_PATH, content: INIT_SCRIPT, mode: "0755" },
    { path: STACK_SCRIPT_PATH, content: renderStackScript(recipe), mode: "0644" },
    ...recipe.files,
  ];
}

/**
 * sha256 over everything that ends up in the template: OS template, recipe, init script.
 * The template name carries its first 8 hex digits, so a changed recipe means a new template.
 */
export function recipeHash(stackId: string): string {
  const recipe = requireRecipe(stackId);
  const content = JSON.stringify({ os: OS_TEMPLATE, format: TEMPLATE_FORMAT, recipe, files: templateFiles(recipe) });
  return createHash("sha256").update(content).digest("hex");
}

/** "hpt-<stack>-<hash8>": template containers are not hp- containers, so the engine ignores them. */
export function stackTemplateName(stackId: string): string {
  return `hpt-${stackId}-${recipeHash(stackId).slice(0, 8)}`;
}
