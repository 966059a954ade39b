// Runs an environment's operations in order. Each operation's plan is persisted as steps before
// anything runs; each step is marked RUNNING before and SUCCEEDED/FAILED after it runs, so a
// crash at any point resumes at the first unfinished step (steps are idempotent).
import { db } from "@/lib/db/client";
import { containerNameFor, isTransientError } from "@/lib/orchestrator/engines";
import { planEnvironment, type StepKind } from "@/lib/orchestrator/reconciler/plan";
import { recordAudit } from "@/lib/services/audit";
import {
  containersToRestart,
  createdContainers,
  InvalidOperationInput,
  operationRow,
  parseOperation,
  parseStep,
  stepRow,
  type OperationPayload,
} from "@/lib/validation/operations";
import { tryLockEnvironment } from "./env-lock";
import { failpoint } from "@/lib/queue/failpoint";
import { loadEnvironmentState } from "./observe";
import { plainFailureSummary } from "./failure-summary";
import { executeStep, StepRetryLater } from "./steps";
import { TemplateUnavailableError } from "./templates";
import { onDeployFailed, planDeploySteps } from "./deploy";
import { DeployStepError } from "@/lib/orchestrator/deploy";
import { config } from "@/lib/config";

/** Thrown to let the queue retry the job later with backoff. */
export class RetryLater extends Error {}

const MAX_STEP_ATTEMPTS = config.HOSTPLANE_MAX_STEP_ATTEMPTS;

export async function processEnvironment(environmentId: string): Promise<void> {
  const lock = await tryLockEnvironment(environmentId);
  if (!lock) throw new RetryLater(`environment ${environmentId} is being processed by another worker`);
  try {
    for (let guard = 0; guard < 100; guard++) {
      const op = await db.operation.findFirst({
        where: { environmentId, status: { in: ["PENDING", "RUNNING"] } },
        orderBy: { createdAt: "asc" },
        select: { id: true },
      });
      if (!op) return;
      await runOperation(op.id);
    }
  } finally {
    await lock.release();
  }
}

type Planned = { kind: StepKind; containerId?: string; target: string; toNodeId?: string };

async function planSteps(op: OpRow): Promise<Planned[]> {
  if (!op.environmentId) return [];
  if (op.payload.kind === "MIGRATE") {
    return [
      ...op.payload.input.moves.map((m) => ({
        kind: "migrate" as const,
        containerId: m.containerId,
        toNodeId: m.toNodeId,
        target: `${containerNameFor(m.containerId)} → ${m.toNodeId}`,
      })),
      { kind: "mark-running" as const, target: `environment ${op.environmentId}` },
    ];
  }
  if (op.payload.kind === "DEPLOY") return planDeploySteps(op.payload.input);
  const state = await loadEnvironmentState(op.environmentId);
  if (!state) return [];
  const restart = new Set(containersToRestart(op.payload));
  return planEnvironment({
    environment: { id: state.env.id, desired: state.env.desiredState },
    containers: state.desired,
    observed: state.observed,
    restart,
    nodeNames: state.nodeNames,
  });
}

