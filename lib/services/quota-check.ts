// Quota rules, checked inside the placing transaction with the owner's row locked, so two
// concurrent requests of one user cannot both slip under a limit.
import { AppError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";

type Tx = Db.Prisma.TransactionClient;
export type QuotaDemand = {
  newEnvironments: number;
  addedReservedCloudlets: number;
  /** GiB of disk the request adds (containers × disk per container). */
  addedDiskGib: number;
  layers: { name: string; count: number; dynamicCloudlets: number }[];
};

/**
 * Lock order for every placing transaction: the owner's user row first, then the layer (if any),
 * then the region's nodes (lockRegionNodes). One order everywhere means no deadlocks.
 */
export async function lockOwner(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
}

export async function assertQuota(tx: Tx, userId: string, demand: QuotaDemand): Promise<void> {
  await lockOwner(tx, userId);
  const quota = await tx.quota.findUnique({ where: { userId } });
  if (!quota) return;
  const problems: string[] = [];
  for (const layer of demand.layers) {
    if (layer.dynamicCloudlets > quota.maxCloudletsPerContainer)
      problems.push(
        `layer "${layer.name}": at most ${quota.maxCloudletsPerContainer} cloudlets per container (asked ${layer.dynamicCloudlets})`,
      );
    if (layer.count > quota.maxContainersPerLayer)
      problems.push(
        `layer "${layer.name}": at most ${quota.maxContainersPerLayer} containers per layer (asked ${layer.count})`,
      );
  }
  if (demand.newEnvironments > 0) {
    const count = await tx.environment.count({ where: { ownerId: userId } });
    if (count + demand.newEnvironments > quota.maxEnvironments)
      problems.push(`at most ${quota.maxEnvironments} environments (you have ${count})`);
  }
  if (demand.addedReservedCloudlets > 0) {
    const used = await tx.container.aggregate({
      where: { environment: { ownerId: userId }, desiredState: { not: "DELETED" } },
      _sum: { reservedCloudlets: true },
    });
    const total = (used._sum.reservedCloudlets ?? 0) + demand.addedReservedCloudlets;
    if (total > quota.maxReservedCloudlets)
      problems.push(`at most ${quota.maxReservedCloudlets} reserved cloudlets in total (this would make ${total})`);
  }
  if (demand.addedDiskGib > 0) {
    const used = await tx.container.aggregate({
      where: { environment: { ownerId: userId }, desiredState: { not: "DELETED" } },
      _sum: { diskGib: true },
    });
    const total = (used._sum.diskGib ?? 0) + demand.addedDiskGib;
    if (total > quota.maxDiskGib)
      problems.push(`at most ${quota.maxDiskGib} GiB of disk in total (this would make ${total} GiB)`);
  }
  if (problems.length)
    throw new AppError("QUOTA_EXCEEDED", `Over your quota: ${problems.join("; ")}.`, { details: { problems } });
}
