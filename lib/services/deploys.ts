// Deploying code into an application or static layer. An uploaded archive is streamed to disk,
// checked and normalised (lib/deploy/archive) before anything else happens; then one transaction
// records the release and its DEPLOY operation, and the worker rolls it out container by container
// (lib/worker/deploy). Rolling back is a DEPLOY of a kept release, with the same guarantees.
import path from "node:path";
import { randomUUID } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { archiveFormatOf, normalizeArchive, receiveArchive } from "@/lib/deploy/archive";
import { fetchGitSource, generateDeployKey, parseGitUrl, redactGitUrl, validateGitRef } from "@/lib/deploy/git";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { recordAudit } from "./audit";
import { getRecipe } from "@/lib/stacks/recipes";
import { containerDisplayName } from "@/lib/words";
import type { Actor } from "./environments";
import { getOwnedEnvironment } from "./environment-ops";
import type { DeployLayerView } from "@/lib/validation/deploys";
import { dispatch, recordAuditedOperation } from "./operations";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AuditAction } from "@/lib/validation/audit";

/** Where kept releases' archives live on the panel's machine. */
export function deployDir(): string {
  return (
    config.HOSTPLANE_DEPLOY_DIR ?? path.join(config.HOSTPLANE_DATA_DIR ?? path.join(process.cwd(), ".data"), "releases")
  );
}

/**
 * Records (in `tx`) a rolling DEPLOY of a release to the layer (null: the stack's sample), audited as
 * `action`; `restart` restarts containers already on it too. The caller dispatches after the commit.
 */
export function recordDeploy(
  tx: Prisma.TransactionClient,
  options: {
    actor: Actor;
    ip?: string | null;
    action: AuditAction;
    environmentId: string;
    layer: { id: string; name: string; deployBatch: number };
    releaseId: string | null;
    restart?: boolean;
    detail: Record<string, unknown>;
  },
) {
  const { layer } = options;
  return recordAuditedOperation(
    tx,
    {
      kind: "DEPLOY",
      environmentId: options.environmentId,
      userId: options.actor.id,
      input: {
        layerId: layer.id,
        releaseId: options.releaseId,
        batch: layer.deployBatch,
        restart: options.restart ?? false,
      },
    },
    { actor: options.actor, action: options.action, ip: options.ip, detail: { layer: layer.name, ...options.detail } },
  );
}

async function deployableLayer(actor: Actor, environmentId: string, layerId: string) {
  const env = await getOwnedEnvironment(actor, environmentId);
  const layer = env.layers.find((l) => l.id === layerId);
  if (!layer) throw new AppError("NOT_FOUND", "Layer not found.");
  if (!getRecipe(layer.stack)?.deploy)
    throw new AppError("VALIDATION", `The ${layer.name} layer runs a stack that takes no deploys.`, {
      fieldErrors: { layerId: ["This layer takes no deploys."] },
    });
  return { env, layer };
}

/** "my app (v2).tar.gz" → kept as typed, minus control characters, for the release list. */
function cleanFileName(name: string): string {
  return (
    name
      .replace(/[\u0000-\u001f\u007f]/g, "")
      .trim()
      .slice(0, 200) || "archive"
  );
}

/**
 * Receives an archive for a layer and starts its rolling deploy. Nothing changes on any container
 * (nor in the database) unless the archive passed every check.
 */
export async function deployArchive(options: {
  actor: Actor;
  environmentId: string;
  layerId: string;
  fileName: string;
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream;
  ip?: string | null;
}): Promise<{ releaseId: string; number: number; operationId: string }> {
  const { env, layer } = await deployableLayer(options.actor, options.environmentId, options.layerId);
  const fileName = cleanFileName(options.fileName);
  const format = archiveFormatOf(fileName);
  if (!format)
    throw new AppError("VALIDATION", "Upload a .tar.gz, .tgz or .zip archive.", {
      fieldErrors: { archive: ["Upload a .tar.gz, .tgz or .zip archive."] },
    });
  const dir = deployDir();
  await mkdir(path.join(dir, "incoming"), { recursive: true, mode: 0o700 });
  const received = await receiveArchive({
    body: options.body,
    dir: path.join(dir, "incoming"),
    maxBytes: config.HOSTPLANE_DEPLOY_MAX_MIB * 1024 * 1024,
  });
  const archivePath = path.join(dir, `${randomUUID()}.tar.gz`);
  try {
    await normalizeArchive({ source: received.path, format, dest: archivePath });
  } finally {
    await rm(received.path, { force: true });
  }
  return recordRelease({
    actor: options.actor,
    env,
    layer,
    archivePath,
    source: { kind: "archive", label: fileName, digest: `sha256:${received.sha256}` },
    detail: { source: fileName, bytes: received.bytes },
    ip: options.ip,
  });
}

