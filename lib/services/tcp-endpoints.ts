// TCP endpoints: an owner publishes a container port (PostgreSQL 5432, Redis 6379, anything) on a port
// of the hardware node that runs the container, from the range an admin sets. The DNAT rules are desired
// state (lib/orchestrator/ingress/endpoints-nft.ts), applied per node by syncTcpEndpoints after every
// change, after migrations and deletions, and by every resync. Admins switch endpoints off per region.
import type { Actor } from "@/lib/auth/actor";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { logIgnored } from "@/lib/log";
import { renderEndpointsRemoval, renderEndpointsTable } from "@/lib/orchestrator/ingress/endpoints-nft";
import { connectionString, readCredentials } from "@/lib/stacks/credentials";
import {
  TCP_ENDPOINT_DEFAULT_RANGE,
  ZTcpEndpointRange,
  type AddTcpEndpointInput,
  type TcpEndpointRange,
} from "@/lib/validation/endpoints";
import { recordAudit } from "./audit";
import { getOwnedEnvironment } from "./environment-ops";
import { gatewayOf, runnerFor } from "./node-engine";

const RANGE_KEY = "tcpEndpointRange";
/** pg_advisory_xact_lock keys: port allocation, and one rules computation + apply at a time. */
const ALLOCATE_LOCK = 7_265_113;
const APPLY_LOCK = 7_265_114;

function fieldError(field: string, message: string): AppError {
  return new AppError("VALIDATION", message, { fieldErrors: { [field]: [message] } });
}

function requireAdmin(actor: Actor) {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can do this.");
}

export async function getTcpEndpointRange(): Promise<TcpEndpointRange> {
  const row = await db.setting.findUnique({ where: { key: RANGE_KEY } });
  const parsed = ZTcpEndpointRange.safeParse(row?.value);
  return parsed.success ? parsed.data : { ...TCP_ENDPOINT_DEFAULT_RANGE };
}

/** Admin: the node ports endpoints are allocated from. Existing endpoints outside it keep their port. */
export async function setTcpEndpointRange(o: { actor: Actor; input: TcpEndpointRange; ip?: string | null }) {
  requireAdmin(o.actor);
  await db.$transaction(async (tx) => {
    await tx.setting.upsert({
      where: { key: RANGE_KEY },
      create: { key: RANGE_KEY, value: o.input },
      update: { value: o.input },
    });
    await recordAudit(
      {
        actorId: o.actor.id,
        action: "ingress.tcp-range",
        targetType: "setting",
        targetId: RANGE_KEY,
        ip: o.ip ?? null,
        detail: o.input,
      },
      tx,
    );
  });
  return o.input;
}

/** Admin: TCP endpoints on or off in a region (off removes their rules at once; the rows stay). */
export async function setRegionTcpEndpoints(o: {
  actor: Actor;
  input: { regionId: string; enabled: boolean };
  ip?: string | null;
}) {
  requireAdmin(o.actor);
  await db.$transaction(async (tx) => {
    const region = await tx.region.findUnique({ where: { id: o.input.regionId } });
    if (!region) throw new AppError("NOT_FOUND", "Region not found.");
    await tx.region.update({ where: { id: region.id }, data: { tcpEndpoints: o.input.enabled } });
    await recordAudit(
      {
        actorId: o.actor.id,
        action: "region.tcp-endpoints",
        targetType: "region",
        targetId: region.id,
        ip: o.ip ?? null,
        detail: { name: region.name, enabled: o.input.enabled },
      },
      tx,
    );
  });
  await syncTcpEndpoints().catch(logIgnored("applying endpoint rules after the region switch (resync retries)"));
  return { enabled: o.input.enabled };
}

