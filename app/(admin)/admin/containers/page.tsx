import type { Metadata } from "next";
import Link from "next/link";
import { ContainerTable } from "@/components/admin/container-table";
import { PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import {
  CONTAINER_SORT_KEYS,
  CONTAINER_STATES,
  listContainerFilterOptions,
  listContainers,
  type ContainerFilter,
  type ContainerSortKey,
} from "@/lib/db/containers";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "All containers" };
export const dynamic = "force-dynamic";

const input = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

export default async function ContainersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requirePageAdmin();
  const sp = await searchParams;
  const sort: ContainerSortKey = (CONTAINER_SORT_KEYS as readonly string[]).includes(sp.sort ?? "")
    ? (sp.sort as ContainerSortKey)
    : "ram";
  const dir = sp.dir === "asc" ? "asc" : "desc";
  const filter: ContainerFilter = {
    nodeId: sp.node?.slice(0, 64) || undefined,
    owner: sp.owner?.trim().slice(0, 254) || undefined,
    environment: sp.environment?.trim().slice(0, 64) || undefined,
    state: (CONTAINER_STATES as readonly string[]).includes(sp.state ?? "")
      ? (sp.state as ContainerFilter["state"])
      : undefined,
  };
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const [{ rows, total, pageSize }, options] = await Promise.all([
    listContainers({ actor, filter, sort, dir, page }),
    listContainerFilterOptions({ actor }),
  ]);
  const params = { node: filter.nodeId, owner: filter.owner, environment: filter.environment, state: filter.state };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const pageHref = (p: number) =>
    `?${new URLSearchParams(Object.entries({ ...params, sort, dir, page: String(p) }).filter(([, v]) => v) as [string, string][]).toString()}`;
  return (
    <>
      <LiveRefresh tables={["Container", "HardwareNode", "Environment"]} />
      <PageHeader
        title="All containers"
        description="Every container across hardware nodes. Sort by RAM or CPU used (last sample) to find the heaviest."
      />
      <form className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter containers">
        <div className="flex flex-col gap-1">
          <label htmlFor="c-node" className="text-xs font-medium">
            Node
          </label>
          <select id="c-node" name="node" defaultValue={filter.nodeId ?? ""} className={input}>
            <option value="">Any node</option>
            {options.nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="c-owner" className="text-xs font-medium">
            Owner
          </label>
          <input id="c-owner" name="owner" defaultValue={filter.owner} placeholder="email contains" className={input} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="c-env" className="text-xs font-medium">
            Environment
          </label>
          <input
            id="c-env"
            name="environment"
            defaultValue={filter.environment}
            placeholder="name contains"
            className={input}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="c-state" className="text-xs font-medium">
            State
          </label>
          <select id="c-state" name="state" defaultValue={filter.state ?? ""} className={input}>
            <option value="">Any state</option>
            {options.states.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="dir" value={dir} />
        <button className="rounded-md bg-brand-600 px-3 py-2 text-sm text-white">Filter</button>
        <Link href="/admin/containers" className="px-2 py-2 text-sm underline">
          Clear
        </Link>
      </form>
      <ContainerTable rows={rows} sort={sort} dir={dir} params={params} />
      <nav aria-label="Pages" className="mt-3 flex items-center gap-3 text-sm">
        <span>
          {total} container{total === 1 ? "" : "s"} · page {page} of {pages}
        </span>
        {page > 1 && (
          <Link className="underline" href={pageHref(page - 1)}>
            ← Previous
          </Link>
        )}
        {page < pages && (
          <Link className="underline" href={pageHref(page + 1)}>
            Next →
          </Link>
        )}
      </nav>
    </>
  );
}
