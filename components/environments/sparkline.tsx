/** A tiny SVG line of recent samples; the label carries the latest value as text. */
export function Sparkline({
  values,
  label,
  unit,
  className = "text-brand-600 dark:text-brand-100",
  running = true,
}: {
  values: number[];
  label: string;
  unit: string;
  className?: string;
  /** Samples are taken from running containers only (every 15 s). */
  running?: boolean;
}) {
  const w = 80,
    h = 20;
  const last = values.at(-1);
  if (values.length < 2)
    return (
      <span className="text-xs text-slate-500">
        {label}: {last !== undefined ? `${last} ${unit}` : running ? "first sample in ≤ 15 s" : "sampled while running"}
      </span>
    );
  const max = Math.max(...values, 1),
    min = Math.min(...values, 0);
  const points = values
    .map(
      (v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - ((v - min) / (max - min || 1)) * h).toFixed(1)}`,
    )
    .join(" ");
  return (
    <span className="inline-flex items-center gap-1 text-xs">
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden className={className}>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <span className="tabular-nums">
        {label} {last} {unit}
      </span>
    </span>
  );
}
