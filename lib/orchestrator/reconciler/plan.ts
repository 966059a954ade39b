// The reconciler's pure core: desired state (database rows) vs observed state (the engine's list)
// → an ordered list of idempotent steps. Level-triggered: running the plan and planning again
// yields only the environment's final bookkeeping step.

export type DesiredState = "RUNNING" | "STOPPED" | "DELETED";

export interface Limits {
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
}

export interface DesiredContainer {
  id: string;
  /** Engine name, "hp-<id>". */
  name: string;
  layerId: string;
  ordinal: number;
  nodeId: string | null;
  desired: DesiredState;
  limits: Limits;
}

export interface ObservedContainerState {
  state: "running" | "stopped" | "starting" | "stopping" | "paused" | "suspended" | "migrating" | "unknown";
  limits: Limits | null;
}

export type StepKind =
  | "create"
  | "configure"
  | "start"
  | "stop"
  | "restart"
  | "set-limits"
  | "migrate"
  | "destroy"
  | "release"
  | "mark-running"
  | "mark-stopped"
  | "finalize-delete"
  // A deploy's steps (planned by lib/orchestrator/deploy-plan.ts, not by the reconciler).
  | "stage"
  | "drain"
  | "switch"
  | "verify"
  | "undrain"
  | "finish-deploy";

export interface PlannedStep {
  kind: StepKind;
  /** The container the step acts on; absent for environment-level steps. */
  containerId?: string;
  /** Human-readable target, e.g. "hp-abc on hn-1". */
  target: string;
}

export interface PlanInput {
  environment: { id: string; desired: DesiredState };
  containers: readonly DesiredContainer[];
  /** Observed state by engine name; a missing entry means the container does not exist. */
  observed: ReadonlyMap<string, ObservedContainerState>;
  /** Containers to restart because the operation asks for it (only running ones are restarted). */
  restart?: ReadonlySet<string>;
  nodeNames?: ReadonlyMap<string, string>;
}

function sameLimits(a: Limits | null, b: Limits): boolean {
  // Disk is not enforced by every engine's observation, so only the cgroup-backed values count.
  return !!a && a.reservedCloudlets === b.reservedCloudlets && a.dynamicCloudlets === b.dynamicCloudlets;
}

export function planEnvironment(input: PlanInput): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const where = (c: DesiredContainer) =>
    `${c.name}${c.nodeId ? ` on ${input.nodeNames?.get(c.nodeId) ?? c.nodeId}` : ""}`;
  const envDesired = input.environment.desired;
  const effective = (c: DesiredContainer): DesiredState => (envDesired === "DELETED" ? "DELETED" : c.desired);

  // Removals first, newest first (scale-in removes the newest container), so capacity frees early.
  const removals = input.containers.filter((c) => effective(c) === "DELETED").sort((a, b) => b.ordinal - a.ordinal);
  for (const c of removals) {
    if (input.observed.has(c.name)) steps.push({ kind: "destroy", containerId: c.id, target: where(c) });
    steps.push({ kind: "release", containerId: c.id, target: where(c) });
  }

  // Kept containers are planned in phases (all creates, then all configures, …) so the executor
  // can run each phase's steps for different containers in parallel.
  const keep = input.containers
    .filter((c) => effective(c) !== "DELETED")
    .sort((a, b) => (a.layerId === b.layerId ? a.ordinal - b.ordinal : a.layerId < b.layerId ? -1 : 1));
  const phases: Record<"create" | "configure" | "set-limits" | "start" | "restart" | "stop", PlannedStep[]> = {
    create: [],
    configure: [],
    "set-limits": [],
    start: [],
    restart: [],
    stop: [],
  };
  for (const c of keep) {
    const seen = input.observed.get(c.name);
    const desired = effective(c);
    const add = (kind: keyof typeof phases) => phases[kind].push({ kind, containerId: c.id, target: where(c) });
    if (!seen) {
      add("create");
      add("configure");
      if (desired === "RUNNING") add("start");
      continue;
    }
    if (!sameLimits(seen.limits, c.limits)) add("set-limits");
    const running = seen.state === "running" || seen.state === "starting";
    if (desired === "RUNNING" && !running) add("start");
    else if (desired === "RUNNING" && input.restart?.has(c.id)) add("restart");
    else if (desired === "STOPPED" && seen.state !== "stopped") add("stop");
  }
  steps.push(
    ...phases.create,
    ...phases.configure,
    ...phases["set-limits"],
    ...phases.stop,
    ...phases.start,
    ...phases.restart,
  );

  const env = `environment ${input.environment.id}`;
  if (envDesired === "DELETED") steps.push({ kind: "finalize-delete", target: env });
  else if (envDesired === "STOPPED") steps.push({ kind: "mark-stopped", target: env });
  else steps.push({ kind: "mark-running", target: env });
  return steps;
}

/** What a step leaves behind in the observed state; used by tests to prove plans converge. */
export function applyStepToObserved(options: {
  step: PlannedStep;
  containers: readonly DesiredContainer[];
  observed: Map<string, ObservedContainerState>;
}): void {
  const { step, observed } = options;
  const c = options.containers.find((x) => x.id === step.containerId);
  if (!c) return;
  switch (step.kind) {
    case "create":
      observed.set(c.name, { state: "stopped", limits: { ...c.limits } });
      break;
    case "configure":
      break;
    case "set-limits": {
      const o = observed.get(c.name);
      if (o) o.limits = { ...c.limits };
      break;
    }
    case "start":
    case "restart": {
      const o = observed.get(c.name);
      if (o) o.state = "running";
      break;
    }
    case "stop": {
      const o = observed.get(c.name);
      if (o) o.state = "stopped";
      break;
    }
    case "destroy":
      observed.delete(c.name);
      break;
    default:
      break;
  }
}
