import type { Metadata } from "next";
import Link from "next/link";
import { NodeTable } from "@/components/admin/node-table";
import { ageOf, formatGib, formatMhz, formatMib } from "@/lib/format";
import { UtilisationBar } from "@/components/admin/utilisation-bar";
import { CapacityLegend } from "@/components/admin/node-table";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { getClusterOverview } from "@/lib/db/cluster";
import { LiveRefresh } from "@/components/live/live-feed";
import { IngressCard } from "@/components/admin/ingress-card";
import { getIngressOverview } from "@/lib/services/ingress";

export const metadata: Metadata = { title: "Cluster" };
export const dynamic = "force-dynamic";

export default async function ClusterPage() {
  const actor = await requirePageAdmin();
  const [o, ingress] = await Promise.all([getClusterOverview({ actor }), getIngressOverview(actor)]);
  const { orchestrator: orch, totals } = o;
  return (
    <>
      <LiveRefresh tables={["HardwareNode", "Region", "Environment", "Container", "Operation"]} />
      <PageHeader
        title="Cluster"
        description="The orchestrator (this panel), its regions and their hardware nodes."
        actions={
          <Link
            href="/admin/nodes/new"
            className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Enrol a node
          </Link>
        }
      />

      <section aria-labelledby="problems-h" className="mb-6">
        <h2 id="problems-h" className="mb-2 text-sm font-semibold">
          Problems
        </h2>
        {o.problems.length === 0 ? (
          <p
            role="status"
            className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-300"
          >
            ✓ No problems: every node answers, no operation failed in the last 24 h, no node is over 90 %.
          </p>
        ) : (
          <ul className="flex flex-col gap-2" data-testid="problems">
            {o.problems.map((p, i) => (
              <li
                key={i}
                className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm dark:border-red-900 dark:bg-red-950/40"
              >
                <p className="font-medium text-red-800 dark:text-red-300">
                  <span aria-hidden>⚠ </span>
                  {p.href ? (
                    <Link href={p.href} className="underline">
                      {p.title}
                    </Link>
                  ) : (
                    p.title
                  )}
                </p>
                <p className="text-red-700 dark:text-red-300/80">{p.detail}</p>
              </li>
            ))}
            <li className="text-xs text-slate-500">
              <Link href="/admin/audit?result=FAILURE" className="underline">
                See failed actions in the audit log
              </Link>
            </li>
          </ul>
        )}
      </section>

      <div className="mb-6 grid gap-4 lg:grid-cols-3">
        <Card title="Orchestrator">
          <dl className="grid grid-cols-[9rem_1fr] gap-y-2 text-sm">
            <dt className="text-slate-500">Panel version</dt>
            <dd data-testid="panel-version">{orch.version}</dd>
            <dt className="text-slate-500">Database</dt>
            <dd>
              <Badge tone={orch.databaseReachable ? "green" : "red"}>
                {orch.databaseReachable ? "Reachable" : "Unreachable"}
              </Badge>
            </dd>
            <dt className="text-slate-500">Worker</dt>
            <dd>
              {orch.workerAlive ? <Badge tone="green">Running</Badge> : <Badge tone="red">No worker</Badge>}
              <ul className="mt-1 text-xs text-slate-500">
                {orch.workers.slice(0, 5).map((w) => (
                  <li key={w.id}>
                    {w.host} pid {w.pid}: beat {ageOf(w.lastBeat)}
                    {w.alive ? "" : " (stale)"}
                  </li>
                ))}
              </ul>
            </dd>
            <dt className="text-slate-500">Queue</dt>
            <dd>
              {orch.queueDepth === null
                ? "not started yet"
                : `${orch.queueDepth} reconcile job${orch.queueDepth === 1 ? "" : "s"} waiting`}
            </dd>
          </dl>
        </Card>
        <Card title="Totals" className="lg:col-span-2">
          <dl className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            {[
              ["Hardware nodes", totals.nodes],
              ["Environments", totals.environments],
              ["Containers", totals.containers],
              ["Users", totals.users],
            ].map(([k, v]) => (
              <div key={k as string}>
                <dt className="text-slate-500">{k}</dt>
                <dd className="text-2xl font-semibold tabular-nums">{v}</dd>
              </div>
            ))}
          </dl>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <UtilisationBar
              label="RAM"
              used={totals.reserved.ramMib}
              total={totals.allocatable.ramMib}
              text={`${formatMib(totals.reserved.ramMib)} reserved of ${formatMib(totals.allocatable.ramMib)} allocatable (${formatMib(totals.capacity.ramMib)} physical)`}
            />
            <UtilisationBar
              label="CPU"
              used={totals.reserved.cpuMhz}
              total={totals.allocatable.cpuMhz}
              text={`${formatMhz(totals.reserved.cpuMhz)} reserved of ${formatMhz(totals.allocatable.cpuMhz)} allocatable (${formatMhz(totals.capacity.cpuMhz)} physical)`}
            />
            <UtilisationBar
              label="Disk"
              used={totals.reserved.diskGib}
              total={totals.allocatable.diskGib}
              text={`${formatGib(totals.reserved.diskGib)} reserved of ${formatGib(totals.allocatable.diskGib)} allocatable (${formatGib(totals.capacity.diskGib)} physical)`}
            />
            <UtilisationBar
              label="Slots"
              used={totals.reserved.containers}
              total={totals.capacity.maxContainers}
              text={`${totals.reserved.containers} / ${totals.capacity.maxContainers} containers`}
            />
          </div>
          <div className="mt-3">
            <CapacityLegend />
          </div>
        </Card>
      </div>

      <div className="mb-6">
        <IngressCard {...ingress} />
      </div>

      {o.regions.map((r) => (
        <section key={r.id} aria-labelledby={`region-${r.id}`} className="mb-6">
          <div className="mb-2 flex flex-wrap items-center gap-2">
            <h2 id={`region-${r.id}`} className="text-lg font-semibold">
              Region {r.name}
            </h2>
            {r.isDefault && <Badge tone="blue">Default</Badge>}
            <Badge tone={r.status === "ACTIVE" ? "green" : "amber"}>
              {r.status === "ACTIVE" ? "Active" : "Maintenance"}
            </Badge>
            <span className="text-xs text-slate-500">
              pool {r.subnetPool} · {r.environments} environments
            </span>
          </div>
          {r.nodeItems.length > 0 ? (
            <NodeTable nodes={r.nodeItems} sort="name" dir="asc" params={{}} sortable={false} />
          ) : (
            <EmptyState
              title="No hardware nodes in this region"
              action={
                <Link className="text-sm underline" href="/admin/nodes/new">
                  Enrol a node
                </Link>
              }
            />
          )}
        </section>
      ))}
    </>
  );
}
