"use client";
import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import type { ContainerDetail } from "@/lib/db/environments";
import { Drawer } from "@/components/ui/drawer";
import { statusLabel } from "./format";
import { StatusBadge } from "./status-badge";

const ContainerCharts = dynamic(() => import("./container-charts"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-500">Loading charts…</p>,
});

/** Details, charts and recent events of one container; reloads when the page's data changes. */
export function ContainerDrawer({
  environmentId,
  containerId,
  version,
  onClose,
}: {
  environmentId: string;
  containerId: string | null;
  version: unknown;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<{ id: string; data: ContainerDetail | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!containerId) return;
    const ctrl = new AbortController();
    fetch(`/api/environments/${encodeURIComponent(environmentId)}/containers/${encodeURIComponent(containerId)}`, {
      signal: ctrl.signal,
      cache: "no-store",
    })
      .then(async (r) =>
        setDetail({
          id: containerId,
          data: r.ok ? ((await r.json()) as ContainerDetail) : null,
          error: r.ok
            ? null
            : r.status === 404
              ? "This container no longer exists."
              : `Could not load (HTTP ${r.status}).`,
        }),
      )
      .catch((e: unknown) => {
        if ((e as Error).name !== "AbortError")
          setDetail({ id: containerId, data: null, error: "Could not load the container." });
      });
    return () => ctrl.abort();
  }, [environmentId, containerId, version]);
  const d = detail?.id === containerId ? detail : null;
  return (
    <Drawer
      open={Boolean(containerId)}
      onClose={onClose}
      title={d?.data?.displayName ?? "Container"}
      description={d?.data ? `${d.data.name} · ${d.data.node?.name ?? "unplaced"}` : undefined}
    >
      {!d ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : d.error || !d.data ? (
        <p role="alert" className="text-sm text-red-700">
          {d.error}
        </p>
      ) : (
        <div className="flex flex-col gap-5" data-testid="container-drawer">
          <dl className="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
            <dt className="text-slate-500">State</dt>
            <dd>
              <StatusBadge status={d.data.state} />{" "}
              <span className="text-xs text-slate-500">(wanted: {statusLabel(d.data.desiredState)})</span>
            </dd>
            <dt className="text-slate-500">Engine name</dt>
            <dd className="font-mono text-xs">{d.data.name}</dd>
            <dt className="text-slate-500">IP address</dt>
            <dd className="font-mono">{d.data.ip ?? "—"}</dd>
            <dt className="text-slate-500">Hardware node</dt>
            <dd>
              {d.data.node
                ? `${d.data.node.name} (${d.data.node.engine.toLowerCase()}${d.data.node.engine === "SIM" ? ", simulated" : ""})`
                : "—"}
            </dd>
            <dt className="text-slate-500">Stack</dt>
            <dd>{d.data.layer.stack}</dd>
            <dt className="text-slate-500">Cloudlets</dt>
            <dd>
              {d.data.reservedCloudlets} reserved / {d.data.dynamicCloudlets} limit
            </dd>
            <dt className="text-slate-500">Disk</dt>
            <dd>{d.data.diskGib} GiB</dd>
            <dt className="text-slate-500">Created</dt>
            <dd>{new Date(d.data.createdAt).toLocaleString()}</dd>
            <dt className="text-slate-500">Last observed</dt>
            <dd>{d.data.lastObservedAt ? new Date(d.data.lastObservedAt).toLocaleString() : "—"}</dd>
            {d.data.lastError && (
              <>
                <dt className="text-slate-500">Last error</dt>
                <dd className="text-red-700 dark:text-red-300">{d.data.lastError}</dd>
              </>
            )}
          </dl>
          <section aria-label="Charts">
            <h3 className="mb-2 text-sm font-semibold">Last hour</h3>
            <ContainerCharts metrics={d.data.metrics} />
          </section>
          <section>
            <h3 className="mb-2 text-sm font-semibold">Recent events</h3>
            {d.data.events.length === 0 ? (
              <p className="text-sm text-slate-500">None.</p>
            ) : (
              <ol className="space-y-1 text-xs">
                {d.data.events.map((e, i) => (
                  <li key={i} className="grid grid-cols-[6rem_1fr_auto] gap-2">
                    <time className="text-slate-500" dateTime={e.at}>
                      {new Date(e.at).toLocaleTimeString()}
                    </time>
                    <span>
                      {e.kind}
                      {e.detail && (
                        <span className="block break-all font-mono text-[11px] text-slate-500">{e.detail}</span>
                      )}
                    </span>
                    <StatusBadge status={e.status} />
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      )}
    </Drawer>
  );
}
