// Makes the stack catalog real on lxc nodes: Debian stack templates (built in the background by
// template-builds.ts, or on first use as a visible TEMPLATE operation; a creation during a build waits
// for it on the node's lock), per-container configuration with generated credentials, and the
// balancer's upstream list regenerated whenever the app layer's healthy running set changes.
import { db } from "@/lib/db/client";
import { logIgnored } from "@/lib/log";
import { containerNameFor } from "@/lib/orchestrator/engines";
import {
  configureStackContainer,
  ensureStackTemplate,
  stackTemplateSizeMib,
  writeBalancerUpstreams,
} from "@/lib/orchestrator/engines/lxc/templates";
import { getStack } from "@/lib/stacks/catalog";
import { engineAndRunnerFor } from "@/lib/services/node-engine";
import { connectionString, connectionVariableNames, readCredentials, serviceEnv } from "@/lib/stacks/credentials";
import { operationRow } from "@/lib/validation/operations";
import { registerStackHook } from "./stack-hooks";
import type { ContainerEngine } from "@/lib/orchestrator/engines";
import { servedRelease, stageRelease, switchRelease } from "@/lib/orchestrator/deploy";
import { getRecipe } from "@/lib/stacks/recipes";
import { hash8 } from "./template-builds";
import { variablesFor } from "@/lib/services/variables";
import { setTemplateResolver, TemplateUnavailableError } from "./templates";

setTemplateResolver(async ({ stackId, node }) => {
  const stack = getStack(stackId);
  if (!stack) throw new TemplateUnavailableError(`unknown stack ${stackId}`);
  if (!stack.debianTemplate || node.engine === "SIM") return { kind: "busybox" };
  if (node.engine !== "LXC")
    throw new TemplateUnavailableError(
      `${stack.displayName} needs an lxc hardware node (${node.name} runs ${node.engine.toLowerCase()})`,
    );
  const row = await db.hardwareNode.findUniqueOrThrow({ where: { id: node.id } });
  const { engine, runner } = engineAndRunnerFor(row);
  let op: { id: string } | null = null;
  let position = 0;
  const result = await ensureStackTemplate({
    engineNode: engine.node,
    runner,
    stackId,
    onProgress: (p) => {
      // Only a real build reports phases beyond the lock: record it as an operation admins (and
      // the developer waiting on it) can follow.
      void (async () => {
        if (p.phase === "lock") return;
        op ??= await db.operation.create({
          data: {
            ...operationRow("TEMPLATE", { stackId, action: "build", trigger: "first-use", recipeHash: hash8(stackId) }),
            status: "RUNNING",
            startedAt: new Date(),
            hardwareNodeId: node.id,
          },
        });
        await db.operationStep
          .create({
            data: {
              operationId: op.id,
              position: position++,
              kind: p.phase,
              target: `${stack.displayName} on ${node.name}`,
              status: "SUCCEEDED",
              message: p.message,
              startedAt: new Date(),
              finishedAt: new Date(),
            },
          })
          // The build itself goes on; a missing progress line only thins the operation's timeline.
          .catch(logIgnored("recording a template build step"));
      })();
    },
  });
  if (op)
    await db.operation
      .update({
        where: { id: (op as { id: string }).id },
        data: {
          status: "SUCCEEDED",
          finishedAt: new Date(),
          input: operationRow("TEMPLATE", {
            stackId,
            action: "build",
            trigger: "first-use",
            recipeHash: hash8(stackId),
            buildMs: result.durationMs,
            sizeMib: (await stackTemplateSizeMib({ engineNode: engine.node, runner, stackId })) ?? undefined,
          }).input,
        },
      })
      .catch(logIgnored("closing the template build operation"));
  return { kind: "clone", source: result.templateName, snapshot: true };
});

