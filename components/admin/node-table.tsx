import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { NodeListItem } from "@/lib/db/nodes";
import { formatGib, formatMhz, formatMib } from "@/lib/format";
import { ENGINE_LABEL, NODE_STATUS } from "./format";
import { SortHeader } from "./sort-header";
import { UtilisationBar } from "./utilisation-bar";

export function NodeStatusBadge({ status }: { status: string }) {
  const s = NODE_STATUS[status] ?? { label: status, tone: "slate" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function EngineBadge({ engine }: { engine: "LXC" | "VIRTUOZZO" | "SIM" }) {
  return <Badge tone={engine === "SIM" ? "amber" : "slate"}>{ENGINE_LABEL[engine]}</Badge>;
}

export function LoadBadge({ load }: { load: NodeListItem["load"] }) {
  return (
    <span title={load.formula}>
      <Badge tone={load.tone}>
        {load.mark} · {load.label}
      </Badge>
    </span>
  );
}

/** "8 GHz reserved of 20.8 GHz allocatable (5.2 GHz × 4:1)": the three figures placement works with. */
function allocationText(reserved: string, allocatable: string, physical: string, ratio: number) {
  return `${reserved} reserved of ${allocatable} allocatable${ratio === 1 ? "" : ` (${physical} × ${ratio}:1)`}`;
}

const ratioSuffix = (ratio: number) => (ratio === 1 ? "" : ` at ${ratio}:1`);

/** Share of physical CPU busy over the last 5 minutes, from the probe's load average. */
export function observedCpuMhz(node: Pick<NodeListItem, "used" | "capacity">): number {
  const cores = Math.max(1, node.capacity.cores);
  return Math.min(1, node.used.loadAvg5 / cores) * node.capacity.cpuMhz;
}

/** What the bars mean, once per page that shows them. */
export function CapacityLegend() {
  return (
    <p className="text-xs text-slate-500" data-testid="capacity-legend">
      <strong className="font-medium">Reserved</strong> (the bar) is what placement counts: the reserved cloudlets of
      every container. <strong className="font-medium">Allocatable</strong> (the bar&apos;s full width) is physical
      capacity × the region&apos;s allocation ratio. <strong className="font-medium">Used</strong> (the thin marker) is
      what the last probe measured, for CPU the 5-minute load average over the cores.
    </p>
  );
}

/** Reserved vs allocatable bars; the thin marker shows what the last probe measured in use. */
export function NodeUtilisation({ node, compact = false }: { node: NodeListItem; compact?: boolean }) {
  const n = node;
  const cpuUsed = observedCpuMhz(n);
  return (
    <div className={compact ? "grid grid-cols-2 gap-x-4 gap-y-2" : "grid gap-4 sm:grid-cols-2 lg:grid-cols-4"}>
      <UtilisationBar
        label="RAM"
        used={n.reserved.ramMib}
        total={n.allocatable.ramMib}
        text={allocationText(
          formatMib(n.reserved.ramMib),
          formatMib(n.allocatable.ramMib),
          formatMib(n.capacity.ramMib),
          n.ratios.ram,
        )}
        observed={
          n.used.memTotalMib > 0
            ? { used: n.used.memUsedMib, total: n.allocatable.ramMib, text: formatMib(n.used.memUsedMib) }
            : undefined
        }
      />
      <UtilisationBar
        label="CPU"
        used={n.reserved.cpuMhz}
        total={n.allocatable.cpuMhz}
        text={allocationText(
          formatMhz(n.reserved.cpuMhz),
          formatMhz(n.allocatable.cpuMhz),
          formatMhz(n.capacity.cpuMhz),
          n.ratios.cpu,
        )}
        observed={n.lastSeenAt ? { used: cpuUsed, total: n.allocatable.cpuMhz, text: formatMhz(cpuUsed) } : undefined}
      />
      <UtilisationBar
        label="Disk"
        used={n.reserved.diskGib}
        total={n.allocatable.diskGib}
        text={allocationText(
          formatGib(n.reserved.diskGib),
          formatGib(n.allocatable.diskGib),
          formatGib(n.capacity.diskGib),
          n.ratios.disk,
        )}
        observed={
          n.used.diskTotalGib > 0
            ? { used: n.used.diskUsedGib, total: n.allocatable.diskGib, text: formatGib(n.used.diskUsedGib) }
            : undefined
        }
      />
      <UtilisationBar
        label="Slots"
        used={n.reserved.containers}
        total={n.capacity.maxContainers}
        text={`${n.reserved.containers} / ${n.capacity.maxContainers} containers`}
      />
    </div>
  );
}

/** Shown next to the status when a lowered ratio left more reserved than allocatable. */
export function OverAllocatedBadge({ node }: { node: Pick<NodeListItem, "overAllocated"> }) {
  if (node.overAllocated.length === 0) return null;
  const what = node.overAllocated.map((r) => (r === "ram" ? "RAM" : r === "cpu" ? "CPU" : "disk")).join(", ");
  return (
    <span title={`Reserved ${what} exceeds what the region's allocation ratio allows: nothing new is placed here.`}>
      <Badge tone="red">Over-allocated: {what}</Badge>
    </span>
  );
}

export function NodeTable({
  nodes,
  sort,
  dir,
  params,
  sortable = true,
}: {
  nodes: NodeListItem[];
  sort: string;
  dir: "asc" | "desc";
  params: Record<string, string | undefined>;
  sortable?: boolean;
}) {
  const header = (label: string, k: string) =>
    sortable ? (
      <SortHeader label={label} sortKey={k} current={sort} dir={dir} params={params} />
    ) : (
      <th scope="col" className="px-3 py-2">
        {label}
      </th>
    );
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full min-w-[64rem] text-left text-sm">
        <caption className="sr-only">Hardware nodes</caption>
        <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50">
          <tr>
            {header("Name", "name")}
            {header("Region", "region")}
            {header("Engine", "engine")}
            <th scope="col" className="px-3 py-2">
              Address
            </th>
            {header("Status", "status")}
            {header("Load", "load")}
            {header("RAM", "ram")}
            {header("CPU", "cpu")}
            {header("Disk", "disk")}
            {header("Containers", "containers")}
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr
              key={n.id}
              className="border-t border-slate-200 align-top dark:border-slate-800"
              data-testid={`node-row-${n.name}`}
            >
              <td className="px-3 py-2 font-medium">
                <Link className="text-brand-700 hover:underline dark:text-brand-100" href={`/admin/nodes/${n.id}`}>
                  {n.name}
                </Link>
              </td>
              <td className="px-3 py-2">{n.regionName}</td>
              <td className="px-3 py-2">
                <EngineBadge engine={n.engine} />
              </td>
              <td className="px-3 py-2 font-mono text-xs">{n.address}</td>
              <td className="px-3 py-2">
                <div className="flex flex-col items-start gap-1">
                  <NodeStatusBadge status={n.status} />
                  <OverAllocatedBadge node={n} />
                </div>
              </td>
              <td className="px-3 py-2">
                <LoadBadge load={n.load} />
              </td>
              <td className="px-3 py-2">
                <UtilisationBar
                  label="RAM"
                  used={n.reserved.ramMib}
                  total={n.allocatable.ramMib}
                  text={`${formatMib(n.reserved.ramMib)} / ${formatMib(n.allocatable.ramMib)}${ratioSuffix(n.ratios.ram)}`}
                  observed={
                    n.used.memTotalMib > 0
                      ? { used: n.used.memUsedMib, total: n.allocatable.ramMib, text: formatMib(n.used.memUsedMib) }
                      : undefined
                  }
                />
              </td>
              <td className="px-3 py-2">
                <UtilisationBar
                  label="CPU"
                  used={n.reserved.cpuMhz}
                  total={n.allocatable.cpuMhz}
                  text={`${formatMhz(n.reserved.cpuMhz)} / ${formatMhz(n.allocatable.cpuMhz)}${ratioSuffix(n.ratios.cpu)}`}
                  observed={
                    n.lastSeenAt
                      ? { used: observedCpuMhz(n), total: n.allocatable.cpuMhz, text: formatMhz(observedCpuMhz(n)) }
                      : undefined
                  }
                />
              </td>
              <td className="px-3 py-2">
                <UtilisationBar
                  label="Disk"
                  used={n.reserved.diskGib}
                  total={n.allocatable.diskGib}
                  text={`${formatGib(n.reserved.diskGib)} / ${formatGib(n.allocatable.diskGib)}${ratioSuffix(n.ratios.disk)}`}
                  observed={
                    n.used.diskTotalGib > 0
                      ? { used: n.used.diskUsedGib, total: n.allocatable.diskGib, text: formatGib(n.used.diskUsedGib) }
                      : undefined
                  }
                />
              </td>
              <td className="px-3 py-2 tabular-nums">
                {n.containers} / {n.capacity.maxContainers}
              </td>
            </tr>
          ))}
          {nodes.length === 0 && (
            <tr>
              <td colSpan={10} className="px-3 py-6 text-center text-slate-500">
                No hardware nodes enrolled.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
