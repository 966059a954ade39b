// What an Operation row and its steps carry in their `input` JSON columns, as one zod union per
// table, parsed at both boundaries: when a service or the worker writes a row (`operationRow`,
// `stepRow`) and when the executor reads one back (`parseOperation`, `parseStep`).
//
// Adding an operation kind is one entry in OPERATION_INPUTS below: its name and the shape of its
// input. The type `OperationKind`, the union `ZOperation` and the typed writers follow from it.
import { z } from "zod";
import type { StepKind } from "@/lib/orchestrator/reconciler/plan";

const id = z.string().min(1);
const count = z.number().int().min(0);

/** Operation kind → the schema of its input. Keep the keys UPPER_CASE: they are stored in Operation.kind. */
export const OPERATION_INPUTS = {
  /** A new environment: the containers it reserved (rolled back if the operation fails). */
  CREATE: z.object({ requestId: z.string().min(1), containerIds: z.array(id), name: z.string().min(1) }),
  /** Start/stop the environment, or one container of it. */
  START: z.object({ containerId: id.optional() }),
  STOP: z.object({ containerId: id.optional() }),
  /** Restart the listed running containers (the environment, a layer or one container). */
  RESTART: z.object({
    restart: z.array(id),
    layerId: id.nullish(),
    containerId: id.nullish(),
    reason: z.string().optional(),
  }),
  /** Scale a layer out (containerIds: the added containers, rolled back on failure) or in (removed). */
  SCALE: z.object({
    layerId: id,
    from: count,
    to: count,
    containerIds: z.array(id).optional(),
    removed: z.array(id).optional(),
  }),
  RESIZE: z.object({ layerId: id, reservedCloudlets: count, dynamicCloudlets: count }),
  DELETE: z.object({ name: z.string().min(1) }),
  /** Converge again after a failed operation. */
  RETRY: z.object({ retryOf: id, kind: z.string().min(1) }),
  /** Started by resync (a container died or vanished) or by health checks (restart the listed containers). */
  REPAIR: z.object({ containerId: id.optional(), restart: z.array(id).optional(), reason: z.string() }),
  /** Destroys and releases what a failed CREATE/SCALE reserved. */
  ROLLBACK: z.object({ rollbackOf: id, containerIds: z.array(id) }),
  /** Moves containers of one environment to other nodes; parentId is the node's EVACUATE operation. */
  MIGRATE: z.object({
    moves: z.array(z.object({ containerId: id, toNodeId: id })),
    fromNodeId: id,
    parentId: id.nullable(),
  }),
  /** A node's evacuation; finishes when its last MIGRATE operation has. `moves` is their count. */
  EVACUATE: z.object({ moves: count }),
  /**
   * Makes every container of an application or static layer serve `releaseId` (null: the stack's
   * sample), `batch` containers at a time. `rollbackOf`: the failed release this one restores.
   */
  DEPLOY: z.object({
    layerId: id,
    releaseId: id.nullable(),
    rollbackOf: id.nullish(),
    batch: z.number().int().min(1).max(100).default(1),
    /** Restart every container even when it already serves the release (variables changed). */
    restart: z.boolean().default(false),
  }),
  /**
   * A stack template on a node: built on first use (recorded while the executor waits for it), or
   * built in the background / rebuilt / deleted by the worker's template queue (lib/worker/template-builds).
   */
  TEMPLATE: z.object({
    stackId: z.string().min(1),
    buildMs: z.number().min(0).optional(),
    action: z.enum(["build", "rebuild", "delete"]).optional(),
    trigger: z.enum(["first-use", "background", "admin"]).optional(),
    /** First 8 hex digits of the recipe hash: the template's recipe version. */
    recipeHash: z.string().optional(),
    sizeMib: z.number().min(0).optional(),
  }),
} satisfies Record<string, z.ZodType<Record<string, unknown>>>;

export type OperationKind = keyof typeof OPERATION_INPUTS;
export type OperationInput<K extends OperationKind = OperationKind> = z.infer<(typeof OPERATION_INPUTS)[K]>;
export type OperationPayload = { [K in OperationKind]: { kind: K; input: OperationInput<K> } }[OperationKind];

export const OPERATION_KINDS = Object.keys(OPERATION_INPUTS) as OperationKind[];

const operationVariants = OPERATION_KINDS.map((kind) =>
  z.object({ kind: z.literal(kind), input: OPERATION_INPUTS[kind] }),
);
/** `{ kind, input }` of an Operation row, discriminated by kind. */
export const ZOperation = z.discriminatedUnion(
  "kind",
  operationVariants as unknown as [(typeof operationVariants)[number], ...(typeof operationVariants)[number][]],
) as unknown as z.ZodType<OperationPayload>;

/** A stored operation or step whose input does not match its kind: a bug or a hand-edited row. */
export class InvalidOperationInput extends Error {
  constructor(
    readonly what: string,
    readonly issues: string,
  ) {
    super(`${what} has invalid input: ${issues}`);
    this.name = "InvalidOperationInput";
  }
}

