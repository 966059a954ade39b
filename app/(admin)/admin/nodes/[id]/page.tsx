import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ContainerTable } from "@/components/admin/container-table";
import { formatLabels } from "@/lib/validation/nodes";
import { ageOf } from "@/lib/format";
import { NodeControlsCard } from "@/components/admin/node-page-parts";
import { NodeFacts, type FactsView } from "@/components/admin/node-facts";
import {
  CapacityLegend,
  EngineBadge,
  LoadBadge,
  NodeStatusBadge,
  NodeUtilisation,
  OverAllocatedBadge,
} from "@/components/admin/node-table";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { listNodeContainers } from "@/lib/db/containers";
import { getNode, listNodeOperations, listNodeTemplates } from "@/lib/db/nodes";
import { NodeTemplates } from "@/components/admin/node-templates";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "Hardware node" };
export const dynamic = "force-dynamic";

export default async function NodePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageAdmin();
  const { id } = await params;
  const node = await getNode({ actor, nodeId: id });
  if (!node) notFound();
  const [containers, operations, templates] = await Promise.all([
    listNodeContainers({ actor, nodeId: id }),
    listNodeOperations({ actor, nodeId: id }),
    listNodeTemplates({ actor, nodeId: id }),
  ]);
  return (
    <>
      <LiveRefresh tables={["HardwareNode", "Container", "Operation", "OperationStep"]} />
      <PageHeader
        title={`Node ${node.name}`}
        description={`${node.address} · region ${node.regionName} · subnet ${node.subnet}`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <EngineBadge engine={node.engine} />
            <NodeStatusBadge status={node.status} />
            <OverAllocatedBadge node={node} />
            <LoadBadge load={node.load} />
          </div>
        }
      />
      {node.lastError && (
        <p
          role="alert"
          className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300"
        >
          Last probe failed: {node.lastError}
        </p>
      )}
      <Card title="Utilisation" className="mb-6">
        <NodeUtilisation node={node} />
        <div className="mt-3">
          <CapacityLegend />
        </div>
      </Card>
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <Card title="Facts (last probe)">
          <NodeFacts facts={node.facts as FactsView} />
          <p className="mt-2 text-xs text-slate-500">Last seen {ageOf(node.lastSeenAt)}.</p>
        </Card>
        <Card title="Configuration">
          <dl className="grid grid-cols-[9rem_1fr] gap-y-1.5 text-sm">
            <dt className="text-slate-500">Capacity</dt>
            <dd data-testid="node-capacity">
              {node.capacity.ramMib} MiB RAM · {node.capacity.cores} × {node.capacity.mhzPerCore} MHz ={" "}
              {node.capacity.cpuMhz} MHz · {node.capacity.diskGib} GiB disk · {node.capacity.maxContainers} slots
            </dd>
            <dt className="text-slate-500">Allocation ratios</dt>
            <dd data-testid="node-ratios">
              CPU {node.ratios.cpu}:1 · RAM {node.ratios.ram}:1 · disk {node.ratios.disk}:1 (region {node.regionName})
            </dd>
            <dt className="text-slate-500">Overcommit</dt>
            <dd>× {node.overcommitRatio}</dd>
            <dt className="text-slate-500">Transport</dt>
            <dd>{node.transport === "SSH" ? `SSH ${node.sshUser}@${node.address}` : "Local"}</dd>
            {node.hostKeyFingerprint && (
              <>
                <dt className="text-slate-500">Host key</dt>
                <dd className="break-all font-mono text-xs">{node.hostKeyFingerprint}</dd>
              </>
            )}
            {node.lxcPath && (
              <>
                <dt className="text-slate-500">LXC path</dt>
                <dd className="font-mono text-xs">{node.lxcPath}</dd>
              </>
            )}
            {node.bridge && (
              <>
                <dt className="text-slate-500">Bridge</dt>
                <dd className="font-mono text-xs">{node.bridge}</dd>
              </>
            )}
            <dt className="text-slate-500">Labels</dt>
            <dd>
              {Object.keys(node.labels).length
                ? Object.entries(node.labels).map(([k, v]) => (
                    <Badge key={k}>
                      {k}={v}
                    </Badge>
                  ))
                : "none"}
            </dd>
          </dl>
        </Card>
      </div>
      <NodeControlsCard
        node={{
          id: node.id,
          name: node.name,
          status: node.status,
          containers: node.containers,
          labels: formatLabels(node.labels),
          ramMib: node.capacity.ramMib,
          cores: node.capacity.cores,
          mhzPerCore: node.capacity.mhzPerCore,
          diskGib: node.capacity.diskGib,
          maxContainers: node.capacity.maxContainers,
          overcommitRatio: node.overcommitRatio,
        }}
      />
      {templates.length > 0 && (
        <Card title="Stack templates" className="mb-6">
          <NodeTemplates nodeId={node.id} templates={templates} />
        </Card>
      )}
      <section aria-labelledby="containers-h" className="mb-6">
        <h2 id="containers-h" className="mb-2 text-lg font-semibold">
          Containers on this node ({containers.length})
        </h2>
        <ContainerTable rows={containers} showNode={false} />
      </section>
      <section aria-labelledby="ops-h" className="mb-6">
        <h2 id="ops-h" className="mb-2 text-lg font-semibold">
          Operations
        </h2>
        <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full min-w-[40rem] text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Created
                </th>
                <th scope="col" className="px-3 py-2">
                  Kind
                </th>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2">
                  Environment
                </th>
                <th scope="col" className="px-3 py-2">
                  By
                </th>
                <th scope="col" className="px-3 py-2">
                  Error
                </th>
              </tr>
            </thead>
            <tbody>
              {operations.map((op) => (
                <tr key={op.id} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="whitespace-nowrap px-3 py-2 text-xs">
                    {op.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{op.kind}</td>
                  <td className="px-3 py-2">
                    <Badge
                      tone={
                        op.status === "SUCCEEDED"
                          ? "green"
                          : op.status === "FAILED"
                            ? "red"
                            : op.status === "RUNNING"
                              ? "blue"
                              : "slate"
                      }
                    >
                      {op.status.toLowerCase()}
                    </Badge>
                  </td>
                  <td className="px-3 py-2">{op.environmentName ?? "—"}</td>
                  <td className="px-3 py-2 text-xs">{op.userEmail ?? "system"}</td>
                  <td className="px-3 py-2 text-xs">{op.error ?? ""}</td>
                </tr>
              ))}
              {operations.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                    No operations on this node yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
      <p className="text-sm">
        <Link href="/admin/nodes" className="underline">
          ← All hardware nodes
        </Link>
      </p>
    </>
  );
}