/**
 * One transaction records the release and its DEPLOY operation (audited), then the worker is woken.
 * The archive is removed if that fails, so nothing is left half-recorded.
 */
async function recordRelease(options: {
  actor: Actor;
  env: { id: string };
  layer: { id: string; name: string; deployBatch: number };
  archivePath: string;
  source: { kind: "archive" | "git"; label: string; digest: string };
  detail: Record<string, unknown>;
  ip?: string | null;
}): Promise<{ releaseId: string; number: number; operationId: string }> {
  const { env, layer, archivePath, source } = options;
  try {
    const created = await db.$transaction(async (tx) => {
      const last = await tx.release.aggregate({ where: { layerId: layer.id }, _max: { number: true } });
      const number = (last._max.number ?? 0) + 1;
      const release = await tx.release.create({
        data: {
          environmentId: env.id,
          layerId: layer.id,
          number,
          sourceKind: source.kind,
          sourceLabel: source.label,
          digest: source.digest,
          createdById: options.actor.id,
          archivePath,
        },
      });
      const op = await recordDeploy(tx, {
        actor: options.actor,
        ip: options.ip,
        action: "layer.deploy",
        environmentId: env.id,
        layer,
        releaseId: release.id,
        detail: { release: number, ...options.detail },
      });
      return { releaseId: release.id, number, operationId: op.id };
    });
    await dispatch(env.id);
    return created;
  } catch (error) {
    await rm(archivePath, { force: true });
    throw error;
  }
}

/**
 * Fetches a branch, tag or commit of a Git repository (over SSH with the environment's deploy key)
 * into an archive, checks and normalises it like an upload, and starts its rolling deploy. git runs
 * on the panel's machine only to fetch and archive the tree (no hooks, no checkout filters); the
 * build runs inside the containers.
 */
export async function deployGit(options: {
  actor: Actor;
  environmentId: string;
  layerId: string;
  url: string;
  ref: string;
  ip?: string | null;
}): Promise<{ releaseId: string; number: number; operationId: string; commit: string }> {
  const parsed = parseGitUrl(options.url);
  const ref = validateGitRef(options.ref);
  const { env, layer } = await deployableLayer(options.actor, options.environmentId, options.layerId);
  const dir = deployDir();
  const incoming = path.join(dir, "incoming");
  await mkdir(incoming, { recursive: true, mode: 0o700 });
  const fetched = path.join(incoming, `git-${randomUUID()}.tar.gz`);
  const archivePath = path.join(dir, `${randomUUID()}.tar.gz`);
  let commit: string;
  try {
    const result = await fetchGitSource({
      url: parsed.url,
      ref,
      workDir: incoming,
      dest: fetched,
      privateKey: parsed.transport === "ssh" && env.deployKeySealed ? openSecret(env.deployKeySealed) : undefined,
      maxBytes: config.HOSTPLANE_DEPLOY_MAX_MIB * 1024 * 1024,
    });
    commit = result.commit;
    await normalizeArchive({ source: fetched, format: "tar.gz", dest: archivePath });
  } finally {
    await rm(fetched, { force: true });
  }
  const created = await recordRelease({
    actor: options.actor,
    env,
    layer,
    archivePath,
    source: { kind: "git", label: `${redactGitUrl(parsed.url)} ${ref}`, digest: `git:${commit}` },
    detail: { source: redactGitUrl(parsed.url), ref, commit },
    ip: options.ip,
  });
  return { ...created, commit };
}

/**
 * The environment's deploy key for private repositories: generated (ed25519) on first request or
 * when `regenerate` is set; the private half is sealed, the public half returned to paste into the
 * Git host as a read-only deploy key.
 */
export async function environmentDeployKey(options: {
  actor: Actor;
  environmentId: string;
  regenerate?: boolean;
  ip?: string | null;
}): Promise<{ publicKey: string }> {
  const env = await getOwnedEnvironment(options.actor, options.environmentId);
  if (env.deployKeyPublic && !options.regenerate) return { publicKey: env.deployKeyPublic };
  const key = await generateDeployKey(`hostplane-${env.name}`.slice(0, 64));
  await db.$transaction(async (tx) => {
    await tx.environment.update({
      where: { id: env.id },
      data: { deployKeyPublic: key.publicKey, deployKeySealed: sealSecret(key.privateKey) },
    });
    await recordAudit(
      {
        actorId: options.actor.id,
        actorEmail: options.actor.email,
        action: "environment.deploy-key",
        targetType: "environment",
        targetId: env.id,
        ip: options.ip,
        detail: { fingerprint: key.fingerprint, regenerated: Boolean(env.deployKeyPublic) },
      },
      tx,
    );
  });
  return { publicKey: key.publicKey };
}

