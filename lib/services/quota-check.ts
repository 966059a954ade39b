// Quota rules of a placing transaction. Per-layer limits are checked before anything is written;
// totals twice: before placement on the counters as they are plus the request (so a request over
// quota is QUOTA_EXCEEDED whatever the nodes have free), and after the writes on QuotaUsage, the
// counters row triggers keep in the same transaction (migrations quota_usage_counters and
// quota_usage_disk). The trigger's UPDATE holds that one row until commit, so two concurrent
// placements of one user are checked one after the other against committed totals, and nothing else
// of the user (their row, other users) is locked.
import { AppError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";

type Tx = Db.Prisma.TransactionClient;
type QuotaRow = NonNullable<Awaited<ReturnType<Tx["quota"]["findUnique"]>>>;

export type LayerDemand = { name: string; count: number; dynamicCloudlets: number };
export type UsageDemand = { newEnvironments: number; addedReservedCloudlets: number; addedDiskGib: number };

function refuse(problems: string[]): never {
  throw new AppError("QUOTA_EXCEEDED", `Over your quota: ${problems.join("; ")}.`, { details: { problems } });
}

export async function loadQuota(tx: Tx, userId: string): Promise<QuotaRow | null> {
  return tx.quota.findUnique({ where: { userId } });
}

/** Per-container and per-layer limits: they depend on the request only. */
export function assertLayerQuota(quota: QuotaRow | null, layers: LayerDemand[]): void {
  if (!quota) return;
  const problems: string[] = [];
  for (const layer of layers) {
    if (layer.dynamicCloudlets > quota.maxCloudletsPerContainer)
      problems.push(
        `layer "${layer.name}": at most ${quota.maxCloudletsPerContainer} cloudlets per container (asked ${layer.dynamicCloudlets})`,
      );
    if (layer.count > quota.maxContainersPerLayer)
      problems.push(
        `layer "${layer.name}": at most ${quota.maxContainersPerLayer} containers per layer (asked ${layer.count})`,
      );
  }
  if (problems.length) refuse(problems);
}

/**
 * Totals against the quota. `written: false` (before placement): the counters do not hold the
 * request yet, so it is added. `written: true` (after the writes): the counters already include it,
 * and this read waits for any concurrent placement of the same user. Only what grows is checked: a
 * user over a lowered quota may still shrink, stop and delete.
 */
export async function assertUsageQuota(
  tx: Tx,
  userId: string,
  quota: QuotaRow | null,
  demand: UsageDemand,
  options: { written: boolean },
): Promise<void> {
  const grows = demand.newEnvironments > 0 || demand.addedReservedCloudlets > 0 || demand.addedDiskGib > 0;
  if (!quota || !grows) return;
  const usage = await tx.quotaUsage.findUnique({ where: { userId } });
  const pending = options.written ? 0 : 1;
  const environments = (usage?.environments ?? 0) + pending * demand.newEnvironments;
  const reserved = (usage?.reservedCloudlets ?? 0) + pending * demand.addedReservedCloudlets;
  const disk = (usage?.diskGib ?? 0) + pending * demand.addedDiskGib;
  const problems: string[] = [];
  if (demand.newEnvironments > 0 && environments > quota.maxEnvironments)
    problems.push(`at most ${quota.maxEnvironments} environments (you have ${environments - demand.newEnvironments})`);
  if (demand.addedReservedCloudlets > 0 && reserved > quota.maxReservedCloudlets)
    problems.push(`at most ${quota.maxReservedCloudlets} reserved cloudlets in total (this would make ${reserved})`);
  if (demand.addedDiskGib > 0 && disk > quota.maxDiskGib)
    problems.push(`at most ${quota.maxDiskGib} GiB of disk in total (this would make ${disk} GiB)`);
  if (problems.length) refuse(problems);
}
