"use client";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import {
  deleteEnvironmentAction,
  resizeLayerAction,
  restartAction,
  retryOperationAction,
  scaleLayerAction,
  setRunningAction,
} from "@/app/(dashboard)/environments/[id]/actions";
import type { EnvironmentDetail } from "@/lib/db/environments";
import { Button } from "@/components/ui/button";
import { Tabs } from "@/components/ui/tabs";
import { useToast } from "@/components/ui/toast";
import { ContainerDrawer } from "./container-drawer";
import { DeleteDialog } from "./delete-dialog";
import { LayerRow } from "./layer-row";
import { OperationsTimeline, operationLabel } from "./operations-timeline";
import { ResourcesSummary } from "./resources-summary";
import { StatusBadge } from "./status-badge";
import { useEnvironmentEvents } from "./use-environment-events";
import { plural } from "@/lib/words";

// The graph library is only loaded when its tab opens, keeping the page's first paint small.
const TopologyGraph = dynamic(() => import("./topology-graph"), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-500">Loading graph…</p>,
});

type Result = { ok: boolean; error?: string };
const LIVE_LABEL = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Not live",
} as const;

export function EnvironmentView({
  env,
  viewer,
  endpoints,
}: {
  env: EnvironmentDetail;
  viewer: { id: string; role: string };
  endpoints?: React.ReactNode;
}) {
  const router = useRouter();
  const toast = useToast();
  const [tab, setTab] = useState("rows");
  const [drawer, setDrawer] = useState<string | null>(null);
  const [pendingKey, setPendingKey] = useState<string | null>(null);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const announced = useRef(new Set<string>());
  const admin = viewer.role === "ADMIN";
  // Set once the environment is deleted (or its deletion accepted): this page is about to stop existing.
  const [leaving, setLeaving] = useState(false);
  useEffect(() => {
    // The page's refreshes are paused by now: one failing mid-navigation would reload this page.
    if (leaving) router.replace("/environments");
  }, [leaving, router]);

  const { state } = useEnvironmentEvents({
    environmentId: env.id,
    busy: env.busy,
    leaving,
    onGone: () => {
      if (!leaving) toast.show(`${env.name} was deleted.`, "success");
      setLeaving(true);
    },
    onChange: (c) => {
      if (c.table !== "Operation" || (c.status !== "SUCCEEDED" && c.status !== "FAILED")) return;
      const key = `${c.id}:${c.status}`;
      if (announced.current.has(key)) return;
      announced.current.add(key);
      if (c.status === "SUCCEEDED") toast.show(`${operationLabel(c.kind ?? "")} of ${env.name} finished.`, "success");
      else toast.show(`${operationLabel(c.kind ?? "")} of ${env.name} failed: see the operations below.`, "error");
    },
  });

  const run = (key: string, fn: () => Promise<Result>, started: string) => {
    setPendingKey(key);
    void fn()
      .then((r) => toast.show(r.ok ? started : (r.error ?? "Failed."), r.ok ? "info" : "error"))
      .catch(() => toast.show("Could not reach the server. Try again.", "error"))
      .finally(() => setPendingKey(null));
  };

  const deleting = env.desiredState === "DELETED" || env.status === "DELETING";
  const locked = env.busy || deleting;
  const stopped = env.desiredState === "STOPPED";
  const containers = env.layers.reduce((n, l) => n + l.containers.length, 0);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/environments" className="text-brand-600 underline dark:text-brand-100">
          Environments
        </Link>{" "}
        <span aria-hidden>/</span> {env.name}
      </nav>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight [overflow-wrap:anywhere]">
            {env.name}{" "}
            <span data-testid="env-status">
              <StatusBadge status={env.status} busy={env.busy} />
            </span>
          </h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Region {env.region.name} · {plural(env.layers.length, "layer")} · {plural(containers, "container")}
            {env.owner.id !== viewer.id && (
              <>
                {" "}
                · owned by <span className="font-medium">{env.owner.email}</span>
              </>
            )}
            {" · "}
            <span
              role="status"
              aria-live="polite"
              className={state === "live" ? "text-emerald-700 dark:text-emerald-400" : ""}
            >
              {state === "live" ? "● " : "○ "}
              {LIVE_LABEL[state]}
            </span>
          </p>
        </div>
        <div className="flex flex-wrap gap-2" role="group" aria-label="Environment actions">
          {stopped ? (
            <Button
              disabled={locked}
              pending={pendingKey === "start"}
              onClick={() =>
                run(
                  "start",
                  () => setRunningAction({ environmentId: env.id, running: true }),
                  `Start ${env.name}: requested.`,
                )
              }
            >
              Start
            </Button>
          ) : (
            <Button
              variant="secondary"
              disabled={locked}
              pending={pendingKey === "stop"}
              onClick={() =>
                run(
                  "stop",
                  () => setRunningAction({ environmentId: env.id, running: false }),
                  `Stop ${env.name}: requested.`,
                )
              }
            >
              Stop
            </Button>
          )}
          <Button
            variant="secondary"
            disabled={locked || stopped}
            pending={pendingKey === "restart"}
            onClick={() =>
              run("restart", () => restartAction({ environmentId: env.id }), `Restart ${env.name}: requested.`)
            }
          >
            Restart
          </Button>
          <Button
            variant="danger"
            disabled={deleting}
            pending={pendingKey === "delete"}
            onClick={() => setDeleteOpen(true)}
          >
            Delete
          </Button>
        </div>
      </div>
      {env.busy && (
        <p
          className="mb-4 rounded-md bg-blue-50 px-3 py-2 text-sm text-blue-800 dark:bg-blue-950/50 dark:text-blue-200"
          role="status"
        >
          An operation is running; conflicting actions are disabled until it finishes.
        </p>
      )}

      <ResourcesSummary layers={env.layers} />
      {endpoints}
      <div className="grid gap-6 xl:grid-cols-[1fr_24rem]">
        <Tabs
          label="Topology views"
          value={tab}
          onChange={setTab}
          tabs={[
            { id: "rows", label: "Topology" },
            { id: "graph", label: "Graph" },
          ]}
        >
          {tab === "rows" ? (
            <div className="flex flex-col gap-4">
              {env.layers.map((l) => (
                <LayerRow
                  key={l.id}
                  layer={l}
                  locked={locked}
                  pendingKey={pendingKey}
                  run={run}
                  onOpenContainer={setDrawer}
                  actions={{
                    scale: (count) => scaleLayerAction({ environmentId: env.id, layerId: l.id, count }),
                    resize: (reservedCloudlets, dynamicCloudlets) =>
                      resizeLayerAction({ environmentId: env.id, layerId: l.id, reservedCloudlets, dynamicCloudlets }),
                    restart: (containerId) =>
                      restartAction({ environmentId: env.id, layerId: l.id, ...(containerId ? { containerId } : {}) }),
                  }}
                />
              ))}
            </div>
          ) : (
            <TopologyGraph env={env} onOpenContainer={setDrawer} />
          )}
        </Tabs>
        <section aria-labelledby="ops-title">
          <h2 id="ops-title" className="mb-3 text-sm font-semibold">
            Operations
          </h2>
          <OperationsTimeline
            operations={env.operations}
            admin={admin}
            busy={locked}
            retrying={pendingKey?.startsWith("retry-") ? pendingKey.slice(6) : null}
            onRetry={(id) =>
              run(
                `retry-${id}`,
                () => retryOperationAction({ environmentId: env.id, operationId: id }),
                `Retry: requested.`,
              )
            }
          />
        </section>
      </div>

      <ContainerDrawer environmentId={env.id} containerId={drawer} version={env} onClose={() => setDrawer(null)} />
      <DeleteDialog
        name={env.name}
        open={deleteOpen}
        pending={pendingKey === "delete"}
        onClose={() => setDeleteOpen(false)}
        onConfirm={(typed) => {
          setDeleteOpen(false);
          // Back to the list once the deletion is accepted: this page is about to stop existing,
          // and a refresh racing the final "gone" event would otherwise land on a 404.
          run(
            "delete",
            async () => {
              const r = await deleteEnvironmentAction({ environmentId: env.id, confirmName: typed });
              if (r.ok) setLeaving(true);
              return r;
            },
            `Deleting ${env.name}…`,
          );
        }}
      />
    </>
  );
}
