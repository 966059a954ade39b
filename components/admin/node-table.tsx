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
    <span title="Load mark: swap×1 + memory×0.2 + disk×0.5 (+ CPU overload), × 100; lower is better">
      <Badge tone={load.tone}>
        {load.mark} · {load.label}
      </Badge>
    </span>
  );
}

/** Reserved vs capacity bars; the thin marker shows what the last probe measured in use. */
export function NodeUtilisation({ node, compact = false }: { node: NodeListItem; compact?: boolean }) {
  const n = node;
  return (
    <div className={compact ? "grid grid-cols-2 gap-x-4 gap-y-2" : "grid gap-4 sm:grid-cols-2 lg:grid-cols-4"}>
      <UtilisationBar
        label="RAM"
        used={n.reserved.ramMib}
        total={n.capacity.ramMib}
        text={`${formatMib(n.reserved.ramMib)} / ${formatMib(n.capacity.ramMib)}`}
        observed={
          n.used.memTotalMib > 0
            ? { used: n.used.memUsedMib, total: n.used.memTotalMib, text: formatMib(n.used.memUsedMib) }
            : undefined
        }
      />
      <UtilisationBar
        label="CPU"
        used={n.reserved.cpuMhz}
        total={n.capacity.cpuMhz}
        text={`${formatMhz(n.reserved.cpuMhz)} / ${formatMhz(n.capacity.cpuMhz)}`}
      />
      <UtilisationBar
        label="Disk"
        used={n.reserved.diskGib}
        total={n.capacity.diskGib}
        text={`${formatGib(n.reserved.diskGib)} / ${formatGib(n.capacity.diskGib)}`}
        observed={
          n.used.diskTotalGib > 0
            ? { used: n.used.diskUsedGib, total: n.used.diskTotalGib, text: formatGib(n.used.diskUsedGib) }
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
                <NodeStatusBadge status={n.status} />
              </td>
              <td className="px-3 py-2">
                <LoadBadge load={n.load} />
              </td>
              <td className="px-3 py-2">
                <UtilisationBar
                  label="RAM"
                  used={n.reserved.ramMib}
                  total={n.capacity.ramMib}
                  text={`${formatMib(n.reserved.ramMib)} / ${formatMib(n.capacity.ramMib)}`}
                  observed={
                    n.used.memTotalMib > 0
                      ? { used: n.used.memUsedMib, total: n.used.memTotalMib, text: formatMib(n.used.memUsedMib) }
                      : undefined
                  }
                />
              </td>
              <td className="px-3 py-2">
                <UtilisationBar
                  label="CPU"
                  used={n.reserved.cpuMhz}
                  total={n.capacity.cpuMhz}
                  text={`${formatMhz(n.reserved.cpuMhz)} / ${formatMhz(n.capacity.cpuMhz)}`}
                />
              </td>
              <td className="px-3 py-2">
                <UtilisationBar
                  label="Disk"
                  used={n.reserved.diskGib}
                  total={n.capacity.diskGib}
                  text={`${formatGib(n.reserved.diskGib)} / ${formatGib(n.capacity.diskGib)}`}
                  observed={
                    n.used.diskTotalGib > 0
                      ? { used: n.used.diskUsedGib, total: n.used.diskTotalGib, text: formatGib(n.used.diskUsedGib) }
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
