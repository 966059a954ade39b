// What the engines say exists, per node, for the containers of one environment.
import { db } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import type { DesiredContainer, ObservedContainerState } from "@/lib/orchestrator/reconciler/plan";
import { engineFor } from "@/lib/services/node-engine";

export async function loadEnvironmentState(environmentId: string) {
  const env = await db.environment.findUnique({
    where: { id: environmentId },
    include: { containers: { include: { hardwareNode: true } } },
  });
  if (!env) return null;
  const desired: DesiredContainer[] = env.containers.map((c) => ({
    id: c.id,
    name: containerNameFor(c.id),
    layerId: c.layerId,
    ordinal: c.ordinal,
    nodeId: c.hardwareNodeId,
    desired: c.desiredState,
    limits: { reservedCloudlets: c.reservedCloudlets, dynamicCloudlets: c.dynamicCloudlets, diskGib: c.diskGib },
  }));
  const observed = new Map<string, ObservedContainerState>();
  const nodes = new Map(env.containers.filter((c) => c.hardwareNode).map((c) => [c.hardwareNode!.id, c.hardwareNode!]));
  const wanted = new Set(desired.map((d) => d.name));
  await Promise.all(
    [...nodes.values()].map(async (node) => {
      // An incompletely created container counts as absent: the plan creates it, and create() cleans up first.
      for (const o of await engineFor(node).list())
        if (wanted.has(o.name) && !o.incomplete) observed.set(o.name, { state: o.state, limits: o.limits });
    }),
  );
  return { env, desired, observed, nodeNames: new Map([...nodes.values()].map((n) => [n.id, n.name])) };
}