async function runOperation(operationId: string): Promise<void> {
  const row = await db.operation.findUniqueOrThrow({
    where: { id: operationId },
    include: { steps: { orderBy: { position: "asc" } } },
  });
  let payload: OperationPayload;
  try {
    payload = parseOperation(row);
  } catch (error) {
    if (!(error instanceof InvalidOperationInput)) throw error;
    // Retrying cannot fix a row that does not fit its kind: fail it with the reason instead.
    await failOperation({ op: { ...row, payload: null }, stepId: null, stepKind: "input", message: error.message });
    return;
  }
  let op: OpRow & { steps: StepRow[]; status: string } = { ...row, payload };
  if (op.steps.length === 0) {
    let steps;
    try {
      const planned = await planSteps(op);
      steps = planned.map((s, position) => ({ operationId: op.id, position, target: s.target, ...stepRow(s) }));
    } catch (error) {
      if (isTransientError(error)) throw new RetryLater(`observing failed: ${(error as Error).message}`);
      if (error instanceof InvalidOperationInput) {
        await failOperation({ op, stepId: null, stepKind: "plan", message: error.message });
        return;
      }
      throw error;
    }
    const [created] = await db.$transaction([
      db.operationStep.createManyAndReturn({ data: steps }),
      db.operation.update({
        where: { id: op.id },
        data: { status: "RUNNING", startedAt: new Date(), attempts: { increment: 1 } },
        select: { id: true },
      }),
    ]);
    op = { ...op, status: "RUNNING", steps: [...created].sort((a, b) => a.position - b.position) };
  } else if (op.status === "PENDING") {
    await db.operation.update({
      where: { id: op.id },
      data: { status: "RUNNING", startedAt: new Date(), attempts: { increment: 1 } },
    });
  }

  // Consecutive steps of one kind act on different containers: run them as one parallel wave.
  const pending = op.steps.filter((s) => s.status !== "SUCCEEDED" && s.status !== "SKIPPED");
  for (let i = 0; i < pending.length;) {
    const wave = [pending[i]];
    while (
      PARALLEL_KINDS.has(pending[i].kind) &&
      i + wave.length < pending.length &&
      pending[i + wave.length].kind === pending[i].kind &&
      wave.length < MAX_WAVE
    )
      wave.push(pending[i + wave.length]);
    i += wave.length;
    await markRunning(wave);
    const outcomes = await Promise.allSettled(wave.map((step) => runStep(op, step)));
    const failed = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult | undefined;
    if (failed) {
      if (failed.reason instanceof RetryLater) throw failed.reason;
      if (failed.reason instanceof OperationFailed) return;
      throw failed.reason;
    }
  }
  await db.operation.update({
    where: { id: op.id },
    data: { status: "SUCCEEDED", finishedAt: new Date(), error: null },
  });
  if (op.payload.kind === "MIGRATE") await finishEvacuation(op.payload.input.parentId);
}

/** The node's EVACUATE operation succeeds when its last MIGRATE operation has. */
async function finishEvacuation(parentId: string | null) {
  if (!parentId) return;
  const open = await db.operation.count({
    where: { kind: "MIGRATE", status: { in: ["PENDING", "RUNNING"] }, input: { path: ["parentId"], equals: parentId } },
  });
  if (open === 0)
    await db.operation.updateMany({
      where: { id: parentId, status: "RUNNING" },
      data: { status: "SUCCEEDED", finishedAt: new Date() },
    });
}

const PARALLEL_KINDS = new Set([
  "create",
  "configure",
  "start",
  "stop",
  "restart",
  "set-limits",
  "destroy",
  "release",
  "migrate",
  // Deploy steps of one batch: unpack/build everywhere at once, then switch a batch together.
  "stage",
  "drain",
  "switch",
  "verify",
  "undrain",
]);
const MAX_WAVE = config.HOSTPLANE_STEP_PARALLELISM;

class OperationFailed extends Error {}

type StepRow = { id: string; kind: string; status: string; attempts: number; input: unknown };
type OpRow = {
  id: string;
  kind: string;
  environmentId: string | null;
  userId: string | null;
  payload: OperationPayload;
};

/** A wave's steps are marked RUNNING (and their attempt counted) in one statement before any runs. */
async function markRunning(wave: StepRow[]): Promise<void> {
  await db.operationStep.updateMany({
    where: { id: { in: wave.map((s) => s.id) } },
    data: { status: "RUNNING", startedAt: new Date(), finishedAt: null, attempts: { increment: 1 } },
  });
}

