import { formatCpu, formatRam } from "../format";
import type { QuotaView, TopologySummary } from "../wizard-math";

/** Live totals against the user's quota. */
export function TopologySummaryView({ summary, quota }: { summary: TopologySummary; quota: QuotaView | null }) {
  const max = quota?.maxReservedCloudlets ?? null;
  const pct = max ? Math.min(100, Math.round((summary.reservedAfter / max) * 100)) : 0;
  const over = max !== null && summary.reservedAfter > max;
  return (
    <section
      aria-labelledby="summary-title"
      data-testid="topology-summary"
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="summary-title" className="mb-2 text-sm font-semibold">
        Summary
      </h2>
      <dl className="grid grid-cols-[1fr_auto] gap-y-1 text-sm">
        <dt className="text-slate-500">Containers</dt>
        <dd className="tabular-nums">{summary.containers}</dd>
        <dt className="text-slate-500">Reserved cloudlets</dt>
        <dd className="tabular-nums">{summary.reservedCloudlets}</dd>
        <dt className="text-slate-500">Reserved RAM / CPU</dt>
        <dd className="tabular-nums">
          {formatRam(summary.reservedRamMib)} / {formatCpu(summary.reservedCpuMhz)}
        </dd>
        <dt className="text-slate-500">Dynamic limit</dt>
        <dd className="tabular-nums">
          {summary.dynamicCloudlets} ({formatRam(summary.limitRamMib)})
        </dd>
        <dt className="text-slate-500">Disk</dt>
        <dd className="tabular-nums">{summary.diskGib} GiB</dd>
        {quota && (
          <>
            <dt className="text-slate-500">Your disk after this</dt>
            <dd className="tabular-nums" data-testid="disk-after">
              {summary.diskAfter} / {quota.maxDiskGib} GiB
              {summary.diskAfter > quota.maxDiskGib ? " — over quota" : ""}
            </dd>
          </>
        )}
      </dl>
      {max !== null && (
        <div className="mt-3">
          <p className="flex justify-between text-xs">
            <span>Your reserved cloudlets after this</span>
            <span className="tabular-nums">
              {summary.reservedAfter} / {max}
              {over ? " — over quota" : ""}
            </span>
          </p>
          <div
            className="mt-1 h-2 rounded bg-slate-200 dark:bg-slate-800"
            role="img"
            aria-label={`${summary.reservedAfter} of ${max} reserved cloudlets`}
          >
            <div className={`h-2 rounded ${over ? "bg-red-600" : "bg-brand-600"}`} style={{ width: `${pct}%` }} />
          </div>
        </div>
      )}
      {summary.problems.length > 0 && (
        <ul
          role="alert"
          data-testid="quota-problems"
          className="mt-3 list-disc space-y-1 pl-5 text-sm text-red-700 dark:text-red-300"
        >
          {summary.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
