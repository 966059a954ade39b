// Environment variables of application layers: per environment and per layer (the layer wins).
// Secret values are sealed with HOSTPLANE_SECRET and never shown again. Saving a scope replaces its
// list in one transaction and queues a rolling restart (a DEPLOY of each affected layer's current
// release with `restart`), which rewrites every container's env file before restarting it behind a
// drained upstream, with the deploy's health checks and rollback.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { getRecipe } from "@/lib/stacks/recipes";
import { getStack } from "@/lib/stacks/catalog";
import { connectionVariableNames } from "@/lib/stacks/credentials";
import type { SaveVariablesInput, VariableScopeView } from "@/lib/validation/variables";
import { ZSaveVariables } from "@/lib/validation/variables";
import type { Actor } from "./environments";
import { getOwnedEnvironment } from "./environment-ops";
import { dispatch } from "./operations";
import { recordDeploy } from "./deploys";

const ENVIRONMENT_SCOPE = "*";

/** The values a container of the layer gets: the environment's variables, overridden by the layer's. */
export async function variablesFor(environmentId: string, layerId: string): Promise<Record<string, string>> {
  const rows = await db.variable.findMany({
    where: { environmentId, scope: { in: [ENVIRONMENT_SCOPE, layerId] } },
  });
  const out: Record<string, string> = {};
  for (const scope of [ENVIRONMENT_SCOPE, layerId])
    for (const row of rows.filter((r) => r.scope === scope))
      out[row.name] = row.secret ? openSecret(row.value) : row.value;
  return out;
}

/** Layers whose service restarts on a deploy read variables (a static site has no process to give them to). */
const takesVariables = (stack: string) => Boolean(getRecipe(stack)?.deploy?.restart);

/** The generated variables app containers receive (names only: their values hold passwords). */
function generatedNames(layers: { name: string; stack: string; position: number; secretsEncrypted: string | null }[]) {
  const out: { name: string; from: string }[] = [
    { name: "PORT", from: "the stack's service port" },
    { name: "HOSTPLANE_CONTAINER", from: "the container's name" },
    { name: "HOSTPLANE_LAYER", from: "the layer's name" },
  ];
  for (const [layer, name] of connectionVariableNames(layers.filter((l) => l.secretsEncrypted)))
    out.push({ name, from: `layer ${layer.name}` });
  return out;
}

/** The Variables card: the environment scope, then each application layer's. Secrets come back masked (value null). */
export async function listVariables(
  viewer: Pick<Actor, "id" | "role">,
  environmentId: string,
): Promise<VariableScopeView[] | null> {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    include: { layers: { orderBy: { position: "asc" } }, variables: { orderBy: { name: "asc" } } },
  });
  if (!env) return null;
  const apps = env.layers.filter((l) => takesVariables(l.stack));
  if (apps.length === 0) return [];
  const generated = generatedNames(env.layers);
  const view = (scope: string) =>
    env.variables
      .filter((v) => v.scope === scope)
      .map((v) => ({ name: v.name, value: v.secret ? null : v.value, secret: v.secret }));
  return [
    { layerId: null, name: "All application layers", variables: view(ENVIRONMENT_SCOPE), generated },
    ...apps.map((layer) => ({ layerId: layer.id, name: layer.name, variables: view(layer.id), generated: [] })),
  ];
}

/**
 * Replaces one scope's variables and rolls the change out: every running container of the affected
 * application layers gets its env file rewritten and is restarted one batch at a time. Nothing is
 * written when any entry is invalid.
 */
export async function saveVariables(
  options: SaveVariablesInput & { actor: Actor; ip?: string | null },
): Promise<{ operationIds: string[]; changed: boolean }> {
  const input = ZSaveVariables.parse(options);
  const env = await getOwnedEnvironment(options.actor, input.environmentId);
  const apps = env.layers.filter((l) => takesVariables(l.stack));
  if (input.layerId) {
    const layer = env.layers.find((l) => l.id === input.layerId);
    if (!layer) throw new AppError("NOT_FOUND", "Layer not found.");
    if (!takesVariables(layer.stack))
      throw new AppError(
        "VALIDATION",
        `The ${layer.name} layer runs ${getStack(layer.stack)?.displayName ?? layer.stack}, which takes no variables.`,
        { fieldErrors: { layerId: ["Only application layers take variables."] } },
      );
  } else if (apps.length === 0) {
    throw new AppError("VALIDATION", "This environment has no application layer to give variables to.");
  }
  const scope = input.layerId ?? ENVIRONMENT_SCOPE;
  const affected = input.layerId ? apps.filter((l) => l.id === input.layerId) : apps;

  return db
    .$transaction(async (tx) => {
      const existing = await tx.variable.findMany({ where: { environmentId: env.id, scope } });
      const byName = new Map(existing.map((v) => [v.name, v]));
      const rows = input.variables.map((v, index) => {
        if ("keep" in v) {
          const kept = byName.get(v.name);
          if (!kept?.secret)
            throw new AppError("VALIDATION", `${v.name} has no saved secret value to keep: enter a value.`, {
              fieldErrors: { [`variables.${index}.value`]: ["Enter a value."] },
            });
          return { name: v.name, value: kept.value, secret: true };
        }
        return { name: v.name, value: v.secret ? sealSecret(v.value) : v.value, secret: v.secret };
      });
      // Unchanged lists restart nothing.
      const same =
        rows.length === existing.length &&
        rows.every((r) => {
          const old = byName.get(r.name);
          if (!old || old.secret !== r.secret) return false;
          return r.secret ? openSecret(old.value) === openSecret(r.value) : old.value === r.value;
        });
      if (same) return { operationIds: [], changed: false };
      await tx.variable.deleteMany({ where: { environmentId: env.id, scope } });
      if (rows.length)
        await tx.variable.createMany({
          data: rows.map((r) => ({ ...r, environmentId: env.id, layerId: input.layerId, scope })),
        });
      const operationIds: string[] = [];
      const names = rows.map((r) => r.name);
      for (const layer of affected) {
        const op = await recordDeploy(tx, {
          actor: options.actor,
          ip: options.ip,
          action: "environment.variables",
          environmentId: env.id,
          layer,
          releaseId: layer.currentReleaseId,
          restart: true,
          detail: { scope: input.layerId ? layer.name : "environment", names },
        });
        operationIds.push(op.id);
      }
      return { operationIds, changed: true };
    })
    .then(async (result) => {
      if (result.changed) await dispatch(env.id);
      return result;
    });
}
