import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { containerNameFor } from "@/lib/orchestrator/engines/names";
import { containerDisplayName } from "@/lib/words";
import { stepContainerId } from "@/lib/validation/operations";
import { db, Db } from "./client";

type Viewer = Pick<Actor, "id" | "role">;
const P = Db.Prisma;

export const ENVIRONMENT_STATUSES = [
  "CREATING",
  "RUNNING",
  "STOPPED",
  "UPDATING",
  "DEGRADED",
  "FAILED",
  "DELETING",
] as const;
export type EnvironmentStatus = (typeof ENVIRONMENT_STATUSES)[number];
export const ENVIRONMENTS_PAGE_SIZE = 25;

export type EnvironmentListItem = {
  id: string;
  name: string;
  status: EnvironmentStatus;
  region: string;
  ownerEmail: string;
  createdAt: Date;
  layers: { role: string; stack: string; count: number }[];
  containers: number;
  reservedCloudlets: number;
  dynamicCloudlets: number;
};

export type EnvironmentList = {
  items: EnvironmentListItem[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
};

type ListRow = Omit<EnvironmentListItem, "containers" | "reservedCloudlets" | "dynamicCloudlets"> & {
  containers: number | null;
  reserved: number | null;
  dynamic: number | null;
  total: bigint;
};

/**
 * One page of environments in one query: the page is cut first (with the total as a window
 * count), then each of its 25 rows gets its layers and container sums through lateral joins on
 * indexed foreign keys — the cost does not grow with the number of environments outside the page.
 */
export async function listEnvironments(options: {
  user: Viewer;
  query?: string;
  status?: string;
  page?: number;
}): Promise<EnvironmentList> {
  const pageSize = ENVIRONMENTS_PAGE_SIZE;
  const page = Math.max(1, Math.floor(options.page ?? 1) || 1);
  const where = [P.sql`TRUE`];
  if (options.user.role !== "ADMIN") where.push(P.sql`e."ownerId" = ${options.user.id}`);
  const status = ENVIRONMENT_STATUSES.find((s) => s === options.status);
  if (status) where.push(P.sql`e.status = ${status}::"EnvironmentStatus"`);
  const q = options.query?.trim().toLowerCase().slice(0, 100);
  if (q) where.push(P.sql`e.name LIKE ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const filter = P.join(where, " AND ");
  const run = (offset: number) => db.$queryRaw<ListRow[]>`
    WITH page AS (
      SELECT e.id, e.name, e.status, e."createdAt", e."regionId", e."ownerId", COUNT(*) OVER () AS total
      FROM "Environment" e WHERE ${filter}
      ORDER BY e."createdAt" DESC, e.id DESC LIMIT ${pageSize} OFFSET ${offset}
    )
    SELECT p.id, p.name, p.status::text AS status, p."createdAt", p.total, r.name AS region, u.email AS "ownerEmail",
      COALESCE(l.layers, '[]'::json) AS layers, c.containers, c.reserved, c.dynamic
    FROM page p
    JOIN "Region" r ON r.id = p."regionId"
    JOIN "User" u ON u.id = p."ownerId"
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object('role', x.role, 'stack', x.stack, 'count', x.count) ORDER BY x.position) AS layers
      FROM "Layer" x WHERE x."environmentId" = p.id
    ) l ON TRUE
    LEFT JOIN LATERAL (
      SELECT COUNT(*)::int AS containers, SUM(k."reservedCloudlets")::int AS reserved, SUM(k."dynamicCloudlets")::int AS dynamic
      FROM "Container" k WHERE k."environmentId" = p.id AND k."desiredState" <> 'DELETED'
    ) c ON TRUE
    ORDER BY p."createdAt" DESC, p.id DESC`;
  let rows = await run((page - 1) * pageSize);
  let total = rows.length ? Number(rows[0].total) : 0;
  let current = page;
  if (!rows.length && page > 1) {
    // Past the end (a stale link): show the last page instead of an empty one.
    total = Number(
      (await db.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM "Environment" e WHERE ${filter}`)[0].n,
    );
    current = Math.max(1, Math.ceil(total / pageSize));
    if (total) rows = await run((current - 1) * pageSize);
  }
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      region: r.region,
      ownerEmail: r.ownerEmail,
      createdAt: r.createdAt,
      layers: r.layers,
      containers: r.containers ?? 0,
      reservedCloudlets: r.reserved ?? 0,
      dynamicCloudlets: r.dynamic ?? 0,
    })),
    total,
    page: current,
    pageCount: Math.max(1, Math.ceil(total / pageSize)),
    pageSize,
  };
}

