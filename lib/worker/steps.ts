// Executing one planned step. Every step is idempotent: it may run again after a crash.
import { db } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import type { StepKind } from "@/lib/orchestrator/reconciler/plan";
import { engineAndRunnerFor, engineFor } from "@/lib/services/node-engine";
import { releaseReservation } from "@/lib/services/placement";
import { resolveTemplate } from "./templates";
import { runStackHook } from "./stack-hooks";
import { syncNetworkPolicies } from "@/lib/services/network-policy";
import { withIngressSync } from "@/lib/services/ingress";
import { logIgnored } from "@/lib/log";
import { syncTcpEndpoints } from "@/lib/services/tcp-endpoints";
import type { OperationPayload } from "@/lib/validation/operations";
import { executeDeployStep } from "./deploy";
import { getRecipe } from "@/lib/stacks/recipes";

export class StepRetryLater extends Error {}

async function loadContainer(containerId: string) {
  return db.container.findUnique({ where: { id: containerId }, include: { hardwareNode: true, layer: true } });
}

type Ctx = {
  environmentId: string | null;
  containerId: string | null;
  kind: StepKind;
  operationId?: string;
  stepId?: string;
  toNodeId?: string | null;
  /** The operation the step belongs to (deploy steps read their release from it). */
  operation?: OperationPayload;
};

/** Runs the step's action and returns a short message for the timeline. */
export async function executeStep(ctx: Ctx): Promise<string> {
  if (ctx.operation?.kind === "DEPLOY") {
    if (!ctx.environmentId) return "environment no longer exists";
    return executeDeployStep({
      kind: ctx.kind,
      containerId: ctx.containerId,
      environmentId: ctx.environmentId,
      input: ctx.operation.input,
    });
  }
  if (ctx.containerId) return executeContainerStep(ctx as Ctx & { containerId: string });
  return executeEnvironmentStep(ctx);
}

async function executeContainerStep(ctx: Ctx & { containerId: string }): Promise<string> {
  if (ctx.kind === "release") return releaseContainer(ctx.containerId);
  if (ctx.kind === "migrate") return migrateContainerStep(ctx.containerId, ctx.toNodeId ?? null);
  const c = await loadContainer(ctx.containerId);
  if (!c) return "container no longer exists";
  if (!c.hardwareNode || !c.ip) return "container has no placement";
  const engine = engineFor(c.hardwareNode);
  const name = containerNameFor(c.id);
  const limits = { reservedCloudlets: c.reservedCloudlets, dynamicCloudlets: c.dynamicCloudlets, diskGib: c.diskGib };
  const mark = (observedState: "STOPPED" | "RUNNING" | "DELETING", extra: Record<string, unknown> = {}) =>
    db.container.update({
      where: { id: c.id },
      data: { observedState, lastObservedAt: new Date(), lastError: null, ...extra },
    });
  switch (ctx.kind) {
    case "create": {
      const template = await resolveTemplate({ stackId: c.layer.stack, node: c.hardwareNode });
      await engine.create({ name, ip: c.ip, hostname: name, template, limits });
      await mark("STOPPED");
      return `created ${name} (${c.ip}) on ${c.hardwareNode.name}`;
    }
    case "configure": {
      const note = await runStackHook({ phase: "configure", container: c, engine });
      await db.container.update({ where: { id: c.id }, data: { lastObservedAt: new Date() } });
      return note ?? `configured ${name}`;
    }
    case "start": {
      // The environment's firewall rules (with this container's address) exist before it runs.
      const policy = await syncNetworkPolicies({ environmentId: c.environmentId });
      const failed = policy.failed.find((f) => f.node === c.hardwareNode!.name);
      if (failed) throw new Error(`network rules on ${failed.node}: ${failed.error}`);
      // An application container starts with the variables saved while it was stopped.
      if (getRecipe(c.layer.stack)?.deploy?.restart) await runStackHook({ phase: "configure", container: c, engine });
      await engine.start(name);
      await mark("RUNNING");
      await runStackHook({ phase: "started", container: c, engine });
      // A new entry container takes traffic as soon as it runs, not when the whole operation ends.
      return withIngressSync(`started ${name}`);
    }
    case "restart":
      await engine.restart(name);
      await mark("RUNNING");
      return `restarted ${name}`;
    case "stop":
      await engine.stop(name);
      await mark("STOPPED");
      return withIngressSync(`stopped ${name}`);
    case "set-limits":
      await engine.setLimits(name, limits);
      return `limits of ${name}: ${limits.reservedCloudlets} reserved / ${limits.dynamicCloudlets} dynamic cloudlets`;
    case "destroy":
      await engine.destroy(name);
      await mark("DELETING");
      // A deleted environment's name answers 404 from its first destroyed container on, not after the last.
      return withIngressSync(`destroyed ${name} on ${c.hardwareNode.name}`);
    default:
      throw new Error(`step ${ctx.kind} does not act on a container`);
  }
}

/**
 * Moves a container to its new node (reserved there already). Resumable: the lxc engine's
 * migration phases are detectable on disk; once the row points at the target, it is done.
 */
