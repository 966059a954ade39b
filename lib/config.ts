// Every environment variable the panel reads, declared once: type, default and what it does. Code reads
// `config.NAME` (parsed on each access, so a test or script that sets process.env before a call is seen);
// a malformed value throws a clear error naming the variable instead of turning into NaN.
// Adding a variable is one line in VARIABLES below plus its row in the README's configuration table
// (lib/config.test.ts fails until the row is there). scripts/*.mjs cannot import TypeScript: the few
// variables they read are declared here too (reader "mjs") and read there directly.
import { z } from "zod";

/** Where a variable matters: the running panel, or only test and benchmark runs. */
type Scope = "panel" | "test";

type Variable<T extends z.ZodType = z.ZodType> = {
  schema: T;
  description: string;
  scope: Scope;
  /** Read by a plain-JavaScript script (scripts/*.mjs) besides, or instead of, through this module. */
  mjs?: boolean;
};

const TRUE = ["1", "true", "on", "yes"];
const FALSE = ["0", "false", "off", "no"];
const onOff = z.string().transform((value, ctx) => {
  const v = value.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  ctx.addIssue({ code: "custom", message: `expected one of ${[...TRUE, ...FALSE].join(", ")}` });
  return z.NEVER;
});

function v<T extends z.ZodType>(schema: T, description: string, options: { scope?: Scope; mjs?: boolean } = {}) {
  return { schema, description, scope: options.scope ?? "panel", mjs: options.mjs } satisfies Variable<T>;
}
const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);
const text = (fallback: string) => z.string().default(fallback);
const optional = () => z.string().optional();
const flag = (fallback: boolean) => onOff.default(fallback);