export async function addTcpEndpoint(o: { actor: Actor; input: AddTcpEndpointInput; ip?: string | null }) {
  const { actor, input } = o;
  const env = await getOwnedEnvironment(actor, input.environmentId);
  const region = await db.region.findUniqueOrThrow({ where: { id: env.regionId } });
  if (!region.tcpEndpoints) throw new AppError("CONFLICT", `TCP endpoints are switched off in region ${region.name}.`);
  const container = await db.container.findFirst({
    where: { id: input.containerId, environmentId: env.id, desiredState: { not: "DELETED" } },
  });
  if (!container) throw fieldError("containerId", "Choose a container of this environment.");
  const range = await getTcpEndpointRange();
  if (input.nodePort !== undefined && (input.nodePort < range.from || input.nodePort > range.to))
    throw fieldError("nodePort", `Node ports are ${range.from}–${range.to}.`);
  let created;
  try {
    created = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${ALLOCATE_LOCK}::bigint)`;
      const used = new Set(
        (
          await tx.tcpEndpoint.findMany({
            where: { nodePort: { gte: range.from, lte: range.to } },
            select: { nodePort: true },
          })
        ).map((e) => e.nodePort),
      );
      let nodePort = input.nodePort ?? null;
      if (nodePort !== null && used.has(nodePort)) throw fieldError("nodePort", `Node port ${nodePort} is taken.`);
      for (let p = range.from; nodePort === null && p <= range.to; p++) if (!used.has(p)) nodePort = p;
      if (nodePort === null) throw fieldError("nodePort", `Every node port of ${range.from}–${range.to} is taken.`);
      const row = await tx.tcpEndpoint.create({
        data: { environmentId: env.id, containerId: container.id, containerPort: input.containerPort, nodePort },
        select: { id: true, nodePort: true },
      });
      await recordAudit(
        {
          actorId: actor.id,
          action: "environment.endpoint.add",
          targetType: "environment",
          targetId: env.id,
          ip: o.ip ?? null,
          detail: { environment: env.name, containerPort: input.containerPort, nodePort },
        },
        tx,
      );
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldError("containerPort", `Port ${input.containerPort} of this container is already published.`);
    throw error;
  }
  await syncTcpEndpoints().catch(logIgnored("applying endpoint rules (resync retries)"));
  return created;
}

export async function removeTcpEndpoint(o: {
  actor: Actor;
  environmentId: string;
  endpointId: string;
  ip?: string | null;
}) {
  const env = await getOwnedEnvironment(o.actor, o.environmentId);
  const removed = await db.$transaction(async (tx) => {
    const row = await tx.tcpEndpoint.findFirst({ where: { id: o.endpointId, environmentId: env.id } });
    if (!row) throw new AppError("NOT_FOUND", "Endpoint not found.");
    await tx.tcpEndpoint.delete({ where: { id: row.id } });
    await recordAudit(
      {
        actorId: o.actor.id,
        action: "environment.endpoint.remove",
        targetType: "environment",
        targetId: env.id,
        ip: o.ip ?? null,
        detail: { environment: env.name, nodePort: row.nodePort },
      },
      tx,
    );
    return { nodePort: row.nodePort };
  });
  await syncTcpEndpoints().catch(logIgnored("applying endpoint rules (resync retries)"));
  return removed;
}

type NodeRow = { transport: string; sshHost: string | null; subnet: string };

/** Where clients connect: the node's SSH address, else the platform domain (its bridge gateway on localhost). */
export function endpointHost(node: NodeRow): string {
  if (node.transport === "SSH" && node.sshHost) return node.sshHost;
  return config.HOSTPLANE_DOMAIN === "localhost" ? gatewayOf(node.subnet) : config.HOSTPLANE_DOMAIN;
}

export type TcpEndpointView = {
  id: string;
  container: string;
  containerPort: number;
  hostPort: string | null;
  /** For SQL and cache layers with generated credentials: a connection string (owner only). */
  connection: string | null;
  active: boolean;
};

export async function listTcpEndpoints(viewer: Pick<Actor, "id" | "role">, environmentId: string) {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    select: {
      ownerId: true,
      region: { select: { tcpEndpoints: true } },
      containers: {
        where: { desiredState: { not: "DELETED" } },
        orderBy: [{ layer: { position: "asc" } }, { ordinal: "asc" }],
        select: { id: true, ordinal: true, layer: { select: { name: true, stack: true, secretsEncrypted: true } } },
      },
      tcpEndpoints: {
        orderBy: { nodePort: "asc" },
        select: {
          id: true,
          containerPort: true,
          nodePort: true,
          container: {
            select: {
              ordinal: true,
              hardwareNode: { select: { transport: true, sshHost: true, subnet: true } },
              layer: { select: { name: true, stack: true, secretsEncrypted: true } },
            },
          },
        },
      },
    },
  });
  if (!env) return null;
  const endpoints = env.tcpEndpoints.map((e): TcpEndpointView => {
    const host = e.container.hardwareNode ? endpointHost(e.container.hardwareNode) : null;
    const creds = viewer.id === env.ownerId ? readCredentials(e.container.layer.secretsEncrypted) : null;
    const stack = e.container.layer.stack;
    const serviceConnection =
      host && creds && (stack === "postgresql" || stack === "redis")
        ? connectionString(stack, creds, host, e.nodePort)
        : null;
    return {
      id: e.id,
      container: `${e.container.layer.name} #${e.container.ordinal + 1}`,
      containerPort: e.containerPort,
      hostPort: host ? `${host}:${e.nodePort}` : null,
      connection: serviceConnection ?? (host ? `${host}:${e.nodePort}` : null),
      active: env.region.tcpEndpoints,
    };
  });
  const containers = env.containers.map((c) => ({
    id: c.id,
    label: `${c.layer.name} #${c.ordinal + 1}`,
    stack: c.layer.stack,
  }));
  return { enabled: env.region.tcpEndpoints, endpoints, containers };
}

