import { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB } from "@/lib/orchestrator/cloudlet";
import { formatMhz, formatMib } from "@/lib/format";
import type { LayerData } from "@/lib/db/environments";

/**
 * Reserved (what placement counted for this environment: its reserved cloudlets), the dynamic limit
 * (what its containers may burst to) and used (the latest metric sample of each container) as
 * separate figures, with what each means.
 */
export function ResourcesSummary({ layers }: { layers: LayerData[] }) {
  const live = layers.flatMap((l) => l.containers).filter((c) => c.desiredState !== "DELETED");
  const reserved = live.reduce((s, c) => s + c.reservedCloudlets, 0);
  const limit = live.reduce((s, c) => s + c.dynamicCloudlets, 0);
  const sampled = live.filter((c) => c.spark.cpu.length > 0);
  const usedCpu = sampled.reduce((s, c) => s + c.spark.cpu[c.spark.cpu.length - 1], 0);
  const usedRam = sampled.reduce((s, c) => s + c.spark.ram[c.spark.ram.length - 1], 0);
  const figure = "text-base font-semibold tabular-nums text-slate-900 dark:text-slate-100";
  return (
    <section
      aria-label="Resources"
      className="mb-4 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800"
    >
      <dl className="grid gap-3 sm:grid-cols-3" data-testid="resources-summary">
        <div>
          <dt className="text-slate-500">Reserved</dt>
          <dd className={figure}>
            {reserved} cloudlets · {formatMib(reserved * CLOUDLET_RAM_MIB)} · {formatMhz(reserved * CLOUDLET_CPU_MHZ)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Dynamic limit</dt>
          <dd className={figure}>
            {limit} cloudlets · {formatMib(limit * CLOUDLET_RAM_MIB)} · {formatMhz(limit * CLOUDLET_CPU_MHZ)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Used now</dt>
          <dd className={figure}>
            {sampled.length ? `${formatMib(usedRam)} · ${formatMhz(usedCpu)}` : "no samples yet"}
          </dd>
        </div>
      </dl>
      <p className="mt-2 text-xs text-slate-500">
        Reserved is guaranteed and is what placement and your quota count; the dynamic limit is what the containers may
        burst to; used is measured (latest metrics sample of each container, every 15 s).
      </p>
    </section>
  );
}