async function runStep(op: OpRow, step: StepRow): Promise<void> {
  let parsed;
  try {
    parsed = parseStep(step);
  } catch (error) {
    if (!(error instanceof InvalidOperationInput)) throw error;
    await failOperation({ op, stepId: step.id, stepKind: step.kind, message: error.message });
    throw new OperationFailed(error.message);
  }
  const { containerId, toNodeId } = parsed;
  // markRunning counted this attempt.
  const attempts = step.attempts + 1;
  try {
    const message = await executeStep({
      environmentId: op.environmentId,
      containerId,
      kind: parsed.kind,
      operationId: op.id,
      stepId: step.id,
      toNodeId,
      operation: op.payload,
    });
    failpoint(step.kind);
    await db.operationStep.update({
      where: { id: step.id },
      data: { status: "SUCCEEDED", finishedAt: new Date(), message },
    });
  } catch (error) {
    const message = describe(error);
    const transient = isTransientError(error) || error instanceof StepRetryLater;
    if (transient && attempts < MAX_STEP_ATTEMPTS) {
      await db.operationStep.update({
        where: { id: step.id },
        data: { status: "PENDING", message: `retrying: ${message}` },
      });
      throw new RetryLater(message);
    }
    await failOperation({
      op,
      stepId: step.id,
      stepKind: step.kind,
      message,
      permanentReason: error instanceof TemplateUnavailableError ? message : null,
      summary: plainFailureSummary(step.kind, error),
      output: error instanceof DeployStepError ? error.output : null,
    });
    throw new OperationFailed(message);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & { stderrExcerpt?: string; exitCode?: number };
    return [e.message, e.stderrExcerpt ? `stderr: ${e.stderrExcerpt}` : ""].filter(Boolean).join(" — ").slice(0, 2000);
  }
  return String(error).slice(0, 2000);
}

/**
 * A permanent failure: the step and the operation are FAILED with the reason; what this operation
 * created is rolled back (its containers are marked for deletion and a ROLLBACK operation destroys
 * them and releases their reservations), leaving an environment the user can retry or delete.
 */
async function failOperation(options: {
  /** payload is null when the operation's own input could not be read. */
  op: Omit<OpRow, "payload"> & { payload: OperationPayload | null };
  stepId: string | null;
  stepKind: string;
  message: string;
  permanentReason?: string | null;
  /** The plain summary every viewer sees; defaults to the step and its first line. */
  summary?: string;
  /** What a failed build or service printed (deploys keep it with the release). */
  output?: string | null;
}) {
  const { op } = options;
  // `error` is the plain summary every viewer sees; `errorDetail` the engine's account, for admins only.
  const summary = (
    options.summary ?? `${options.stepKind} failed: ${options.permanentReason ?? options.message.split(" — ")[0]}`
  ).slice(0, 300);
  const detail = `${options.stepKind} failed: ${options.permanentReason ?? options.message}`.slice(0, 2000);
  const created = op.payload ? createdContainers(op.payload) : [];
  await db.$transaction(async (tx) => {
    if (options.stepId)
      await tx.operationStep.update({
        where: { id: options.stepId },
        data: { status: "FAILED", finishedAt: new Date(), message: options.message },
      });
    // Several steps of one parallel wave may fail: only the first one fails the operation.
    const claimed = await tx.operation.updateMany({
      where: { id: op.id, status: { in: ["PENDING", "RUNNING"] } },
      data: { status: "FAILED", finishedAt: new Date(), error: summary, errorDetail: detail },
    });
    if (claimed.count === 0) return;
    await recordAudit(
      {
        actorId: op.userId,
        action: "operation.failed",
        targetType: "operation",
        targetId: op.id,
        result: "FAILURE",
        detail: { kind: op.kind, environmentId: op.environmentId, error: options.message.slice(0, 500) },
      },
      tx,
    );
    await tx.operationStep.updateMany({
      where: { operationId: op.id, status: "PENDING" },
      data: { status: "SKIPPED" },
    });
    if (op.payload?.kind === "DEPLOY")
      await onDeployFailed(
        tx,
        { id: op.id, environmentId: op.environmentId, userId: op.userId, input: op.payload.input },
        { message: options.message, output: options.output ?? null },
      );
    if (!op.environmentId) return;
    const env = await tx.environment.findUnique({ where: { id: op.environmentId } });
    if (!env) return;
    if (created.length && (op.kind === "CREATE" || op.kind === "SCALE")) {
      await tx.container.updateMany({ where: { id: { in: created } }, data: { desiredState: "DELETED" } });
      await tx.operation.create({
        data: {
          ...operationRow("ROLLBACK", { rollbackOf: op.id, containerIds: created }),
          environmentId: env.id,
          userId: op.userId,
        },
      });
    }
    if (env.desiredState !== "DELETED")
      await tx.environment.update({
        where: { id: env.id },
        data: { status: op.kind === "CREATE" ? "FAILED" : "DEGRADED" },
      });
  });
}
