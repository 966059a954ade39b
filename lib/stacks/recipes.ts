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
  /** Present on stacks that take deploys (application and static layers): see DEPLOY_LAYOUT. */
  deploy?: StackDeploy;
}

/**
 * How a deployable stack serves a release. Every release is unpacked into RELEASES_DIR/<release id>
 * inside each container, built there (`buildCommand`, run as the container's root: tenant code, so
 * only ever inside the container), and served through the CURRENT_RELEASE symlink, which points at
 * `sampleDir` until the first deploy and whenever a layer is rolled back to "no release".
 */
export interface StackDeploy {
  /** What the stack serves before any deploy (the template's sample). */
  sampleDir: string;
  /** argv run inside the container with the release directory appended; absent: nothing to build. */
  buildCommand?: string[];
  /** True when the service must restart to serve a switched release (false: it follows the symlink per request). */
  restart: boolean;
  /** What the recipe does with a source tree, shown on the Deploy dialog. */
  describe: string;
}

export const RELEASES_DIR = "/opt/hostplane/releases";
export const CURRENT_RELEASE = "/opt/hostplane/current";
/** Written into a release directory once it is unpacked and built: staging it again does nothing. */
export const RELEASE_READY_MARKER = ".hostplane-ready";

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
 * start its one service in the background and supervise it: a service that exits on its own is
 * restarted with a backoff (the container stays up, its log readable). lxc-stop sends SIGPWR
 * (SIGTERM/SIGINT also work); each is forwarded as the service's own fast-shutdown signal, and
 * the container stops when the service exits, so stopping takes as long as the service needs,
 * not lxc's timeout. The network is configured by LXC (lxc.net.0.ipv4.*) before this runs.
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
stopping=
child=
trap 'stopping=yes; [ -n "$child" ] && kill -s "$HP_STOP_SIGNAL" "$child" 2>/dev/null' TERM INT PWR
trap '' HUP
delay=1
while [ -z "$stopping" ]; do
  echo "hostplane-init: starting service"
  started=$(date +%s)
  hp_service &
  child=$!
  code=0
  while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
  [ -n "$stopping" ] && break
  # A crashed service is restarted (1 s, doubling to 30 s while it keeps crashing within a minute);
  # the container stays up so its log can be read, and the health checks see the service down.
  if [ $(($(date +%s) - started)) -ge 60 ]; then delay=1; fi
  echo "hostplane-init: service exited with status $code; restarting in $delay s"
  sleep "$delay" &
  wait $!
  delay=$((delay * 2))
  if [ "$delay" -gt 30 ]; then delay=30; fi
done
echo "hostplane-init: service stopped"
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

/**
 * The Node.js service: starts the current release the way `npm start` would (scripts.start through
 * sh with node_modules/.bin on PATH), else its package.json "main", else server.js / index.js / app.js.
 * PORT is 8080 unless the environment says otherwise: the balancer and health checks use that port.
 */
export const NODE_START_SCRIPT = `#!/bin/sh
# Managed by Hostplane: starts the Node.js layer's current release.
PORT="\${PORT:-8080}"
export PORT
cd ${CURRENT_RELEASE} || exit 1
if [ -f package.json ]; then
  start=$(node -e 'const p = require("./package.json"); process.stdout.write((p.scripts && p.scripts.start) || "")') || exit 1
  if [ -n "$start" ]; then
    PATH="$PWD/node_modules/.bin:$PATH"
    export PATH
    exec sh -c "$start"
  fi
  main=$(node -e 'process.stdout.write(require("./package.json").main || "")') || exit 1
  if [ -n "$main" ]; then exec node "$main"; fi
fi
for file in server.js index.js app.js; do
  if [ -f "$file" ]; then exec node "$file"; fi
done
echo "hostplane-start: nothing to start in $(pwd -P): no scripts.start, main, server.js, index.js or app.js" >&2
exit 1
`;

/**
 * The Node.js build, run as root inside the container in the release directory: `npm ci` with a
 * lockfile, else `npm install` when the package has dependencies, then `npm run build` when defined.
 */
