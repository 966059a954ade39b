// Per-container configuration files of stack containers (pure): rendered from the env the
// worker passes to configureStackContainer and applied by the container's init at start.
import { InvalidInputError } from "../names";
import { ENV_FILE, POSTGRES_INIT_SQL, REDIS_AUTH_CONF, type RecipeFile } from "../../../stacks/recipes";
import { shellQuote } from "../../transport/quote";

/** Credentials end up in SQL literals and redis config strings: no quotes, $, \ or spaces. */
const CREDENTIAL = /^[A-Za-z0-9._~+/=:@%^*!,-]{1,256}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function credential(env: Record<string, string>, key: string): string | null {
  const value = env[key];
  if (value === undefined || value === "") return null;
  if (!CREDENTIAL.test(value))
    throw new InvalidInputError(`${key} may contain only letters, digits and . _ ~ + / = : @ % ^ * ! , -`);
  return value;
}

function identifier(value: string, key: string): string {
  if (!IDENTIFIER.test(value)) throw new InvalidInputError(`${key} must match ${IDENTIFIER}`);
  return value;
}

/**
 * KEY='value' lines, sourced by init with `set -a`: values stay literal whatever they contain, newlines
 * included (a PEM key in a variable); only NUL cannot be passed.
 */
export function renderEnvFile(env: Record<string, string>): string {
  const lines = Object.keys(env)
    .sort()
    .map((key) => {
      if (!ENV_NAME.test(key)) throw new InvalidInputError(`invalid environment variable name ${JSON.stringify(key)}`);
      const value = env[key]!;
      if (typeof value !== "string" || value.includes("\0"))
        throw new InvalidInputError(`environment variable ${key} cannot contain a NUL byte`);
      return `${key}=${shellQuote(value)}`;
    });
  return `# Managed by Hostplane (configureStackContainer)\n${lines.join("\n")}\n`;
}

/**
 * Statements for postgres --single (one per line): create or update the role, then the
 * database. Re-running is harmless: the role is altered, an existing database only logs an
 * error that single-user mode reports and skips.
 */
export function renderPostgresInitSql(options: { user: string; password: string; database: string }): string {
  const user = identifier(options.user, "HOSTPLANE_DB_USER");
  const database = identifier(options.database, "HOSTPLANE_DB_NAME");
  const password = `'${options.password}'`;
  return [
    `DO $hp$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${user}') THEN ALTER ROLE "${user}" WITH LOGIN PASSWORD ${password}; ELSE CREATE ROLE "${user}" WITH LOGIN PASSWORD ${password}; END IF; END $hp$`,
    `CREATE DATABASE "${database}" OWNER "${user}"`,
    `ALTER DATABASE "${database}" OWNER TO "${user}"`,
    "",
  ].join("\n");
}

export function renderRedisAuthConf(password: string | null): string {
  return password === null ? "" : `requirepass "${password}"\n`;
}

/**
 * Everything configureStackContainer writes for a stack: always the env file; for
 * postgresql the role/database SQL (HOSTPLANE_DB_USER, HOSTPLANE_DB_PASSWORD, optional
 * HOSTPLANE_DB_NAME defaulting to the user); for redis the requirepass include (REDIS_PASSWORD).
 */
export function stackContainerFiles(options: { stackId: string; env: Record<string, string> }): RecipeFile[] {
  const { stackId, env } = options;
  const files: RecipeFile[] = [{ path: ENV_FILE, content: renderEnvFile(env), mode: "0600" }];
  if (stackId === "postgresql") {
    const user = env.HOSTPLANE_DB_USER;
    const password = credential(env, "HOSTPLANE_DB_PASSWORD");
    if (user && password)
      files.push({
        path: POSTGRES_INIT_SQL,
        content: renderPostgresInitSql({ user, password, database: env.HOSTPLANE_DB_NAME || user }),
        mode: "0600",
      });
  }
  if (stackId === "redis")
    files.push({
      path: REDIS_AUTH_CONF,
      content: renderRedisAuthConf(credential(env, "REDIS_PASSWORD")),
      mode: "0600",
    });
  return files;
}
