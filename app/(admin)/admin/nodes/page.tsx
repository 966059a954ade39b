import type { Metadata } from "next";
import Link from "next/link";
import { NodeTable } from "@/components/admin/node-table";
import { PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { NODE_SORT_KEYS, getLocalNodeStatus, listNodes, type NodeSortKey } from "@/lib/db/nodes";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "Hardware nodes" };
export const dynamic = "force-dynamic";

export default async function NodesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requirePageAdmin();
  const sp = await searchParams;
  const sort: NodeSortKey = (NODE_SORT_KEYS as readonly string[]).includes(sp.sort ?? "")
    ? (sp.sort as NodeSortKey)
    : "name";
  const dir = sp.dir === "desc" ? "desc" : "asc";
  const [nodes, local] = await Promise.all([listNodes({ actor, sort, dir }), getLocalNodeStatus({ actor })]);
  const localEnrolled = nodes.some((n) => n.name === "local");
  return (
    <>
      <LiveRefresh tables={["HardwareNode", "Region", "Container"]} />
      <PageHeader
        title="Hardware nodes"
        description="Hosts running a container engine. Reserved resources are what placement counts; the marker shows what the last probe measured in use."
        actions={
          <Link
            href="/admin/nodes/new"
            className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Enrol a node
          </Link>
        }
      />
      {local && !local.available && !localEnrolled && (
        <div
          role="status"
          data-testid="local-node-unavailable"
          className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm dark:border-amber-800 dark:bg-amber-950/40"
        >
          <p className="font-medium text-amber-900 dark:text-amber-200">
            <span aria-hidden>⚠ </span>This machine (node “local”) is unavailable: {local.reason}.
          </p>
          <p className="mt-1 text-amber-900 dark:text-amber-200">
            Run as root, then restart Hostplane:{" "}
            <code className="rounded bg-white px-1.5 py-0.5 font-mono dark:bg-slate-900">{local.fix}</code>
          </p>
        </div>
      )}
      <NodeTable nodes={nodes} sort={sort} dir={dir} params={{}} />
    </>
  );
}
