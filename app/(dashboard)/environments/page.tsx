import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { listHref } from "@/components/environments/format";
import { LayersSummary } from "@/components/environments/layers-summary";
import { StatusBadge } from "@/components/environments/status-badge";
import { requirePageUser } from "@/lib/auth/session";
import { ENVIRONMENT_STATUSES, listEnvironments } from "@/lib/db/environments";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "Environments" };

const linkButton =
  "inline-flex items-center justify-center rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700";
const control = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

export default async function EnvironmentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser();
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  const q = one(sp.q).slice(0, 100);
  const status = ENVIRONMENT_STATUSES.find((s) => s === one(sp.status)) ?? "";
  const list = await listEnvironments({ user, query: q, status, page: Number(one(sp.page)) || 1 });
  const params = { q, status, page: list.page };
  const admin = user.role === "ADMIN";
  const filtered = Boolean(q || status);

  return (
    <>
      <LiveRefresh tables={["Environment", "Layer", "Container"]} />
      <PageHeader
        title="Environments"
        description={
          admin
            ? "Every user's environments (you are an administrator)."
            : "Your applications: containers grouped in layers, placed on the cluster's hardware nodes."
        }
        actions={
          <Link href="/environments/new" className={linkButton}>
            New environment
          </Link>
        }
      />
      {list.total === 0 && !filtered ? (
        <EmptyState
          title="No environments yet"
          action={
            <Link href="/environments/new" className={linkButton}>
              Create your first environment
            </Link>
          }
        >
          Environments are created from the topology wizard: pick a region, add layers (balancer, application servers,
          databases, caches) and Hostplane places every container on a hardware node.
        </EmptyState>
      ) : (
        <>
          <form method="get" action="/environments" role="search" className="mb-4 flex flex-wrap items-end gap-2">
            <div className="flex flex-col gap-1">
              <label htmlFor="env-q" className="text-sm font-medium text-slate-700 dark:text-slate-300">
                Search by name
              </label>
              <input id="env-q" name="q" type="search" defaultValue={q} placeholder="e.g. shop" className={control} />
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor="env-status" className="text-sm font-medium text-slate-700 dark:text-slate-300">
                Status
              </label>
              <select id="env-status" name="status" defaultValue={status} className={control}>
                <option value="">Any status</option>
                {ENVIRONMENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s.charAt(0) + s.slice(1).toLowerCase()}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="submit"
              className="rounded-md border border-slate-300 px-3 py-2 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Filter
            </button>
            {filtered && (
              <Link href="/environments" className="px-2 py-2 text-sm text-brand-600 dark:text-brand-100 underline">
                Clear
              </Link>
            )}
            <p className="ml-auto text-sm text-slate-500" aria-live="polite">
              {list.total} {list.total === 1 ? "environment" : "environments"}
            </p>
          </form>
          {list.items.length === 0 ? (
            <EmptyState title="No environment matches">Try another name or status.</EmptyState>
          ) : (
            <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
              <table className="w-full min-w-[48rem] text-left text-sm">
                <caption className="sr-only">
                  Environments, page {list.page} of {list.pageCount}
                </caption>
                <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
                  <tr>
                    <th scope="col" className="px-4 py-3">
                      Name
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Status
                    </th>
                    {admin && (
                      <th scope="col" className="px-4 py-3">
                        Owner
                      </th>
                    )}
                    <th scope="col" className="px-4 py-3">
                      Region
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Layers
                    </th>
                    <th scope="col" className="px-4 py-3 text-right">
                      Containers
                    </th>
                    <th scope="col" className="px-4 py-3 text-right">
                      <abbr title="reserved cloudlets / dynamic limit">Cloudlets</abbr>
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Created
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {list.items.map((e) => (
                    <tr
                      key={e.id}
                      data-testid={`env-row-${e.name}`}
                      className="hover:bg-slate-50 dark:hover:bg-slate-800/50"
                    >
                      <td className="px-4 py-3 font-medium">
                        <Link
                          href={`/environments/${e.id}`}
                          className="text-brand-700 hover:underline dark:text-brand-100"
                        >
                          {e.name}
                        </Link>
                      </td>
                      <td className="px-4 py-3">
                        <StatusBadge status={e.status} />
                      </td>
                      {admin && <td className="px-4 py-3 text-slate-600 dark:text-slate-400">{e.ownerEmail}</td>}
                      <td className="px-4 py-3">{e.region}</td>
                      <td className="px-4 py-3">
                        <LayersSummary layers={e.layers} />
                      </td>
                      <td className="px-4 py-3 text-right tabular-nums">{e.containers}</td>
                      <td className="px-4 py-3 text-right tabular-nums">
                        {e.reservedCloudlets} / {e.dynamicCloudlets}
                      </td>
                      <td className="px-4 py-3 text-slate-600 dark:text-slate-400">
                        <time dateTime={e.createdAt.toISOString()}>
                          {e.createdAt.toISOString().slice(0, 16).replace("T", " ")}
                        </time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {list.pageCount > 1 && (
            <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm">
              {list.page > 1 ? (
                <Link
                  rel="prev"
                  href={listHref(params, { page: list.page - 1 })}
                  className="rounded-md border border-slate-300 px-3 py-1.5 dark:border-slate-700"
                >
                  ← Previous
                </Link>
              ) : (
                <span />
              )}
              <span>
                Page {list.page} of {list.pageCount}
              </span>
              {list.page < list.pageCount ? (
                <Link
                  rel="next"
                  href={listHref(params, { page: list.page + 1 })}
                  className="rounded-md border border-slate-300 px-3 py-1.5 dark:border-slate-700"
                >
                  Next →
                </Link>
              ) : (
                <span />
              )}
            </nav>
          )}
        </>
      )}
    </>
  );
}