function ownerFilter(user: Viewer) {
  return user.role === "ADMIN" ? {} : { ownerId: user.id };
}

/** The environment id if the viewer may see it, else null (another user's id looks like a missing one). */
export async function findVisibleEnvironment(
  user: Viewer,
  environmentId: string,
): Promise<{ id: string; name: string } | null> {
  if (!environmentId || environmentId.length > 64) return null;
  return db.environment.findFirst({
    where: { id: environmentId, ...ownerFilter(user) },
    select: { id: true, name: true },
  });
}

export type AuthorizeResult = { ok: true; environmentId: string } | { ok: false; status: 401 | 404 };

/** The events stream's authorization, exactly the page's: a session, then ownership in the query. */
export async function authorizeEnvironmentAccess(user: Viewer | null, environmentId: string): Promise<AuthorizeResult> {
  if (!user) return { ok: false, status: 401 };
  const env = await findVisibleEnvironment(user, environmentId);
  return env ? { ok: true, environmentId: env.id } : { ok: false, status: 404 };
}

const OPEN_OPERATION = ["PENDING", "RUNNING"] as const;
const SPARK_WINDOW_MS = 10 * 60 * 1000;

export type ContainerCardData = {
  id: string;
  /** The engine's name (`hp-<id>`): hover text and details. */
  name: string;
  /** The name people read: layer and 1-based ordinal (`cp-1`). */
  displayName: string;
  ordinal: number;
  ip: string | null;
  state: string;
  desiredState: string;
  node: { id: string; name: string; engine: string } | null;
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
  lastError: string | null;
  spark: { cpu: number[]; ram: number[] };
};
export type LayerData = {
  id: string;
  name: string;
  role: string;
  stack: string;
  count: number;
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
  ha: boolean;
  containers: ContainerCardData[];
};
export type StepData = {
  id: string;
  position: number;
  kind: string;
  target: string | null;
  status: string;
  message: string | null;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  containerId: string | null;
  /** The step's container as people name it (`cp-1`), when it has one that still exists. */
  containerName?: string | null;
};
export type OperationData = {
  id: string;
  kind: string;
  status: string;
  /** Plain summary of a failure, for every viewer. */
  error: string | null;
  /** The engine's detail (argv, paths, stderr): administrators only, null for everyone else. */
  errorDetail: string | null;
  userEmail: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  steps: StepData[];
};
export type EnvironmentDetail = {
  id: string;
  name: string;
  status: EnvironmentStatus;
  desiredState: string;
  createdAt: Date;
  region: { id: string; name: string };
  owner: { id: string; email: string; name: string };
  layers: LayerData[];
  operations: OperationData[];
  busy: boolean;
};

type StepRow = {
  id: string;
  position: number;
  kind: string;
  target: string | null;
  status: string;
  message: string | null;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  input: unknown;
};

/** Engine detail (full step messages) is for admins; developers get the operation's summary. */
function toStep(s: StepRow, viewer: Viewer): StepData {
  const containerId = stepContainerId(s.input);
  return {
    id: s.id,
    position: s.position,
    kind: s.kind,
    target: s.target,
    status: s.status,
    message: viewer.role === "ADMIN" ? s.message : null,
    attempts: s.attempts,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    containerId,
  };
}

/**
 * Whether the viewer deleted this environment (its rows are gone; the audit log keeps who deleted it).
 * Its page then sends them to the list instead of a 404: a tab left on it, the back button, or a
 * reload the browser made mid-deletion (Chromium on the containers' host reloads a page whose request
 * a network change aborted, and creating or deleting a container changes the host's interfaces).
 */
export async function wasEnvironmentDeletedBy(viewer: Viewer, environmentId: string): Promise<boolean> {
  if (!environmentId || environmentId.length > 64) return false;
  const deleted = await db.auditEvent.findFirst({
    where: { action: "environment.delete", targetType: "environment", targetId: environmentId, actorId: viewer.id },
    select: { id: true },
  });
  return deleted !== null;
}