async function migrateContainerStep(containerId: string, toNodeId: string | null): Promise<string> {
  const c = await loadContainer(containerId);
  if (!c || !toNodeId) return "nothing to migrate";
  const target = await db.hardwareNode.findUniqueOrThrow({ where: { id: toNodeId } });
  const name = containerNameFor(c.id);
  if (c.hardwareNodeId === toNodeId) return `${name} is already on ${target.name}`;
  const source = c.hardwareNode!;
  const { engine: targetEngine, runner } = engineAndRunnerFor(target);
  await engineFor(source).migrate(name, { node: targetEngine.node, runner });
  await db.container.update({
    where: { id: c.id },
    data: {
      hardwareNodeId: target.id,
      observedState: c.desiredState === "STOPPED" ? "STOPPED" : "RUNNING",
      lastObservedAt: new Date(),
    },
  });
  // Its published ports move with it (node ports are unique platform-wide, so the same port is free there).
  const endpoints = await syncTcpEndpoints().catch((error: Error) => ({
    failed: [{ node: "", error: error.message }],
  }));
  const note = endpoints.failed.length ? `; endpoint rules not applied: ${endpoints.failed[0]!.error}` : "";
  return withIngressSync(`migrated ${name} (${c.ip}) from ${source.name} to ${target.name}${note}`);
}

/** Deletes the row and gives its capacity back, atomically; a second run finds nothing to do. */
async function releaseContainer(containerId: string): Promise<string> {
  let published = 0;
  const message = await db.$transaction(async (tx) => {
    const c = await tx.container.findUnique({ where: { id: containerId } });
    if (!c) return "already released";
    published = await tx.tcpEndpoint.count({ where: { containerId } });
    // Node row first, then the container (and through its trigger the owner's quota counters): the
    // lock order of the placing transactions, so a release never deadlocks with a placement.
    if (c.hardwareNodeId)
      await releaseReservation(tx, {
        nodeId: c.hardwareNodeId,
        reservedCloudlets: c.reservedCloudlets,
        dynamicCloudlets: c.dynamicCloudlets,
        diskGib: c.diskGib,
      });
    const gone = await tx.container.deleteMany({ where: { id: c.id } });
    if (gone.count === 0) throw new Error(`container ${c.id} was released concurrently`);
    return `released ${containerNameFor(c.id)} (${c.reservedCloudlets} cloudlets)`;
  });
  // Its published ports went with the row (cascade): their DNAT rules go now (a crash before this
  // leaves them to the next resync's sweep).
  if (published > 0) await syncTcpEndpoints().catch(logIgnored("removing a released container's endpoint rules"));
  return message;
}

async function executeEnvironmentStep(ctx: Ctx): Promise<string> {
  if (!ctx.environmentId) return "environment no longer exists";
  const env = await db.environment.findUnique({
    where: { id: ctx.environmentId },
    include: { containers: { select: { desiredState: true, observedState: true } } },
  });
  if (!env) return "environment no longer exists";
  switch (ctx.kind) {
    case "mark-running": {
      const live = env.containers.filter((c) => c.desiredState === "RUNNING");
      const down = live.filter((c) => c.observedState !== "RUNNING").length;
      const status = live.length === 0 && env.status === "FAILED" ? "FAILED" : down > 0 ? "DEGRADED" : "RUNNING";
      await db.environment.update({ where: { id: env.id }, data: { status } });
      await runStackHook({ phase: "topology", environmentId: env.id });
      return withIngressSync(
        `environment ${status.toLowerCase()} (${live.length - down}/${live.length} containers running)`,
      );
    }
    case "mark-stopped":
      await db.environment.update({ where: { id: env.id }, data: { status: "STOPPED" } });
      return withIngressSync("environment stopped");
    case "finalize-delete": {
      const left = await db.container.count({ where: { environmentId: env.id } });
      if (left > 0) throw new StepRetryLater(`${left} containers are still being removed`);
      // The operation's completion commits with the deletion: once the environment row is gone,
      // nothing would find this operation again to finish it.
      // Its endpoints went with its containers (cascade): their DNAT rules go before the operation is
      // recorded done, so a finished deletion leaves no published port behind.
      await syncTcpEndpoints().catch(logIgnored("removing endpoint rules of a deleted environment (resync retries)"));
      const message = `environment ${env.name} deleted`;
      const now = new Date();
      await db.$transaction([
        db.operation.updateMany({
          where: {
            environmentId: env.id,
            status: "PENDING",
            ...(ctx.operationId ? { id: { not: ctx.operationId } } : {}),
          },
          data: { status: "CANCELLED", finishedAt: now, error: "environment deleted" },
        }),
        ...(ctx.stepId
          ? [
              db.operationStep.update({
                where: { id: ctx.stepId },
                data: { status: "SUCCEEDED", finishedAt: now, message },
              }),
            ]
          : []),
        ...(ctx.operationId
          ? [db.operation.update({ where: { id: ctx.operationId }, data: { status: "SUCCEEDED", finishedAt: now } })]
          : []),
        db.environment.delete({ where: { id: env.id } }),
      ]);
      // The step is already recorded as done with the deletion: a crash before this line leaves the
      // route to the next resync, which removes it.
      return withIngressSync(message);
    }
    default:
      throw new Error(`step ${ctx.kind} needs a container`);
  }
}
