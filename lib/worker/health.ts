// Health checks: the worker probes each running container's service port (the stack's first
// port). UNHEALTHY after a failed probe; after `failThreshold` consecutive failures the container
// is restarted (a REPAIR operation) and the event audited. Balancer upstreams follow health.
import { db } from "@/lib/db/client";
import { auditEventData } from "@/lib/services/audit";
import { dispatch } from "@/lib/services/operations";
import { operationRow } from "@/lib/validation/operations";
import { getStack } from "@/lib/stacks/catalog";
import { probeStackService } from "@/lib/orchestrator/engines/lxc/templates";
import { runStackHook } from "./stack-hooks";
import { syncIngress } from "@/lib/services/ingress";

export async function healthCheckOnce(
  options: { failThreshold?: number } = {},
): Promise<{ checked: number; unhealthy: number; restarted: number }> {
  const threshold = options.failThreshold ?? 3;
  const rows = await db.container.findMany({
    // Real engines only: simulated containers have no network to probe.
    where: {
      observedState: "RUNNING",
      desiredState: "RUNNING",
      ip: { not: null },
      hardwareNode: { engine: { in: ["LXC", "VIRTUOZZO"] } },
    },
    include: { layer: { select: { stack: true, role: true } }, environment: { select: { id: true, name: true } } },
  });
  const tally = { checked: 0, unhealthy: 0, restarted: 0 };
  const topologyChanged = new Set<string>();
  // Any change of health may change an ingress rotation (unhealthy entry containers leave it).
  let healthChanged = false;
  await Promise.all(
    rows.map(async (c) => {
      const port = getStack(c.layer.stack)?.ports[0];
      if (!port) return;
      tally.checked++;
      const ok = await probeStackService({ stackId: c.layer.stack, ip: c.ip!, timeoutMs: 1500 }).catch(() => false);
      if (ok) {
        if (c.health !== "HEALTHY" || c.healthFailures !== 0) {
          healthChanged ||= c.health !== "HEALTHY";
          await db.container.updateMany({ where: { id: c.id }, data: { health: "HEALTHY", healthFailures: 0 } });
          if (c.health === "UNHEALTHY" && c.layer.role === "APP") topologyChanged.add(c.environmentId);
        }
        return;
      }
      tally.unhealthy++;
      const failures = c.healthFailures + 1;
      if (c.health !== "UNHEALTHY" && c.layer.role === "APP") topologyChanged.add(c.environmentId);
      healthChanged ||= c.health !== "UNHEALTHY";
      if (failures < threshold) {
        await db.container.updateMany({ where: { id: c.id }, data: { health: "UNHEALTHY", healthFailures: failures } });
        return;
      }
      const busy = await db.operation.count({
        where: { environmentId: c.environmentId, status: { in: ["PENDING", "RUNNING"] } },
      });
      await db.container.updateMany({
        where: { id: c.id },
        data: { health: "UNHEALTHY", healthFailures: busy ? failures : 0 },
      });
      if (busy) return;
      await db.$transaction([
        db.operation.create({
          data: {
            ...operationRow("REPAIR", { restart: [c.id], reason: `port ${port} did not answer ${failures} times` }),
            environmentId: c.environmentId,
          },
        }),
        db.auditEvent.create({
          data: auditEventData({
            action: "container.unhealthy.restart",
            targetType: "container",
            targetId: c.id,
            result: "FAILURE",
            detail: { environment: c.environment.name, port, failures },
          }),
        }),
      ]);
      await dispatch(c.environmentId);
      tally.restarted++;
    }),
  );
  // A balancer that missed this update keeps the old upstreams until the next check re-runs the hook: log it.
  for (const environmentId of topologyChanged)
    await runStackHook({ phase: "topology", environmentId }).catch((error) =>
      console.error(`[hostplane] balancer upstreams of ${environmentId} not updated: ${(error as Error).message}`),
    );
  if (healthChanged)
    await syncIngress().catch((error) =>
      console.error(`[hostplane] ingress routes not updated after a health change: ${(error as Error).message}`),
    );
  return tally;
}
