// Stack templates ready before they are needed: the worker warms every lxc node's Debian stack
// templates in the background (after start, and for each node as it is enrolled), and runs the
// admins' rebuild and delete requests. Each is a TEMPLATE operation with its phases as steps.
//
// One build per (node, stack, recipe version), also with several panels or workers on one database:
// a background build is claimed by inserting its operation with an idempotency key
// "template:<node>:<stack>:<hash8>:<attempt>" (the unique index lets exactly one inserter win), and
// a PENDING operation is started by one conditional PENDING → RUNNING update. On the node itself the
// build holds a mkdir lock, so an environment created meanwhile waits for that build and reuses it.
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { logIgnored } from "@/lib/log";
import {
  ensureStackTemplate,
  listStackTemplates,
  removeStackTemplate,
  stackTemplateSizeMib,
  type TemplateProgress,
} from "@/lib/orchestrator/engines/lxc/templates";
import { engineAndRunnerFor } from "@/lib/services/node-engine";
import { STACKS } from "@/lib/stacks/catalog";
import { recipeHash } from "@/lib/stacks/recipes";
import { operationRow, parseOperation } from "@/lib/validation/operations";

/** Stacks whose containers are clones of a per-node Debian template. */
export const TEMPLATE_STACKS: readonly string[] = STACKS.filter((s) => s.debianTemplate).map((s) => s.id);
/** Background attempts per (node, stack, recipe version) before it is left to an admin's rebuild. */
export const MAX_BACKGROUND_ATTEMPTS = 3;
/** A RUNNING template operation not touched for this long belongs to a worker that died. */
export const STALE_TEMPLATE_MS = 45 * 60_000;

export const hash8 = (stackId: string) => recipeHash(stackId).slice(0, 8);

/** Records each build phase as a step of the operation and keeps the operation's updatedAt fresh. */
export function templateProgressRecorder(operationId: () => Promise<string>, target: string) {
  let position = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const record = (p: TemplateProgress) => {
    chain = chain.then(async () => {
      const id = await operationId();
      const now = new Date();
      await db.operationStep.create({
        data: {
          operationId: id,
          position: position++,
          kind: p.phase,
          target,
          status: "SUCCEEDED",
          message: p.percent === undefined ? p.message : `${p.percent} % · ${p.message}`,
          startedAt: now,
          finishedAt: now,
        },
      });
      await db.operation.update({ where: { id }, data: { error: null } });
    });
    // The build itself goes on; a missing progress line only thins the operation's timeline.
    chain = chain.catch(logIgnored("recording a template build step"));
  };
  return { record, flushed: () => chain };
}

/**
 * Claims the background build of a stack template on a node: a PENDING TEMPLATE operation, or null
 * when one is already open or built for this recipe version, the attempts are used up, or another
 * panel claimed it first.
 */
export async function claimTemplateBuild(nodeId: string, stackId: string, client = db): Promise<{ id: string } | null> {
  const version = hash8(stackId);
  const prefix = `template:${nodeId}:${stackId}:${version}:`;
  const previous = await client.operation.findMany({
    where: { kind: "TEMPLATE", hardwareNodeId: nodeId, idempotencyKey: { startsWith: prefix } },
    select: { status: true },
  });
  if (previous.some((op) => op.status !== "FAILED" && op.status !== "CANCELLED")) return null;
  if (previous.length >= MAX_BACKGROUND_ATTEMPTS) return null;
  try {
    return await client.operation.create({
      data: {
        ...operationRow("TEMPLATE", { stackId, action: "build", trigger: "background", recipeHash: version }),
        status: "PENDING",
        hardwareNodeId: nodeId,
        idempotencyKey: `${prefix}${previous.length}`,
      },
      select: { id: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/**
 * Once per worker loop: for every ACTIVE lxc node, claims a background build of each stack template
 * the node does not have for the current recipe. Also fails RUNNING template operations whose
 * worker died, so their (node, stack) can be claimed again.
 */
export async function warmTemplatesOnce(): Promise<number> {
  await db.operation.updateMany({
    where: { kind: "TEMPLATE", status: "RUNNING", updatedAt: { lt: new Date(Date.now() - STALE_TEMPLATE_MS) } },
    data: { status: "FAILED", finishedAt: new Date(), error: "the worker building this template stopped" },
  });
  const nodes = await db.hardwareNode.findMany({ where: { engine: "LXC", status: "ACTIVE" } });
  let claimed = 0;
  for (const node of nodes) {
    const { engine, runner } = engineAndRunnerFor(node);
    const present = await listStackTemplates({ engineNode: engine.node, runner }).catch(() => null);
    if (!present) continue; // unreachable now; the next round looks again
    const current = new Set(present.map((t) => `${t.stackId}:${t.recipeHash.slice(0, 8)}`));
    for (const stackId of TEMPLATE_STACKS) {
      if (current.has(`${stackId}:${hash8(stackId)}`)) continue;
      if (await claimTemplateBuild(node.id, stackId)) claimed++;
    }
  }
  return claimed;
}

/** Starts the oldest PENDING template operation (if this worker wins it) and runs it to the end. */
export async function runTemplateQueueOnce(): Promise<string | null> {
  const next = await db.operation.findFirst({
    where: { kind: "TEMPLATE", status: "PENDING", hardwareNodeId: { not: null } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  if (!next) return null;
  const won = await db.operation.updateMany({
    where: { id: next.id, status: "PENDING" },
    data: { status: "RUNNING", startedAt: new Date(), attempts: { increment: 1 } },
  });
  if (won.count !== 1) return null;
  await runTemplateOperation(next.id);
  return next.id;
}

async function runTemplateOperation(operationId: string): Promise<void> {
  const op = await db.operation.findUniqueOrThrow({ where: { id: operationId }, include: { hardwareNode: true } });
  const payload = parseOperation(op);
  if (payload.kind !== "TEMPLATE" || !op.hardwareNode) throw new Error(`operation ${op.id} is not a node's TEMPLATE`);
  const { input } = payload;
  const node = op.hardwareNode;
  const { engine, runner } = engineAndRunnerFor(node);
  const options = { engineNode: engine.node, runner, stackId: input.stackId };
  const progress = templateProgressRecorder(async () => op.id, `${input.stackId} on ${node.name}`);
  try {
    let built = false;
    let buildMs: number | undefined;
    if (input.action === "delete" || input.action === "rebuild") {
      const removed = await removeStackTemplate(options);
      progress.record({ phase: "finalize", message: removed ? "removed the template" : "no template to remove" });
    }
    if (input.action !== "delete") {
      const result = await ensureStackTemplate({ ...options, onProgress: progress.record });
      built = result.built;
      buildMs = result.durationMs;
      if (!built) progress.record({ phase: "done", message: "already built for this recipe version", percent: 100 });
    }
    const sizeMib = input.action === "delete" ? undefined : ((await stackTemplateSizeMib(options)) ?? undefined);
    await progress.flushed();
    await db.operation.update({
      where: { id: op.id },
      data: {
        status: "SUCCEEDED",
        finishedAt: new Date(),
        input: operationRow("TEMPLATE", { ...input, recipeHash: hash8(input.stackId), buildMs, sizeMib }).input,
      },
    });
  } catch (error) {
    await progress.flushed();
    const message = error instanceof Error ? error.message : String(error);
    await db.operation.update({
      where: { id: op.id },
      data: { status: "FAILED", finishedAt: new Date(), error: message.slice(0, 2000) },
    });
  }
}
