// Generated credentials for SQL / cache layers: created with the environment, sealed at rest,
// handed to the service container and to the environment's app containers as env variables.
import { randomBytes } from "node:crypto";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";

export type StackCredentials = { user?: string; password: string; database?: string };

const STACKS_WITH_CREDENTIALS = new Set(["postgresql", "redis"]);

export function needsCredentials(stackId: string): boolean {
  return STACKS_WITH_CREDENTIALS.has(stackId);
}

export function generateCredentials(stackId: string, layerName: string): string | null {
  if (!needsCredentials(stackId)) return null;
  const password = randomBytes(18).toString("base64url");
  const creds: StackCredentials =
    stackId === "postgresql"
      ? { user: `app_${layerName}`.slice(0, 30), password, database: `app_${layerName}`.slice(0, 30) }
      : { password };
  return sealSecret(JSON.stringify(creds));
}

export function readCredentials(sealed: string | null): StackCredentials | null {
  return sealed ? (JSON.parse(openSecret(sealed)) as StackCredentials) : null;
}

/** Env for the service container itself (what its init applies). */
export function serviceEnv(stackId: string, creds: StackCredentials | null): Record<string, string> {
  if (!creds) return {};
  if (stackId === "postgresql")
    return {
      HOSTPLANE_DB_USER: creds.user!,
      HOSTPLANE_DB_PASSWORD: creds.password,
      HOSTPLANE_DB_NAME: creds.database!,
    };
  if (stackId === "redis") return { REDIS_PASSWORD: creds.password };
  return {};
}

/**
 * The generated variable each service layer gives app containers, in layer order: the first database
 * layer is DATABASE_URL, the first cache REDIS_URL; further ones get the layer's name appended.
 */
export function connectionVariableNames<T extends { stack: string; name: string; position: number }>(
  layers: readonly T[],
): [T, string][] {
  const taken = new Set<string>();
  return [...layers]
    .sort((a, b) => a.position - b.position)
    .map((layer) => {
      const key = layer.stack === "postgresql" ? "DATABASE_URL" : "REDIS_URL";
      const name = taken.has(key) ? `${key}_${layer.name.toUpperCase()}` : key;
      taken.add(key);
      return [layer, name];
    });
}

/** Connection string of one service container, as shown to the owner and given to app containers. */
export function connectionString(stackId: string, creds: StackCredentials, ip: string, port?: number): string {
  if (stackId === "postgresql")
    return `postgresql://${creds.user}:${encodeURIComponent(creds.password)}@${ip}:${port ?? 5432}/${creds.database}`;
  return `redis://:${encodeURIComponent(creds.password)}@${ip}:${port ?? 6379}`;
}
