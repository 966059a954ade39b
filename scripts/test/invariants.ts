// The "nothing lost" invariants, checked after crashes: rows match the engines' containers,
// reservations equal the sum of live containers, no operation is left open, every step finished.
import { db } from "../../lib/db/client";
import { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB } from "../../lib/orchestrator/scheduler";
import { containerNameFor, isManagedName } from "../../lib/orchestrator/engines";
import { engineFor } from "../../lib/services/node-engine";

export async function checkInvariants(options: { nodeIds: string[] }): Promise<string[]> {
  const problems: string[] = [];
  for (const nodeId of options.nodeIds) {
    const node = await db.hardwareNode.findUniqueOrThrow({ where: { id: nodeId } });
    const rows = await db.container.findMany({ where: { hardwareNodeId: nodeId } });
    const observed = new Map((await engineFor(node).list()).map((o) => [o.name, o]));
    for (const row of rows) {
      const o = observed.get(containerNameFor(row.id));
      if (!o) problems.push(`${node.name}: row ${row.id} has no container`);
      else if (row.desiredState === "RUNNING" && o.state !== "running")
        problems.push(`${node.name}: ${o.name} is ${o.state}, desired running`);
    }
    const names = new Set(rows.map((r) => containerNameFor(r.id)));
    for (const name of observed.keys())
      if (isManagedName(name) && !names.has(name)) problems.push(`${node.name}: orphan container ${name}`);
    const sum = rows.reduce(
      (s, r) => ({
        ram: s.ram + r.reservedCloudlets * CLOUDLET_RAM_MIB,
        cpu: s.cpu + r.reservedCloudlets * CLOUDLET_CPU_MHZ,
        disk: s.disk + r.diskGib,
        n: s.n + 1,
        lim: s.lim + r.dynamicCloudlets,
      }),
      { ram: 0, cpu: 0, disk: 0, n: 0, lim: 0 },
    );
    const got = {
      ram: node.reservedRamMib,
      cpu: node.reservedCpuMhz,
      disk: node.reservedDiskGib,
      n: node.reservedContainers,
      lim: node.reservedLimitCloudlets,
    };
    if (JSON.stringify(sum) !== JSON.stringify(got))
      problems.push(`${node.name}: reserved ${JSON.stringify(got)} != sum of live containers ${JSON.stringify(sum)}`);
  }
  // Operations of this test's regions and nodes (and those tied to no environment): integration files
  // share one database and run in parallel, so another file's deliberate failures are not ours.
  const regionIds = (
    await db.hardwareNode.findMany({ where: { id: { in: options.nodeIds } }, select: { regionId: true } })
  ).map((n) => n.regionId);
  const ours = {
    OR: [
      { environmentId: null, hardwareNodeId: null },
      { environment: { regionId: { in: regionIds } } },
      { hardwareNodeId: { in: options.nodeIds } },
    ],
  };
  const open = await db.operation.findMany({
    where: { status: { in: ["PENDING", "RUNNING"] }, ...ours },
    select: { id: true, kind: true, status: true },
  });
  for (const op of open) problems.push(`operation ${op.kind} ${op.id} is still ${op.status}`);
  const unfinished = await db.operationStep.findMany({
    where: { status: { notIn: ["SUCCEEDED"] }, operation: { status: "SUCCEEDED", ...ours } },
    select: { kind: true, status: true, operationId: true },
  });
  for (const s of unfinished) problems.push(`step ${s.kind} of ${s.operationId} is ${s.status}`);
  const failed = await db.operation.findMany({
    where: { status: "FAILED", ...ours },
    select: { kind: true, error: true },
  });
  for (const f of failed) problems.push(`operation ${f.kind} failed: ${f.error}`);
  return problems;
}
