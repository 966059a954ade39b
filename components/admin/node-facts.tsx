import { Badge } from "@/components/ui/badge";
import { formatGib, formatMhz, formatMib } from "@/lib/format";

export type FactsView = {
  engine?: string;
  engineVersion?: string;
  simulated?: boolean;
  cores?: number;
  mhzPerCore?: number;
  ramMib?: number;
  diskTotalGib?: number;
  diskFreeGib?: number;
  loadAverage?: number[];
  swapTotalMib?: number;
  swapUsedMib?: number;
  memUsedMib?: number;
  probedAt?: string;
};

/** What a probe reported about a host; the simulated engine is always labelled as such. */
export function NodeFacts({ facts }: { facts: FactsView }) {
  if (!facts.engine) return <p className="text-sm text-slate-500">Not probed yet.</p>;
  const rows: [string, React.ReactNode][] = [
    [
      "Engine",
      <span key="e" className="inline-flex items-center gap-2">
        {facts.engine} {facts.engineVersion}
        {facts.simulated && <Badge tone="amber">simulated</Badge>}
      </span>,
    ],
    [
      "CPU",
      `${facts.cores ?? 0} cores × ${formatMhz(facts.mhzPerCore ?? 0)} = ${formatMhz((facts.cores ?? 0) * (facts.mhzPerCore ?? 0))}`,
    ],
    ["RAM", `${formatMib(facts.ramMib ?? 0)}${facts.memUsedMib ? ` (${formatMib(facts.memUsedMib)} in use)` : ""}`],
    ["Disk", `${formatGib(facts.diskTotalGib ?? 0)} (${formatGib(facts.diskFreeGib ?? 0)} free)`],
    ["Swap", `${formatMib(facts.swapUsedMib ?? 0)} used of ${formatMib(facts.swapTotalMib ?? 0)}`],
    ["Load average", (facts.loadAverage ?? []).map((l) => l.toFixed(2)).join(" · ")],
  ];
  return (
    <dl className="grid grid-cols-[8rem_1fr] gap-y-1.5 text-sm" data-testid="node-facts">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd data-fact={k}>{v}</dd>
        </div>
      ))}
      {facts.probedAt && (
        <>
          <dt className="text-slate-500">Probed</dt>
          <dd className="text-xs">{facts.probedAt.replace("T", " ").slice(0, 19)} UTC</dd>
        </>
      )}
    </dl>
  );
}