/** Rolls the layer (back or forward) to a kept release: a rolling DEPLOY like any other. */
export async function deployKeptRelease(options: {
  actor: Actor;
  environmentId: string;
  releaseId: string;
  ip?: string | null;
}): Promise<{ operationId: string }> {
  const release = await db.release.findFirst({
    where: { id: options.releaseId, environmentId: options.environmentId },
  });
  if (!release) throw new AppError("NOT_FOUND", "Release not found.");
  const { env, layer } = await deployableLayer(options.actor, options.environmentId, release.layerId);
  if (!release.archivePath || !["ACTIVE", "INACTIVE"].includes(release.status))
    throw new AppError(
      "CONFLICT",
      `Release ${release.number} is not kept: only the last releases that deployed can be restored.`,
    );
  const op = await db.$transaction((tx) =>
    recordDeploy(tx, {
      actor: options.actor,
      ip: options.ip,
      action: "layer.rollback",
      environmentId: env.id,
      layer,
      releaseId: release.id,
      detail: { release: release.number },
    }),
  );
  await dispatch(env.id);
  return { operationId: op.id };
}

/** A layer's health-check path and how many containers a deploy switches at once (the next deploy uses them). */
export async function setDeploySettings(options: {
  actor: Actor;
  environmentId: string;
  layerId: string;
  healthPath: string;
  batch: number;
  ip?: string | null;
}): Promise<{ healthPath: string; batch: number }> {
  const { env, layer } = await deployableLayer(options.actor, options.environmentId, options.layerId);
  await db.$transaction(async (tx) => {
    await tx.layer.update({
      where: { id: layer.id },
      data: { healthPath: options.healthPath, deployBatch: options.batch },
    });
    await recordAudit(
      {
        actorId: options.actor.id,
        actorEmail: options.actor.email,
        action: "layer.deploy-settings",
        targetType: "environment",
        targetId: env.id,
        ip: options.ip,
        detail: {
          layer: layer.name,
          from: { healthPath: layer.healthPath, batch: layer.deployBatch },
          to: { healthPath: options.healthPath, batch: options.batch },
        },
      },
      tx,
    );
  });
  return { healthPath: options.healthPath, batch: options.batch };
}

/** The Deploys card of the environment page: deployable layers, what each container serves, the releases. */
export async function listDeploys(
  viewer: Pick<Actor, "id" | "role">,
  environmentId: string,
): Promise<DeployLayerView[] | null> {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    select: {
      layers: {
        orderBy: { position: "asc" },
        include: {
          containers: { where: { desiredState: { not: "DELETED" } }, orderBy: { ordinal: "asc" } },
          releases: { orderBy: { number: "desc" }, take: 20, include: { createdBy: { select: { email: true } } } },
        },
      },
    },
  });
  if (!env) return null;
  return env.layers
    .filter((layer) => getRecipe(layer.stack)?.deploy)
    .map((layer) => {
      const numbers = new Map(layer.releases.map((r) => [r.id, r.number]));
      return {
        id: layer.id,
        name: layer.name,
        stack: layer.stack,
        recipe: getRecipe(layer.stack)!.deploy!.describe,
        healthPath: layer.healthPath,
        batch: layer.deployBatch,
        currentRelease: layer.currentReleaseId ? (numbers.get(layer.currentReleaseId) ?? null) : null,
        containers: layer.containers.map((c) => ({
          displayName: containerDisplayName(layer.name, c.ordinal),
          release: c.releaseId ? (numbers.get(c.releaseId) ?? null) : null,
          draining: c.draining,
        })),
        releases: layer.releases.map((r) => ({
          id: r.id,
          number: r.number,
          status: r.status,
          source: r.sourceLabel,
          digest: r.digest,
          by: r.createdBy?.email ?? null,
          createdAt: r.createdAt.toISOString(),
          finishedAt: r.finishedAt?.toISOString() ?? null,
          phases: (r.phases ?? {}) as Record<string, number>,
          error: r.error,
          output: r.output,
          kept: Boolean(r.archivePath) && (r.status === "ACTIVE" || r.status === "INACTIVE"),
        })),
      };
    });
}