/** Everything the environment page shows, in four queries; null when missing or not the viewer's. */
export async function getEnvironmentDetail(viewer: Viewer, environmentId: string): Promise<EnvironmentDetail | null> {
  if (!environmentId || environmentId.length > 64) return null;
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...ownerFilter(viewer) },
    select: {
      id: true,
      name: true,
      status: true,
      desiredState: true,
      createdAt: true,
      region: { select: { id: true, name: true } },
      owner: { select: { id: true, email: true, name: true } },
      layers: {
        orderBy: { position: "asc" },
        select: {
          id: true,
          name: true,
          role: true,
          stack: true,
          count: true,
          reservedCloudlets: true,
          dynamicCloudlets: true,
          diskGib: true,
          ha: true,
        },
      },
    },
  });
  if (!env) return null;
  const [containers, operations] = await Promise.all([
    db.container.findMany({
      where: { environmentId: env.id },
      orderBy: [{ layerId: "asc" }, { ordinal: "asc" }],
      select: {
        id: true,
        layerId: true,
        ordinal: true,
        ip: true,
        observedState: true,
        desiredState: true,
        reservedCloudlets: true,
        dynamicCloudlets: true,
        diskGib: true,
        lastError: true,
        hardwareNode: { select: { id: true, name: true, engine: true } },
      },
    }),
    db.operation.findMany({
      where: { environmentId: env.id },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: {
        id: true,
        kind: true,
        status: true,
        error: true,
        errorDetail: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        user: { select: { email: true } },
        steps: { orderBy: { position: "asc" } },
      },
    }),
  ]);
  const metrics = containers.length
    ? await db.containerMetric.findMany({
        where: {
          containerId: { in: containers.map((c) => c.id) },
          at: { gte: new Date(Date.now() - SPARK_WINDOW_MS) },
        },
        orderBy: { at: "asc" },
        select: { containerId: true, cpuMhz: true, ramMib: true },
      })
    : [];
  const spark = new Map<string, { cpu: number[]; ram: number[] }>();
  for (const m of metrics) {
    const s = spark.get(m.containerId) ?? { cpu: [], ram: [] };
    s.cpu.push(Math.round(m.cpuMhz));
    s.ram.push(Math.round(m.ramMib));
    spark.set(m.containerId, s);
  }
  const layerNames = new Map(env.layers.map((l) => [l.id, l.name]));
  const displayNames = new Map(
    containers.map((c) => [c.id, containerDisplayName(layerNames.get(c.layerId) ?? "?", c.ordinal)]),
  );
  const layers: LayerData[] = env.layers.map((l) => ({
    ...l,
    containers: containers
      .filter((c) => c.layerId === l.id)
      .map((c) => ({
        id: c.id,
        name: containerNameFor(c.id),
        displayName: containerDisplayName(l.name, c.ordinal),
        ordinal: c.ordinal,
        ip: c.ip,
        state: c.observedState,
        desiredState: c.desiredState,
        node: c.hardwareNode,
        reservedCloudlets: c.reservedCloudlets,
        dynamicCloudlets: c.dynamicCloudlets,
        diskGib: c.diskGib,
        lastError:
          viewer.role === "ADMIN"
            ? c.lastError
            : c.lastError
              ? "The engine reported a problem with this container."
              : null,
        spark: spark.get(c.id) ?? { cpu: [], ram: [] },
      })),
  }));
  return {
    id: env.id,
    name: env.name,
    status: env.status,
    desiredState: env.desiredState,
    createdAt: env.createdAt,
    region: env.region,
    owner: env.owner,
    layers,
    operations: operations.map((o) => ({
      id: o.id,
      kind: o.kind,
      status: o.status,
      error: o.error,
      errorDetail: viewer.role === "ADMIN" ? o.errorDetail : null,
      userEmail: o.user?.email ?? null,
      createdAt: o.createdAt,
      startedAt: o.startedAt,
      finishedAt: o.finishedAt,
      steps: o.steps.map((s) => {
        const step = toStep(s, viewer);
        return { ...step, containerName: step.containerId ? (displayNames.get(step.containerId) ?? null) : null };
      }),
    })),
    busy: operations.some((o) => (OPEN_OPERATION as readonly string[]).includes(o.status)),
  };
}

export type ContainerDetail = {
  id: string;
  /** The engine's name (`hp-<id>`). */
  name: string;
  displayName: string;
  ip: string | null;
  state: string;
  desiredState: string;
  ordinal: number;
  layer: { id: string; name: string; stack: string; role: string };
  node: { name: string; engine: string } | null;
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
  createdAt: string;
  lastObservedAt: string | null;
  lastError: string | null;
  metrics: { at: number; cpuMhz: number; ramMib: number; diskMib: number; netRx: number; netTx: number }[];
  events: { at: string; source: "step" | "audit"; kind: string; status: string; detail: string | null }[];
};