export const VARIABLES = {
  DATABASE_URL: v(optional(), "use this PostgreSQL instead of the embedded one (panels and workers share one state)"),
  PORT: v(int(3000), "HTTP port of the panel", { mjs: true }), // also read by scripts/next-server.mjs
  NEXTAUTH_URL: v(optional(), "the panel's public URL for sign-in callbacks (default http://localhost:PORT)"),
  NEXTAUTH_SECRET: v(optional(), "session signing secret; generated into .data/secrets.json on first start"),
  GITHUB_ID: v(optional(), 'with GITHUB_SECRET: enables "Sign in with GitHub" (same account rules as sign-up)'),
  GITHUB_SECRET: v(optional(), "the GitHub OAuth app's client secret"),
  HOSTPLANE_SECRET: v(optional(), "seals stored secrets (SSH keys, stack credentials); generated like NEXTAUTH_SECRET"),
  HOSTPLANE_DATA_DIR: v(optional(), "embedded PostgreSQL, secrets and known_hosts live here (default .data/)"),
  HOSTPLANE_ADMIN_EMAIL: v(text("admin@hostplane.local"), "the first admin, created on first start"),
  HOSTPLANE_ADMIN_PASSWORD: v(optional(), "the first admin's password (otherwise generated and printed once)"),
  HOSTPLANE_SIGNUP: v(onOff.optional(), "off: self-service sign-up is closed whatever the admin switch says"),
  HOSTPLANE_DB_POOL: v(int(20), "PostgreSQL connections of the panel's pool (requests and actions) per process"),
  HOSTPLANE_WORKER_DB_POOL: v(int(8), "PostgreSQL connections of the worker's own pool (jobs, resync, metrics)"),
  HOSTPLANE_EVENTS_MAX_PER_USER: v(int(20), "open live-event streams one user may hold (one per tab); more get 429"),
  HOSTPLANE_EVENTS_MAX_STREAMS: v(int(1000), "open live-event streams one panel process serves; more get 429"),
  HOSTPLANE_WORKER: v(flag(true), "off: `npm start` runs no worker (run `npm run worker` elsewhere)"),
  HOSTPLANE_TEMPLATE_WARM: v(
    flag(true),
    "off: the worker does not build lxc nodes' stack templates in the background (they are built on first use)",
  ),
  HOSTPLANE_WORKER_CONCURRENCY: v(int(3), "environments one worker converges at once"),
  HOSTPLANE_STEP_PARALLELISM: v(int(6), "steps of one phase run at once across an operation's containers"),
  HOSTPLANE_MAX_STEP_ATTEMPTS: v(int(6), "a step failing transiently this often fails its operation"),
  HOSTPLANE_RESYNC_INTERVAL_MS: v(int(30_000), "how often every node is observed and drift repaired"),
  HOSTPLANE_METRICS_INTERVAL_MS: v(int(15_000), "how often container metrics are sampled"),
  HOSTPLANE_HEALTH_INTERVAL_MS: v(int(5_000), "how often balancer upstreams are health-checked"),
  HOSTPLANE_ORPHAN_GRACE_MS: v(int(300_000, 0), "an hp-* container without a row is destroyed after this long"),
  HOSTPLANE_ORPHAN_JOB_SECONDS: v(int(5), "a running job whose environment lock is free this long is retried"),
  HOSTPLANE_JOB_EXPIRE_SECONDS: v(int(900), "pg-boss expires a reconcile job running longer than this"),
  HOSTPLANE_QUEUE_MAINTENANCE_SECONDS: v(int(10), "pg-boss maintenance interval (expired jobs are noticed)"),
  HOSTPLANE_LOCAL_NODE: v(flag(true), "off: do not enrol this machine as an LXC hardware node on first start"),
  HOSTPLANE_LOCAL_LXC_PATH: v(text("/var/lib/hostplane/lxc/local"), "the local node's lxcpath"),
  HOSTPLANE_LOCAL_BRIDGE: v(text("hp-br0"), "the local node's bridge"),
  HOSTPLANE_LOCAL_SUBNET: v(text("10.213.1.0/24"), "the local node's container subnet (inside 10.213.0.0/16)"),
  HOSTPLANE_DOMAIN: v(text("localhost"), "environments answer at <env>-<owner handle>.<this domain> (wildcard DNS)"),
  HOSTPLANE_INGRESS: v(flag(true), "off: npm start runs no ingress (Caddy) and the worker pushes no routes", {
    mjs: true,
  }),
  HOSTPLANE_INGRESS_HTTP_PORT: v(int(80), "the ingress's HTTP port"),
  HOSTPLANE_INGRESS_HTTPS_PORT: v(int(443), "the ingress's HTTPS port"),
  HOSTPLANE_INGRESS_GOMAXPROCS: v(
    z.coerce.number().int().min(1).optional(),
    "CPU threads Caddy runs Go code on (GOMAXPROCS; default: the machine's cores less one, at least 1)",
  ),
  HOSTPLANE_DEPLOY_DIR: v(
    optional(),
    "uploaded and normalised deploy archives of kept releases (default <data dir>/releases)",
  ),
  HOSTPLANE_DEPLOY_MAX_MIB: v(int(200), "largest deploy archive accepted, in MiB"),
  HOSTPLANE_DEPLOY_HEALTH_TIMEOUT_S: v(int(60), "how long a switched container has to answer its layer's health path"),
  HOSTPLANE_LOG_MAX_KIB: v(int(10_240), "service log kept per container, in KiB (older half dropped when exceeded)"),
  HOSTPLANE_INGRESS_DIR: v(optional(), "the ingress's admin socket, certificates and log (default <data dir>/caddy)"),
  HOSTPLANE_ACME_EMAIL: v(
    optional(),
    "with it, public names get ACME (Let's Encrypt) certificates; else the internal CA",
  ),
  HOSTPLANE_TRUSTED_PROXIES: v(
    optional(),
    "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed",
  ),
  HOSTPLANE_DEBUG: v(flag(false), "on: print the embedded PostgreSQL server's log"),
  HOSTPLANE_SKIP_SYSTEM_PACKAGES: v(flag(false), "1: npm start does not apt-get install LXC and friends", {
    mjs: true,
  }),
  HOSTPLANE_FAILPOINT: v(optional(), "<step>[:<n>]: SIGKILL the worker the n-th time it reaches step", {
    scope: "test",
  }),
  HOSTPLANE_CRASH_KILLS: v(int(3), "kills per named step in crash.integration.test.ts", { scope: "test" }),
  HOSTPLANE_SCREENSHOTS: v(flag(false), "1: e2e/environments.spec.ts refreshes docs/screenshots", { scope: "test" }),
  HOSTPLANE_PAGE_SCREENSHOTS: v(
    optional(),
    "a directory: e2e/ux.spec.ts saves every page there at 390 px and in dark mode",
    {
      scope: "test",
    },
  ),
} as const;

export type VariableName = keyof typeof VARIABLES;
export type Config = { readonly [K in VariableName]: z.output<(typeof VARIABLES)[K]["schema"]> };

/** Parses one variable now; an empty value counts as unset. */
export function readVariable<K extends VariableName>(
  name: K,
  env: Record<string, string | undefined> = process.env,
): Config[K] {
  const raw = env[name];
  const parsed = VARIABLES[name].schema.safeParse(raw === "" ? undefined : raw);
  if (!parsed.success)
    throw new Error(
      `${name}=${JSON.stringify(raw)} is invalid: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  return parsed.data as Config[K];
}

/** `config.HOSTPLANE_WORKER_CONCURRENCY` and so on: typed, defaulted, read at access time. */
export const config: Config = Object.defineProperties(
  {},
  Object.fromEntries(
    Object.keys(VARIABLES).map((name) => [name, { enumerable: true, get: () => readVariable(name as VariableName) }]),
  ),
) as Config;
