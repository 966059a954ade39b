// Samples stats() of every running container into ContainerMetric (kept 24 h) for the charts.
import { db } from "@/lib/db/client";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { engineFor } from "@/lib/services/node-engine";

const lastCpu = new Map<string, { ns: number; at: number }>();

export async function sampleMetricsOnce(now = Date.now()): Promise<number> {
  const nodes = await db.hardwareNode.findMany({
    where: {
      status: { in: ["ACTIVE", "MAINTENANCE", "EVACUATING"] },
      containers: { some: { observedState: "RUNNING" } },
    },
  });
  let written = 0;
  for (const node of nodes) {
    const rows = await db.container.findMany({
      where: { hardwareNodeId: node.id, observedState: "RUNNING" },
      select: { id: true },
    });
    const ids = new Map(rows.map((r) => [containerNameFor(r.id), r.id]));
    let stats;
    try {
      stats = await engineFor(node).stats();
    } catch {
      continue;
    }
    const data = [];
    for (const s of stats) {
      const id = ids.get(s.name);
      if (!id) continue;
      const prev = lastCpu.get(id);
      lastCpu.set(id, { ns: s.cpuUsageNs, at: now });
      // CPU in MHz: share of one core busy over the interval × the core's clock.
      const cpuMhz =
        prev && now > prev.at ? Math.max(0, ((s.cpuUsageNs - prev.ns) / ((now - prev.at) * 1e6)) * node.mhzPerCore) : 0;
      data.push({
        containerId: id,
        at: new Date(now),
        cpuMhz,
        ramMib: s.memoryBytes / 1048576,
        diskMib: s.diskBytes / 1048576,
        netRxBytes: BigInt(Math.round(s.netRxBytes)),
        netTxBytes: BigInt(Math.round(s.netTxBytes)),
      });
    }
    if (data.length) written += (await db.containerMetric.createMany({ data })).count;
  }
  return written;
}

export async function pruneMetrics(now = Date.now()): Promise<number> {
  return (await db.containerMetric.deleteMany({ where: { at: { lt: new Date(now - 24 * 3600 * 1000) } } })).count;
}
