import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { getStack } from "@/lib/stacks/catalog";
import { connectionString, readCredentials } from "@/lib/stacks/credentials";
import { db } from "./client";

export type EnvironmentEndpoints = {
  entryPoint: { url: string; layer: string; healthy: boolean } | null;
  connections: {
    layer: string;
    stack: string;
    displayName: string;
    host: string;
    url: string | null;
    health: string | null;
  }[];
};

/**
 * Where to reach an environment: its entry point (the balancer, else the first app server) and the
 * connection strings of its databases and caches. Credentials are decrypted for the owner only.
 */
export async function getEnvironmentEndpoints(
  viewer: Pick<Actor, "id" | "role">,
  environmentId: string,
): Promise<EnvironmentEndpoints | null> {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    select: {
      ownerId: true,
      layers: {
        orderBy: { position: "asc" },
        select: {
          name: true,
          role: true,
          stack: true,
          secretsEncrypted: true,
          containers: {
            where: { desiredState: { not: "DELETED" } },
            orderBy: { ordinal: "asc" },
            select: { ip: true, health: true, observedState: true },
          },
        },
      },
    },
  });
  if (!env) return null;
  const web = (role: string) =>
    env.layers.find((l) => l.role === role && getStack(l.stack)?.ports[0] && l.containers[0]?.ip);
  const front = web("BALANCER") ?? web("STATIC") ?? web("APP");
  const port = front ? getStack(front.stack)!.ports[0] : 0;
  const entryPoint = front
    ? {
        url: `http://${front.containers[0].ip}${port === 80 ? "" : `:${port}`}/`,
        layer: front.name,
        healthy: front.containers[0].health === "HEALTHY",
      }
    : null;
  const connections = env.layers
    .filter((l) => l.secretsEncrypted && l.containers[0]?.ip)
    .map((l) => {
      const ip = l.containers[0].ip!;
      const creds = viewer.id === env.ownerId ? readCredentials(l.secretsEncrypted) : null;
      return {
        layer: l.name,
        stack: l.stack,
        displayName: getStack(l.stack)?.displayName ?? l.stack,
        host: `${ip}:${getStack(l.stack)?.ports[0] ?? ""}`,
        url: creds ? connectionString(l.stack, creds, ip) : null,
        health: l.containers[0].health,
      };
    });
  return { entryPoint, connections };
}
