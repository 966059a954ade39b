import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { ContainerListItem } from "@/lib/db/containers";
import type { Tone } from "@/lib/tone";
import { formatMhz, formatMib } from "@/lib/format";
import { SortHeader } from "./sort-header";

const STATE_TONE: Record<string, Tone> = {
  RUNNING: "green",
  STOPPED: "slate",
  FAILED: "red",
  UNKNOWN: "red",
  MIGRATING: "blue",
  CREATING: "blue",
  STARTING: "blue",
  STOPPING: "amber",
  DELETING: "amber",
  PENDING: "slate",
};

export function ContainerTable({
  rows,
  showNode = true,
  sort,
  dir = "desc",
  params,
}: {
  rows: ContainerListItem[];
  showNode?: boolean;
  sort?: string;
  dir?: "asc" | "desc";
  params?: Record<string, string | undefined>;
}) {
  const header = (label: string, key: string | null) =>
    sort && key && params ? (
      <SortHeader key={label} label={label} sortKey={key} current={sort} dir={dir} params={params} />
    ) : (
      <th key={label} scope="col" className="px-3 py-2">
        {label}
      </th>
    );
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full min-w-[56rem] text-left text-sm">
        <caption className="sr-only">Containers</caption>
        <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50">
          <tr>
            {header("Container", null)}
            {header("Owner", "owner")}
            {header("Environment", "environment")}
            {showNode && header("Node", "node")}
            {header("Cloudlets", "cloudlets")}
            {header("RAM used", "ram")}
            {header("CPU used", "cpu")}
            {header("State", null)}
            {header("IP", null)}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr
              key={c.id}
              className="border-t border-slate-200 dark:border-slate-800"
              data-testid={`container-row-${c.id}`}
            >
              <td className="px-3 py-2">
                <div className="font-medium" title={c.engineName}>
                  {c.name}
                </div>
                <div className="font-mono text-xs text-slate-500">
                  {c.stack} · {c.engineName}
                </div>
              </td>
              <td className="px-3 py-2 text-xs">{c.ownerEmail}</td>
              <td className="px-3 py-2">{c.environmentName}</td>
              {showNode && (
                <td className="px-3 py-2">
                  {c.nodeId ? (
                    <Link className="underline" href={`/admin/nodes/${c.nodeId}`}>
                      {c.nodeName}
                    </Link>
                  ) : (
                    <span className="text-slate-500">not placed</span>
                  )}
                </td>
              )}
              <td className="px-3 py-2 tabular-nums">
                {c.reservedCloudlets} reserved / {c.dynamicCloudlets} limit
              </td>
              <td className="px-3 py-2 tabular-nums">{c.usage ? formatMib(c.usage.ramMib) : "—"}</td>
              <td className="px-3 py-2 tabular-nums">{c.usage ? formatMhz(c.usage.cpuMhz) : "—"}</td>
              <td className="px-3 py-2">
                <Badge tone={STATE_TONE[c.state] ?? "slate"}>{c.state.toLowerCase()}</Badge>
                {c.desiredState !== "RUNNING" && (
                  <span className="ml-1 text-xs text-slate-500">(wants {c.desiredState.toLowerCase()})</span>
                )}
              </td>
              <td className="px-3 py-2 font-mono text-xs">{c.ip ?? "—"}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={showNode ? 9 : 8} className="px-3 py-6 text-center text-slate-500">
                No containers.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
