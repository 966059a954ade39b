import { percentOf } from "@/lib/format";

/** A labelled bar with the figures as text, so the colour is never the only signal. */
export function UtilisationBar({
  label,
  used,
  total,
  text,
  observed,
}: {
  label: string;
  used: number;
  total: number;
  text: string;
  observed?: { used: number; total: number; text: string };
}) {
  const p = percentOf(used, total);
  const tone = p >= 90 ? "bg-red-500" : p >= 70 ? "bg-amber-500" : "bg-emerald-500";
  const o = observed ? percentOf(observed.used, observed.total) : null;
  return (
    <div className="min-w-36">
      <div className="flex justify-between gap-2 text-xs">
        <span className="font-medium text-slate-600 dark:text-slate-300">{label}</span>
        <span className="tabular-nums text-slate-600 dark:text-slate-400">
          {p} %{p >= 90 ? " (full)" : ""}
        </span>
      </div>
      <div
        role="meter"
        aria-label={`${label} reserved`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={p}
        aria-valuetext={`${text}, ${p} percent reserved`}
        className="relative mt-1 h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      >
        <div className={`h-full ${tone}`} style={{ width: `${p}%` }} />
        {o !== null && (
          <div
            aria-hidden
            className="absolute top-0 h-full w-0.5 bg-slate-900 dark:bg-white"
            style={{ left: `calc(${o}% - 1px)` }}
            title={`used ${o} %`}
          />
        )}
      </div>
      <p className="mt-0.5 text-xs tabular-nums text-slate-500">
        {text}
        {observed && <span> · used {observed.text}</span>}
      </p>
    </div>
  );
}