/** One container of a visible environment, with an hour of samples and its recent events. */
export async function getContainerDetail(
  viewer: Viewer,
  options: { environmentId: string; containerId: string; windowMs?: number },
): Promise<ContainerDetail | null> {
  const c = await db.container.findFirst({
    where: { id: options.containerId, environmentId: options.environmentId, environment: ownerFilter(viewer) },
    select: {
      id: true,
      ip: true,
      observedState: true,
      desiredState: true,
      ordinal: true,
      reservedCloudlets: true,
      dynamicCloudlets: true,
      diskGib: true,
      createdAt: true,
      lastObservedAt: true,
      lastError: true,
      layer: { select: { id: true, name: true, stack: true, role: true } },
      hardwareNode: { select: { name: true, engine: true } },
    },
  });
  if (!c) return null;
  const [metrics, steps, audits] = await Promise.all([
    db.containerMetric.findMany({
      where: { containerId: c.id, at: { gte: new Date(Date.now() - (options.windowMs ?? 3600_000)) } },
      orderBy: { at: "asc" },
      take: 2000,
      select: { at: true, cpuMhz: true, ramMib: true, diskMib: true, netRxBytes: true, netTxBytes: true },
    }),
    db.operationStep.findMany({
      where: { operation: { environmentId: options.environmentId }, input: { path: ["containerId"], equals: c.id } },
      orderBy: { updatedAt: "desc" },
      take: 30,
      select: {
        id: true,
        position: true,
        kind: true,
        target: true,
        status: true,
        message: true,
        attempts: true,
        startedAt: true,
        finishedAt: true,
        input: true,
        updatedAt: true,
        operation: { select: { kind: true } },
      },
    }),
    db.auditEvent.findMany({
      where: { targetId: c.id },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { createdAt: true, action: true, result: true, detail: true },
    }),
  ]);
  const events: ContainerDetail["events"] = [
    ...steps.map((s) => ({
      at: (s.finishedAt ?? s.startedAt ?? s.updatedAt).toISOString(),
      source: "step" as const,
      kind: `${s.operation.kind.toLowerCase()} · ${s.kind}`,
      status: s.status,
      detail: toStep(s, viewer).message,
    })),
    ...audits.map((a) => ({
      at: a.createdAt.toISOString(),
      source: "audit" as const,
      kind: a.action,
      status: a.result,
      detail: viewer.role === "ADMIN" ? JSON.stringify(a.detail) : null,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return {
    id: c.id,
    name: containerNameFor(c.id),
    displayName: containerDisplayName(c.layer.name, c.ordinal),
    ip: c.ip,
    state: c.observedState,
    desiredState: c.desiredState,
    ordinal: c.ordinal,
    layer: c.layer,
    node: c.hardwareNode,
    reservedCloudlets: c.reservedCloudlets,
    dynamicCloudlets: c.dynamicCloudlets,
    diskGib: c.diskGib,
    createdAt: c.createdAt.toISOString(),
    lastObservedAt: c.lastObservedAt?.toISOString() ?? null,
    lastError:
      viewer.role === "ADMIN" ? c.lastError : c.lastError ? "The engine reported a problem with this container." : null,
    metrics: metrics.map((m) => ({
      at: m.at.getTime(),
      cpuMhz: m.cpuMhz,
      ramMib: m.ramMib,
      diskMib: m.diskMib,
      netRx: Number(m.netRxBytes),
      netTx: Number(m.netTxBytes),
    })),
    events,
  };
}

/** Regions a new environment can go to (ACTIVE ones first; maintenance ones are shown disabled). */
export async function listRegionChoices(): Promise<
  { id: string; name: string; active: boolean; isDefault: boolean; nodes: number }[]
> {
  const rows = await db.region.findMany({
    orderBy: [{ isDefault: "desc" }, { name: "asc" }],
    select: { id: true, name: true, status: true, isDefault: true, _count: { select: { nodes: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    active: r.status === "ACTIVE",
    isDefault: r.isDefault,
    nodes: r._count.nodes,
  }));
}

export async function isEnvironmentNameTaken(options: { ownerId: string; name: string }): Promise<boolean> {
  return (await db.environment.count({ where: { ownerId: options.ownerId, name: options.name } })) > 0;
}