/**
 * One `nft -f -` on the node, tried up to three times: nft 1.0 can fail a command with "Interrupted system
 * call" when another process changes the ruleset while it reads it (the isolation tables, other nodes'
 * applies). A node whose apply still fails stays marked and is retried by the next sync or resync.
 */
async function applyNft(runner: ReturnType<typeof runnerFor>, script: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const applied = await runner.run(["nft", "-f", "-"], { input: script, timeoutMs: 20_000 });
    if (applied.code === 0) return;
    if (attempt === 3) throw new Error(applied.stderr.trim().slice(0, 300));
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/** Nodes this process gave a non-empty table: they are checked again when their last endpoint goes. */
const published = new Set<string>();

/**
 * Applies the lxc nodes' DNAT tables: the endpoints of containers placed on each, in regions where
 * endpoints are on. Nodes with endpoints are always applied; a node without is checked (and a table of
 * ours removed) when this process published there or when it is in `sweep` (resync passes the nodes
 * that answered), so a change never waits on every node of the cluster. One apply at a time across
 * workers (advisory lock); a failing node is reported.
 */
export async function syncTcpEndpoints(
  options: { sweep?: string[] } = {},
): Promise<{ applied: string[]; failed: { node: string; error: string }[] }> {
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${APPLY_LOCK}::bigint)`;
      const nodes = await tx.hardwareNode.findMany({ where: { engine: "LXC", status: { not: "OFFLINE" } } });
      const endpoints = await tx.tcpEndpoint.findMany({
        where: { environment: { region: { tcpEndpoints: true } }, container: { ip: { not: null } } },
        select: { nodePort: true, containerPort: true, container: { select: { ip: true, hardwareNodeId: true } } },
      });
      const result = { applied: [] as string[], failed: [] as { node: string; error: string }[] };
      for (const node of nodes) {
        if (!node.bridge) continue;
        const portsHere = endpoints.filter((e) => e.container.hardwareNodeId === node.id).length;
        if (portsHere === 0 && !published.has(node.id) && !options.sweep?.includes(node.id)) continue;
        const ports = endpoints
          .filter((e) => e.container.hardwareNodeId === node.id)
          .map((e) => ({ nodePort: e.nodePort, ip: e.container.ip!, port: e.containerPort }));
        try {
          // No endpoints here: the node has no table of ours (one left from earlier endpoints goes).
          const script =
            ports.length === 0
              ? renderEndpointsRemoval(node.bridge)
              : renderEndpointsTable({ bridge: node.bridge, ports });
          await applyNft(runnerFor(node), script);
          if (ports.length === 0) published.delete(node.id);
          else published.add(node.id);
          result.applied.push(node.name);
        } catch (error) {
          result.failed.push({ node: node.name, error: (error as Error).message.slice(0, 300) });
        }
      }
      return result;
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
}

/** Admin regions page: the node-port range and each region's switch. */
export async function getTcpEndpointSettings(actor: Actor) {
  requireAdmin(actor);
  const [range, regions] = await Promise.all([
    getTcpEndpointRange(),
    db.region.findMany({
      orderBy: { name: "asc" },
      select: { id: true, name: true, tcpEndpoints: true, outboundNat: true },
    }),
  ]);
  return { range, regions };
}