export const NODE_BUILD_SCRIPT = `#!/bin/sh
# Managed by Hostplane: builds a Node.js release in place.
set -eu
cd "$1"
HOME=/root
npm_config_update_notifier=false
npm_config_fund=false
npm_config_audit=false
npm_config_loglevel=warn
export HOME npm_config_update_notifier npm_config_fund npm_config_audit npm_config_loglevel
if [ ! -f package.json ]; then
  echo "no package.json: nothing to install or build"
  exit 0
fi
if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then
  echo "$ npm ci"
  npm ci
elif node -e 'const p = require("./package.json"); process.exit(Object.keys({ ...p.dependencies, ...p.devDependencies }).length ? 0 : 1)'; then
  echo "$ npm install"
  npm install
else
  echo "no dependencies to install"
fi
if node -e 'const p = require("./package.json"); process.exit(p.scripts && p.scripts.build ? 0 : 1)'; then
  echo "$ npm run build"
  npm run build
fi
`;

const NODE_START_PATH = "/usr/local/bin/hostplane-start";
const NODE_BUILD_PATH = "/usr/local/bin/hostplane-build";
const STATIC_ROOT_PATH = "/usr/local/bin/hostplane-static-root";

/**
 * A static layer's "build": the archive's root when it has an index.html, else the first built site
 * among dist/, build/, public/, _site/ and out/ becomes the release's root (a site built before upload).
 */
export const STATIC_ROOT_SCRIPT = `#!/bin/sh
# Managed by Hostplane: picks what a static layer serves from a release.
set -eu
dir="$1"
if [ -f "$dir/index.html" ]; then
  echo "serving the archive's root"
  exit 0
fi
for sub in dist build public _site out; do
  if [ -f "$dir/$sub/index.html" ]; then
    rm -rf "$dir.src"
    mv "$dir" "$dir.src"
    mv "$dir.src/$sub" "$dir"
    rm -rf "$dir.src"
    echo "serving $sub/ (a built site)"
    exit 0
  fi
done
echo "serving the archive's root: no index.html there nor in dist/, build/, public/, _site/ or out/"
`;
const NODE_SAMPLE_DIR = "/opt/hostplane/app";
const STATIC_SAMPLE_DIR = "/var/www/html";

/** Points CURRENT_RELEASE at the sample until a deploy switched it (run by init before the service). */
const linkSample = (dir: string) => `[ -e ${CURRENT_RELEASE} ] || ln -s ${dir} ${CURRENT_RELEASE}`;

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
        content: `server {\n    listen 80 default_server;\n    root ${CURRENT_RELEASE};\n    index index.html;\n    location / {\n        try_files $uri $uri/ =404;\n    }\n}\n`,
        mode: "0644",
      },
      {
        path: "/var/www/html/index.html",
        content: "<!doctype html>\n<title>Hostplane</title>\n<h1>Static site served by Hostplane</h1>\n",
        mode: "0644",
      },
      { path: STATIC_ROOT_PATH, content: STATIC_ROOT_SCRIPT, mode: "0755" },
    ],
    removePaths: ["/etc/nginx/sites-enabled/default", "/var/www/html/index.nginx-debian.html"],
    prepare: `${NGINX_PID_AND_LOGS}
mkdir -p ${RELEASES_DIR}
${linkSample(STATIC_SAMPLE_DIR)}`,
    service: NGINX_SERVICE,
    healthPort: 80,
    deploy: {
      sampleDir: STATIC_SAMPLE_DIR,
      buildCommand: [STATIC_ROOT_PATH],
      restart: false,
      describe:
        "nginx serves the archive's root, or its built site in dist/, build/, public/, _site/ or out/ when the root has no index.html (build before uploading: static containers run no Node.js).",
    },
  },
  nodejs: {
    stackId: "nodejs",
    version: 1,
    packages: ["nodejs", "npm"],
    files: [
      { path: `${NODE_SAMPLE_DIR}/server.js`, content: SAMPLE_APP_SERVER_JS, mode: "0644" },
      { path: NODE_START_PATH, content: NODE_START_SCRIPT, mode: "0755" },
      { path: NODE_BUILD_PATH, content: NODE_BUILD_SCRIPT, mode: "0755" },
    ],
    removePaths: [],
    prepare: `mkdir -p ${RELEASES_DIR}
${linkSample(NODE_SAMPLE_DIR)}`,
    service: { user: "nobody", group: "nogroup", argv: [NODE_START_PATH], stopSignal: "TERM" },
    healthPort: 8080,
    deploy: {
      sampleDir: NODE_SAMPLE_DIR,
      buildCommand: [NODE_BUILD_PATH],
      restart: true,
      describe:
        "npm ci with a lockfile (else npm install when there are dependencies), npm run build when defined, then npm start (else main, server.js or index.js) with PORT=8080.",
    },
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