/** "moves.0.toNodeId: Invalid input: expected string, received undefined; …" (paths relative to the input). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path[0] === "input" ? issue.path.slice(1) : issue.path;
      return `${path.length ? path.join(".") : "(root)"}: ${issue.message}`;
    })
    .join("; ");
}

/** Reads an Operation row's kind and input; throws InvalidOperationInput naming the fields that are wrong. */
export function parseOperation(row: { id?: string; kind: string; input: unknown }): OperationPayload {
  const parsed = ZOperation.safeParse({ kind: row.kind, input: row.input ?? {} });
  if (!parsed.success) {
    throw new InvalidOperationInput(
      `operation ${row.id ?? ""} (${row.kind})`.replace("  ", " "),
      describeIssues(parsed.error),
    );
  }
  return parsed.data;
}

/** The validated `{ kind, input }` columns for writing an Operation row. */
export function operationRow<K extends OperationKind>(kind: K, input: OperationInput<K>) {
  const parsed = OPERATION_INPUTS[kind].safeParse(input);
  if (!parsed.success) throw new InvalidOperationInput(`new ${kind} operation`, describeIssues(parsed.error));
  return { kind, input: parsed.data as OperationInput<K> };
}

/** Containers an operation created: a failed CREATE or SCALE rolls them back. */
export function createdContainers(op: OperationPayload): string[] {
  if (op.kind === "CREATE") return op.input.containerIds;
  if (op.kind === "SCALE") return op.input.containerIds ?? [];
  return [];
}

/** Containers an operation asks to restart even though they are running. */
export function containersToRestart(op: OperationPayload): string[] {
  if (op.kind === "RESTART") return op.input.restart;
  if (op.kind === "REPAIR") return op.input.restart ?? [];
  return [];
}

// ---- Steps ------------------------------------------------------------------------------------

/** Steps that act on one container (OperationStep.input.containerId set). */
export const CONTAINER_STEP_KINDS = [
  "create",
  "configure",
  "start",
  "stop",
  "restart",
  "set-limits",
  "destroy",
  "release",
  "stage",
  "drain",
  "switch",
  "verify",
  "undrain",
] as const satisfies readonly StepKind[];
/** Steps that act on the environment as a whole (no container). */
export const ENVIRONMENT_STEP_KINDS = [
  "mark-running",
  "mark-stopped",
  "finalize-delete",
  "finish-deploy",
] as const satisfies readonly StepKind[];

/**
 * A reconciler step as the executor runs it. Stored in OperationStep as `kind` plus
 * `input: { containerId, toNodeId }` (nulls where they do not apply), the shape the timeline reads.
 */
export const ZStep = z.discriminatedUnion("kind", [
  z.object({ kind: z.enum(CONTAINER_STEP_KINDS), containerId: id, toNodeId: z.null().default(null) }),
  z.object({ kind: z.literal("migrate"), containerId: id, toNodeId: id }),
  z.object({
    kind: z.enum(ENVIRONMENT_STEP_KINDS),
    containerId: z.null().default(null),
    toNodeId: z.null().default(null),
  }),
]);
export type StepPayload = z.infer<typeof ZStep>;

// Every step kind the reconciler plans is covered by exactly one variant above.
type CoveredStepKinds = StepPayload["kind"];
const _allStepKindsCovered: [StepKind] extends [CoveredStepKinds] ? true : never = true;
void _allStepKindsCovered;

/** Reads an OperationStep row of an environment operation; throws InvalidOperationInput when it does not fit. */
export function parseStep(row: { id?: string; kind: string; input: unknown }): StepPayload {
  const input = (row.input ?? {}) as Record<string, unknown>;
  const parsed = ZStep.safeParse({
    kind: row.kind,
    containerId: input.containerId ?? null,
    toNodeId: input.toNodeId ?? null,
  });
  if (!parsed.success) {
    throw new InvalidOperationInput(
      `step ${row.id ?? ""} (${row.kind})`.replace("  ", " "),
      describeIssues(parsed.error),
    );
  }
  return parsed.data;
}

/** The validated `{ kind, input }` columns for writing a planned step. */
export function stepRow(step: { kind: StepKind; containerId?: string | null; toNodeId?: string | null }) {
  const parsed = ZStep.safeParse({
    kind: step.kind,
    containerId: step.containerId ?? null,
    toNodeId: step.toNodeId ?? null,
  });
  if (!parsed.success) throw new InvalidOperationInput(`new ${step.kind} step`, describeIssues(parsed.error));
  const { kind, containerId, toNodeId } = parsed.data;
  return { kind, input: { containerId, toNodeId } };
}

/**
 * The container a recorded step is about, for timelines. Lenient on purpose: template-build steps
 * (TEMPLATE operations) record phases, not containers, and carry an empty input.
 */
export function stepContainerId(input: unknown): string | null {
  const value = (input as { containerId?: unknown } | null)?.containerId;
  return typeof value === "string" && value ? value : null;
}
