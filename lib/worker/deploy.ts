// The worker's side of a deploy (a DEPLOY operation): plan the rolling steps, run each one, and
// when one fails for good, mark the release FAILED and queue the rollback (a DEPLOY back to the
// layer's current release), so a layer never stays on two releases without an operation on its way
// to one. Every step is idempotent: a crash resumes at the first unfinished step.
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { containerNameFor } from "@/lib/orchestrator/engines";
import {
  DeployStepError,
  pruneReleases,
  serviceLogTail,
  stageRelease,
  switchRelease,
  waitForHttp,
} from "@/lib/orchestrator/deploy";
import { planDeploy } from "@/lib/orchestrator/deploy-plan";
import type { PlannedStep } from "@/lib/orchestrator/reconciler/plan";
import { engineFor } from "@/lib/services/node-engine";
import { withIngressSync } from "@/lib/services/ingress";
import { getStack } from "@/lib/stacks/catalog";
import { getRecipe, type StackDeploy } from "@/lib/stacks/recipes";
import { operationRow, type OperationInput } from "@/lib/validation/operations";
import { containerDisplayName } from "@/lib/words";
import { logIgnored } from "@/lib/log";
import { runStackHook } from "./stack-hooks";
import { rm } from "node:fs/promises";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Releases a layer keeps (on its containers and their archives on the panel's host). */
export const RELEASES_KEPT = 5;

type DeployInput = OperationInput<"DEPLOY">;

/** How long a drained container keeps running before it is switched. */
const DRAIN_GRACE_MS = 500;

function stackDeploy(stackId: string): StackDeploy {
  const deploy = getRecipe(stackId)?.deploy;
  if (!deploy) throw new DeployStepError(`the ${stackId} stack takes no deploys`, "");
  return deploy;
}

export async function planDeploySteps(input: DeployInput): Promise<PlannedStep[]> {
  const layer = await db.layer.findUnique({
    where: { id: input.layerId },
    include: { containers: { where: { desiredState: "RUNNING" } } },
  });
  if (!layer) return [];
  return planDeploy({
    layerName: layer.name,
    releaseId: input.releaseId,
    batch: input.batch,
    restart: input.restart,
    containers: layer.containers.map((c) => ({
      id: c.id,
      displayName: containerDisplayName(layer.name, c.ordinal),
      ordinal: c.ordinal,
      running: c.observedState === "RUNNING",
      releaseId: c.releaseId,
      draining: c.draining,
    })),
  });
}

async function loadContainer(containerId: string) {
  return db.container.findUnique({ where: { id: containerId }, include: { hardwareNode: true, layer: true } });
}

async function releaseArchive(releaseId: string): Promise<string> {
  const release = await db.release.findUniqueOrThrow({ where: { id: releaseId } });
  if (!release.archivePath) throw new DeployStepError(`release ${release.number} has no archive any more`, "");
  return release.archivePath;
}

/** Phase durations (ms) added up on the release row, for the Releases tab. */
async function addPhase(releaseId: string | null, phase: string, ms: number) {
  if (!releaseId) return;
  await db.$executeRaw`UPDATE "Release" SET "phases" = jsonb_set("phases", ARRAY[${phase}]::text[],
    to_jsonb(COALESCE(("phases"->>${phase})::numeric, 0) + ${Math.round(ms)}), true) WHERE "id" = ${releaseId}`;
}

/** Balancer upstreams and ingress follow `draining` at once (not at the next health check). */
async function setDraining(containerId: string, environmentId: string, draining: boolean): Promise<string> {
  await db.container.update({ where: { id: containerId }, data: { draining } });
  const note = await runStackHook({ phase: "topology", environmentId });
  const message = await withIngressSync(note ?? (draining ? "out of rotation" : "back in rotation"));
  // nginx's old workers and Caddy finish the requests they hold; give them a moment before the switch.
  if (draining) await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
  return message;
}

export async function executeDeployStep(ctx: {
  kind: string;
  containerId: string | null;
  environmentId: string;
  input: DeployInput;
}): Promise<string> {
  const { input } = ctx;
  if (ctx.kind === "finish-deploy") return finishDeploy(input);
  const c = ctx.containerId ? await loadContainer(ctx.containerId) : null;
  if (!c || !c.hardwareNode || !c.ip) return "container no longer exists";
  const name = containerNameFor(c.id);
  const label = containerDisplayName(c.layer.name, c.ordinal);
  const engine = engineFor(c.hardwareNode);
  const deploy = stackDeploy(c.layer.stack);
  const started = Date.now();
  switch (ctx.kind) {
    case "stage": {
      if (!input.releaseId) return `${label}: nothing to unpack`;
      await db.release.updateMany({ where: { id: input.releaseId, status: "PENDING" }, data: { status: "DEPLOYING" } });
      const releaseId = input.releaseId;
      // The build's output reaches the release (and the page) while it runs, each line labelled.
      let partial = "";
      const onOutput = async (text: string) => {
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        if (lines.length) await appendOutput(releaseId, lines.map((line) => `[${label}] ${line}`).join("\n"));
      };
      await stageRelease({
        engine,
        name,
        releaseId,
        archivePath: await releaseArchive(releaseId),
        deploy,
        onOutput,
      })
        .catch((error: unknown) => {
          // Its output is on the release already (streamed): the failure carries only the reason.
          throw error instanceof DeployStepError ? new DeployStepError(error.message, "") : error;
        })
        .finally(() => (partial ? appendOutput(releaseId, `[${label}] ${partial}`) : undefined));
      await addPhase(releaseId, "buildMs", Date.now() - started);
      return `${label}: release unpacked and built`;
    }
    case "drain":
      return setDraining(c.id, c.environmentId, true);
    case "switch": {
      // The env file first: a restart picks up the layer's current variables.
      if (deploy.restart) await runStackHook({ phase: "configure", container: c, engine });
      await switchRelease({ engine, name, releaseId: input.releaseId, deploy });
      await db.container.update({ where: { id: c.id }, data: { releaseId: input.releaseId } });
      await addPhase(input.releaseId, "switchMs", Date.now() - started);
      return `${label}: switched to ${await releaseLabel(input.releaseId)}`;
    }
    case "verify": {
      const port = getStack(c.layer.stack)?.ports[0] ?? 80;
      const result = await waitForHttp({
        ip: c.ip,
        port,
        path: c.layer.healthPath,
        timeoutMs: config.HOSTPLANE_DEPLOY_HEALTH_TIMEOUT_S * 1000,
      });
      await addPhase(input.releaseId, "verifyMs", Date.now() - started);
      if (!result.ok)
        throw new DeployStepError(
          `${label} failed its health check: ${result.reason}`,
          await serviceLogTail(engine, name),
        );
      return `${label}: ${c.layer.healthPath} answered HTTP ${result.status} after ${result.ms} ms`;
    }
    case "undrain":
      return setDraining(c.id, c.environmentId, false);
    default:
      throw new Error(`step ${ctx.kind} is not a deploy step`);
  }
}

async function releaseLabel(releaseId: string | null): Promise<string> {
  if (!releaseId) return "the stack's sample";
  const release = await db.release.findUnique({ where: { id: releaseId }, select: { number: true } });
  return release ? `release ${release.number}` : "a deleted release";
}

/** Appends to the release's output, keeping its last 256 KiB (in `client`'s transaction when given). */
async function appendOutput(
  releaseId: string,
  text: string,
  client: Pick<Prisma.TransactionClient, "$executeRaw"> = db,
) {
  await client.$executeRaw`UPDATE "Release" SET "output" = right(COALESCE("output" || E'\n', '') || ${text}, 262144)
    WHERE "id" = ${releaseId}`;
}

/**
 * Every container serves the release: it becomes the layer's current one, the previous one is kept
 * as INACTIVE, and releases beyond the last RELEASES_KEPT are pruned from the containers and the disk.
 */
async function finishDeploy(input: DeployInput): Promise<string> {
  const layer = await db.layer.findUnique({
    where: { id: input.layerId },
    include: { containers: { where: { desiredState: "RUNNING" }, include: { hardwareNode: true } } },
  });
  if (!layer) return "layer no longer exists";
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.layer.update({ where: { id: layer.id }, data: { currentReleaseId: input.releaseId } });
    // Containers that were not running (a stopped environment, a container down) were not switched: their
    // row now names the release, and the start hook unpacks and switches them before they take traffic.
    await tx.container.updateMany({
      where: { layerId: layer.id, desiredState: { not: "DELETED" }, observedState: { not: "RUNNING" } },
      data: { releaseId: input.releaseId },
    });
    await tx.release.updateMany({
      where: { layerId: layer.id, status: "ACTIVE", ...(input.releaseId ? { id: { not: input.releaseId } } : {}) },
      data: { status: "INACTIVE" },
    });
    if (input.releaseId)
      await tx.release.updateMany({
        where: { id: input.releaseId },
        data: { status: "ACTIVE", finishedAt: now, error: null },
      });
  });
  const kept = await db.release.findMany({
    where: { layerId: layer.id, status: { in: ["ACTIVE", "INACTIVE"] } },
    orderBy: { number: "desc" },
    select: { id: true },
    take: RELEASES_KEPT,
  });
  const keep = kept.map((r) => r.id);
  const dropped = await db.release.findMany({
    where: {
      layerId: layer.id,
      id: { notIn: keep },
      archivePath: { not: null },
      status: { notIn: ["PENDING", "DEPLOYING"] },
    },
    select: { id: true, archivePath: true },
  });
  for (const r of dropped) {
    await rm(r.archivePath!, { force: true }).catch(logIgnored("removing a pruned release archive"));
    await db.release.update({ where: { id: r.id }, data: { archivePath: null } });
  }
  for (const c of layer.containers)
    if (c.hardwareNode && c.observedState === "RUNNING")
      await pruneReleases({ engine: engineFor(c.hardwareNode), name: containerNameFor(c.id), keep }).catch(
        logIgnored("pruning old releases in a container"),
      );
  // A rollback ends a failed deploy: the environment is whole again when every container runs.
  const down = await db.container.count({
    where: { environmentId: layer.environmentId, desiredState: "RUNNING", observedState: { not: "RUNNING" } },
  });
  if (down === 0)
    await db.environment.updateMany({
      where: { id: layer.environmentId, desiredState: "RUNNING", status: { in: ["DEGRADED", "UPDATING"] } },
      data: { status: "RUNNING" },
    });
  return `${layer.name} serves ${await releaseLabel(input.releaseId)} on ${layer.containers.length} containers`;
}

/**
 * A DEPLOY failed for good: the release is FAILED with what its build or service printed, and
 * unless this was already a rollback, a DEPLOY back to the layer's current release is queued in the
 * same transaction as the failure, so the containers already switched go back.
 */
export async function onDeployFailed(
  tx: Prisma.TransactionClient,
  op: { id: string; environmentId: string | null; userId: string | null; input: DeployInput },
  failure: { message: string; output: string | null },
): Promise<void> {
  const { input } = op;
  if (input.releaseId && !input.rollbackOf)
    await tx.release.updateMany({
      where: { id: input.releaseId },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        error: failure.message.slice(0, 2000),
      },
    });
  if (input.releaseId && failure.output) await appendOutput(input.releaseId, failure.output, tx);
  if (input.rollbackOf || !op.environmentId) return;
  const layer = await tx.layer.findUnique({ where: { id: input.layerId } });
  if (!layer) return;
  await tx.operation.create({
    data: {
      ...operationRow("DEPLOY", {
        layerId: layer.id,
        releaseId: layer.currentReleaseId,
        rollbackOf: input.releaseId ?? op.id,
        batch: input.batch,
        restart: false,
      }),
      environmentId: op.environmentId,
      userId: op.userId,
    },
  });
}