async function envForContainer(container: {
  id: string;
  environmentId: string;
  layerId: string;
  layer: { stack: string; secretsEncrypted?: string | null; name: string };
}) {
  const env: Record<string, string> = {
    HOSTPLANE_CONTAINER: containerNameFor(container.id),
    HOSTPLANE_LAYER: container.layer.name,
  };
  Object.assign(env, serviceEnv(container.layer.stack, readCredentials(container.layer.secretsEncrypted ?? null)));
  if (getStack(container.layer.stack)?.role === "APP") {
    // App containers receive the environment's database and cache connection strings.
    const services = await db.layer.findMany({
      where: { environmentId: container.environmentId, secretsEncrypted: { not: null } },
      include: { containers: { where: { desiredState: { not: "DELETED" } }, orderBy: { ordinal: "asc" }, take: 1 } },
    });
    const reachable = services.filter((l) => readCredentials(l.secretsEncrypted) && l.containers[0]?.ip);
    for (const [layer, key] of connectionVariableNames(reachable))
      env[key] = connectionString(layer.stack, readCredentials(layer.secretsEncrypted)!, layer.containers[0]!.ip!);
  }
  // The owner's variables: the environment's, then the layer's (which win). Reserved names are refused
  // when saved; a generated one still wins here.
  if (getRecipe(container.layer.stack)?.deploy)
    for (const [key, value] of Object.entries(await variablesFor(container.environmentId, container.layerId)))
      if (!(key in env)) env[key] = value;
  return env;
}

async function refreshBalancers(environmentId: string): Promise<string | null> {
  // Most environments have no running balancer on an lxc node: one small query says so.
  const balancer = await db.container.findFirst({
    where: {
      environmentId,
      desiredState: { not: "DELETED" },
      observedState: "RUNNING",
      layer: { stack: "nginx" },
      hardwareNode: { engine: "LXC" },
    },
    select: { id: true },
  });
  if (!balancer) return null;
  const containers = await db.container.findMany({
    where: { environmentId, desiredState: { not: "DELETED" } },
    include: { layer: true, hardwareNode: true },
  });
  const balancers = containers.filter(
    (c) => c.layer.stack === "nginx" && c.observedState === "RUNNING" && c.hardwareNode?.engine === "LXC",
  );
  if (balancers.length === 0) return null;
  const upstreams = containers
    .filter(
      (c) =>
        getStack(c.layer.stack)?.role === "APP" &&
        c.observedState === "RUNNING" &&
        c.desiredState === "RUNNING" &&
        c.health !== "UNHEALTHY" &&
        !c.draining &&
        c.ip,
    )
    .map((c) => ({ ip: c.ip!, port: getStack(c.layer.stack)!.ports[0] ?? 8080 }));
  for (const b of balancers) {
    const { engine, runner } = engineAndRunnerFor(b.hardwareNode!);
    await writeBalancerUpstreams({ runner, node: engine.node, name: containerNameFor(b.id), upstreams });
  }
  return `balancer upstreams: ${upstreams.map((u) => u.ip).join(", ") || "none"}`;
}

registerStackHook(async (ctx) => {
  if (ctx.phase === "topology") return refreshBalancers(ctx.environmentId);
  const { container } = ctx;
  const stack = getStack(container.layer.stack);
  if (!stack?.debianTemplate || ctx.engine.kind !== "lxc" || !container.hardwareNode) return null;
  if (ctx.phase === "configure") {
    const full = await db.container.findUniqueOrThrow({
      where: { id: container.id },
      include: { layer: true, hardwareNode: true },
    });
    const { runner } = engineAndRunnerFor(full.hardwareNode!);
    await configureStackContainer({
      runner,
      node: ctx.engine.node,
      name: containerNameFor(container.id),
      stackId: stack.id,
      env: await envForContainer(full),
    });
    return `configured ${stack.displayName}`;
  }
  return ensureServedRelease(container.id, ctx.engine);
});

/**
 * At every start: a container whose row names a release (added by scale-out, recreated by resync)
 * but that serves another one (a fresh clone serves the sample) unpacks and switches to it before
 * the balancer and the ingress send it traffic.
 */
async function ensureServedRelease(containerId: string, engine: ContainerEngine): Promise<string | null> {
  const c = await db.container.findUnique({ where: { id: containerId }, include: { layer: true } });
  const deploy = c ? getRecipe(c.layer.stack)?.deploy : undefined;
  if (!c?.releaseId || !deploy) return null;
  const name = containerNameFor(c.id);
  if ((await servedRelease(engine, name)) === c.releaseId) return null;
  const release = await db.release.findUnique({ where: { id: c.releaseId } });
  if (!release?.archivePath) return `release of ${name} is no longer kept: it serves the sample`;
  await stageRelease({ engine, name, releaseId: release.id, archivePath: release.archivePath, deploy });
  await switchRelease({ engine, name, releaseId: release.id, deploy });
  return `${name} serves release ${release.number}`;
}
