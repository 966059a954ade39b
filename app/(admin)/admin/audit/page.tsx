import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { pageAuditEvents } from "@/lib/db/audit";
import { Pager, pageParam } from "@/components/ui/pager";
import { AUDIT_ACTION_NAMES } from "@/lib/validation/audit";
import { ZAuditFilter, type AuditFilterInput } from "@/lib/validation/audit";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requirePageAdmin();
  const raw = await searchParams;
  const parsed = ZAuditFilter.safeParse(raw);
  const filter: Partial<AuditFilterInput> = parsed.success ? parsed.data : {};
  const page = pageParam(raw.page);
  const { rows: events, total, pageSize } = await pageAuditEvents({ actor, filter, page });
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
  return (
    <>
      <LiveRefresh tables={["AuditEvent"]} />
      <PageHeader
        title="Audit log"
        description="Every mutation by anyone: who, what, target, result, IP, time."
        actions={
          <a
            className="rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-700"
            href={`/api/admin/audit?${query}`}
          >
            Export CSV
          </a>
        }
      />
      <form className="mb-4 flex flex-wrap gap-2" aria-label="Filter audit events">
        <label className="sr-only" htmlFor="a-actor">
          Actor
        </label>
        <input
          id="a-actor"
          name="actor"
          defaultValue={filter.actor}
          placeholder="Actor email"
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <label className="sr-only" htmlFor="a-action">
          Action
        </label>
        <input
          id="a-action"
          name="action"
          defaultValue={filter.action}
          placeholder="Action, e.g. auth.signin"
          list="audit-actions"
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <datalist id="audit-actions">
          {AUDIT_ACTION_NAMES.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <label className="sr-only" htmlFor="a-result">
          Result
        </label>
        <select
          id="a-result"
          name="result"
          defaultValue={filter.result ?? ""}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        >
          <option value="">Any result</option>
          <option value="SUCCESS">Success</option>
          <option value="FAILURE">Failure</option>
        </select>
        <button className="rounded-md bg-brand-600 px-3 py-2 text-sm text-white">Filter</button>
      </form>
      {!parsed.success && (
        <p role="alert" className="mb-3 text-sm text-red-600">
          {parsed.error.issues[0]?.message}
        </p>
      )}
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50">
            <tr>
              <th className="px-3 py-2">Time</th>
              <th className="px-3 py-2">Who</th>
              <th className="px-3 py-2">What</th>
              <th className="px-3 py-2">Target</th>
              <th className="px-3 py-2">Result</th>
              <th className="px-3 py-2">IP</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} className="border-t border-slate-200 dark:border-slate-800">
                <td className="whitespace-nowrap px-3 py-2 text-xs">
                  {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                </td>
                <td className="px-3 py-2">{e.actorEmail ?? "system"}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-3 py-2 text-xs">{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : ""}</td>
                <td className="px-3 py-2">
                  <Badge tone={e.result === "SUCCESS" ? "green" : "red"}>
                    {e.result === "SUCCESS" ? "Success" : "Failure"}
                  </Badge>
                </td>
                <td className="px-3 py-2 text-xs">{e.ip}</td>
              </tr>
            ))}
            {events.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                  No events match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager total={total} page={page} pageSize={pageSize} noun={["event", "events"]} params={filter} />
    </>
  );
}
