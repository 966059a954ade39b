"use client";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ContainerDetail } from "@/lib/db/environments";
import { counterRates, formatBytes } from "./format";

const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function Chart({
  title,
  data,
  unit,
  color,
  format,
}: {
  title: string;
  data: { at: number; v: number }[];
  unit: string;
  color: string;
  format?: (v: number) => string;
}) {
  const last = data.at(-1)?.v;
  const fmt = format ?? ((v: number) => `${Math.round(v)} ${unit}`);
  return (
    <figure className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
      <figcaption className="mb-1 flex justify-between text-xs font-medium">
        <span>{title}</span>
        <span className="tabular-nums text-slate-500">{last !== undefined ? `now ${fmt(last)}` : "no samples"}</span>
      </figcaption>
      <div className="h-32" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="at" tickFormatter={time} fontSize={10} minTickGap={40} />
            <YAxis
              fontSize={10}
              tickFormatter={(v: number) => (format ? format(v) : String(Math.round(v)))}
              width={56}
            />
            <Tooltip labelFormatter={(t) => time(Number(t))} formatter={(v) => fmt(Number(v))} />
            <Area
              type="monotone"
              dataKey="v"
              stroke={color}
              fill={color}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** CPU (MHz), RAM (MiB), disk (MiB) and network (bytes/s, from cumulative counters) over the last hour. */
export default function ContainerCharts({ metrics }: { metrics: ContainerDetail["metrics"] }) {
  const rx = counterRates(metrics.map((m) => ({ at: m.at, value: m.netRx })));
  const tx = counterRates(metrics.map((m) => ({ at: m.at, value: m.netTx })));
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Chart title="CPU" unit="MHz" color="#2f7bf6" data={metrics.map((m) => ({ at: m.at, v: m.cpuMhz }))} />
      <Chart title="RAM" unit="MiB" color="#059669" data={metrics.map((m) => ({ at: m.at, v: m.ramMib }))} />
      <Chart title="Disk" unit="MiB" color="#d97706" data={metrics.map((m) => ({ at: m.at, v: m.diskMib }))} />
      <Chart
        title="Network in + out"
        unit="B/s"
        color="#7c3aed"
        format={(v) => `${formatBytes(v)}/s`}
        data={rx.map((r, i) => ({ at: r.at, v: r.rate + (tx[i]?.rate ?? 0) }))}
      />
    </div>
  );
}
