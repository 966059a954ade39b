// The steps of a rolling deploy (pure). Every running container of the layer first gets the
// release unpacked and built beside the one it serves (in parallel, nothing leaves rotation);
// then `batch` containers at a time are drained (out of the balancer and the ingress), switched,
// verified (their health path answers) and put back. A container that already serves the release
// and is in rotation is left alone, so planning again after a crash or for a rollback only touches
// the containers that still need it.
import type { PlannedStep } from "./reconciler/plan";

export interface DeployContainer {
  id: string;
  /** "cp-2": what the timeline shows. */
  displayName: string;
  ordinal: number;
  running: boolean;
  releaseId: string | null;
  draining: boolean;
}

export function planDeploy(input: {
  containers: readonly DeployContainer[];
  releaseId: string | null;
  batch: number;
  layerName: string;
  /** Every running container is switched again (and restarted), not only those on another release. */
  restart?: boolean;
}): PlannedStep[] {
  const live = input.containers.filter((c) => c.running).sort((a, b) => a.ordinal - b.ordinal);
  const steps: PlannedStep[] = [];
  if (input.releaseId)
    for (const c of live)
      steps.push({ kind: "stage", containerId: c.id, target: `${c.displayName}: unpack and build` });
  const toSwitch = input.restart ? live : live.filter((c) => c.releaseId !== input.releaseId || c.draining);
  const batch = Math.max(1, Math.floor(input.batch));
  for (let i = 0; i < toSwitch.length; i += batch) {
    const group = toSwitch.slice(i, i + batch);
    for (const kind of ["drain", "switch", "verify", "undrain"] as const)
      for (const c of group) steps.push({ kind, containerId: c.id, target: `${c.displayName}: ${kind}` });
  }
  steps.push({ kind: "finish-deploy", target: `layer ${input.layerName}` });
  return steps;
}
