import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { Prisma } from "../generated/prisma/client";
import { db } from "./client";
import { assertAdmin } from "./guard";
import { containerNameFor } from "@/lib/orchestrator/engines/names";
import { containerDisplayName } from "@/lib/words";

export const CONTAINER_STATES = [
  "PENDING",
  "CREATING",
  "STOPPED",
  "STARTING",
  "RUNNING",
  "STOPPING",
  "MIGRATING",
  "DELETING",
  "FAILED",
  "UNKNOWN",
] as const;
export const CONTAINER_SORT_KEYS = [
  "ram",
  "cpu",
  "cloudlets",
  "disk",
  "node",
  "owner",
  "environment",
  "created",
] as const;
export type ContainerSortKey = (typeof CONTAINER_SORT_KEYS)[number];

export type ContainerFilter = {
  nodeId?: string;
  owner?: string;
  environment?: string;
  state?: (typeof CONTAINER_STATES)[number];
};

export type ContainerListItem = {
  id: string;
  /** The name people read (`cp-1`). */
  name: string;
  /** The engine's name (`hp-<id>`). */
  engineName: string;
  layerName: string;
  ordinal: number;
  stack: string;
  state: string;
  desiredState: string;
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
  ip: string | null;
  environmentId: string;
  environmentName: string;
  ownerId: string;
  ownerEmail: string;
  nodeId: string | null;
  nodeName: string | null;
  /** The last ContainerMetric sample, if the worker has recorded any. */
  usage: { cpuMhz: number; ramMib: number; diskMib: number; at: Date } | null;
};

type Row = Omit<ContainerListItem, "usage" | "name" | "engineName"> & {
  cpuMhz: number | null;
  ramMib: number | null;
  diskMib: number | null;
  sampledAt: Date | null;
  total: bigint;
};

// Whitelisted ORDER BY expressions; user input only ever selects a key.
const ORDER: Record<ContainerSortKey, string> = {
  ram: `m."ramMib"`,
  cpu: `m."cpuMhz"`,
  cloudlets: `c."reservedCloudlets"`,
  disk: `m."diskMib"`,
  node: `n.name`,
  owner: `u.email`,
  environment: `e.name`,
  created: `c."createdAt"`,
};

function whereOf(filter: ContainerFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filter.nodeId) parts.push(Prisma.sql`c."hardwareNodeId" = ${filter.nodeId}`);
  if (filter.owner) parts.push(Prisma.sql`u.email ILIKE ${`%${escapeLike(filter.owner)}%`}`);
  if (filter.environment) parts.push(Prisma.sql`e.name ILIKE ${`%${escapeLike(filter.environment)}%`}`);
  if (filter.state) parts.push(Prisma.sql`c."observedState"::text = ${filter.state}`);
  return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Every container across nodes, with its owner, environment, node and latest usage sample. */
export async function listContainers(options: {
  actor: Actor;
  filter?: ContainerFilter;
  sort?: ContainerSortKey;
  dir?: "asc" | "desc";
  page?: number;
  pageSize?: number;
}): Promise<{ rows: ContainerListItem[]; total: number; page: number; pageSize: number }> {
  assertAdmin(options.actor);
  const pageSize = Math.min(200, Math.max(1, options.pageSize ?? 50));
  const page = Math.max(1, options.page ?? 1);
  const order = Prisma.raw(
    `${ORDER[options.sort ?? "ram"]} ${options.dir === "asc" ? "ASC" : "DESC"} NULLS LAST, c."createdAt" DESC, c.id`,
  );
  const rows = await db.$queryRaw<Row[]>`
    SELECT c.id, c.ordinal, c."observedState"::text AS state, c."desiredState"::text AS "desiredState",
           c."reservedCloudlets", c."dynamicCloudlets", c."diskGib", c.ip,
           l.name AS "layerName", l.stack, e.id AS "environmentId", e.name AS "environmentName",
           u.id AS "ownerId", u.email AS "ownerEmail", n.id AS "nodeId", n.name AS "nodeName",
           m."cpuMhz", m."ramMib", m."diskMib", m.at AS "sampledAt", count(*) OVER () AS total
    FROM "Container" c
    JOIN "Layer" l ON l.id = c."layerId"
    JOIN "Environment" e ON e.id = c."environmentId"
    JOIN "User" u ON u.id = e."ownerId"
    LEFT JOIN "HardwareNode" n ON n.id = c."hardwareNodeId"
    LEFT JOIN LATERAL (
      SELECT cm."cpuMhz", cm."ramMib", cm."diskMib", cm.at FROM "ContainerMetric" cm
      WHERE cm."containerId" = c.id ORDER BY cm.at DESC LIMIT 1
    ) m ON true
    ${whereOf(options.filter ?? {})}
    ORDER BY ${order}
    LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
  return {
    rows: rows.map(toItem),
    total: rows.length
      ? Number(rows[0]!.total)
      : options.page && options.page > 1
        ? await countContainers(options.filter ?? {})
        : 0,
    page,
    pageSize,
  };
}

async function countContainers(filter: ContainerFilter): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "Container" c JOIN "Environment" e ON e.id = c."environmentId" JOIN "User" u ON u.id = e."ownerId"
    ${whereOf(filter)}`;
  return Number(row?.n ?? 0);
}

function toItem(r: Row): ContainerListItem {
  const { cpuMhz, ramMib, diskMib, sampledAt, total: _total, ...rest } = r;
  return {
    ...rest,
    name: containerDisplayName(r.layerName, r.ordinal),
    engineName: containerNameFor(r.id),
    usage: sampledAt
      ? { cpuMhz: Number(cpuMhz ?? 0), ramMib: Number(ramMib ?? 0), diskMib: Number(diskMib ?? 0), at: sampledAt }
      : null,
  };
}

/** Containers placed on one node, for the node page. */
export async function listNodeContainers(options: { actor: Actor; nodeId: string }): Promise<ContainerListItem[]> {
  return (
    await listContainers({
      actor: options.actor,
      filter: { nodeId: options.nodeId },
      sort: "environment",
      dir: "asc",
      pageSize: 200,
    })
  ).rows;
}

/** Filter choices: nodes and states (owners and environments are free text). */
export async function listContainerFilterOptions(options: { actor: Actor }) {
  assertAdmin(options.actor);
  const nodes = await db.hardwareNode.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
  return { nodes, states: CONTAINER_STATES };
}
