"use client";
import type { ContainerCardData } from "@/lib/db/environments";
import { StatusBadge } from "./status-badge";
import { Sparkline } from "./sparkline";

export function ContainerCard({
  c,
  onOpen,
  onRestart,
  restartDisabled,
}: {
  c: ContainerCardData;
  onOpen: () => void;
  onRestart: () => void;
  restartDisabled: boolean;
}) {
  const removing = c.desiredState === "DELETED";
  return (
    <li
      data-testid={`container-${c.name}`}
      className={`flex w-full flex-col gap-2 rounded-md border border-slate-200 p-3 text-sm sm:w-64 dark:border-slate-700 ${removing ? "opacity-60" : ""}`}
    >
      <div className="flex items-start justify-between gap-2">
        <button
          type="button"
          onClick={onOpen}
          className="truncate text-left font-mono text-xs font-semibold text-brand-700 hover:underline dark:text-brand-100"
          aria-label={`Details of ${c.displayName}`}
          title={c.name}
        >
          {c.displayName}
        </button>
        <StatusBadge status={removing && c.state !== "DELETING" ? "DELETING" : c.state} />
      </div>
      <dl className="grid grid-cols-[4.5rem_1fr] gap-y-0.5 text-xs">
        <dt className="text-slate-500">IP</dt>
        <dd className="font-mono" data-testid="container-ip">
          {c.ip ?? "—"}
        </dd>
        <dt className="text-slate-500">Node</dt>
        <dd>{c.node ? `${c.node.name}${c.node.engine === "SIM" ? " (simulated)" : ""}` : "unplaced"}</dd>
        <dt className="text-slate-500">Cloudlets</dt>
        <dd className="tabular-nums">
          {c.reservedCloudlets} reserved / {c.dynamicCloudlets} limit
        </dd>
      </dl>
      <div className="flex flex-col gap-0.5">
        <Sparkline values={c.spark.cpu} label="CPU" unit="MHz" running={c.state === "RUNNING"} />
        <Sparkline
          values={c.spark.ram}
          label="RAM"
          unit="MiB"
          className="text-emerald-600"
          running={c.state === "RUNNING"}
        />
      </div>
      {c.lastError && <p className="text-xs text-red-700 dark:text-red-300">{c.lastError}</p>}
      <div className="flex gap-2">
        <button type="button" onClick={onOpen} className="text-xs text-brand-600 dark:text-brand-100 underline">
          Details
        </button>
        <button
          type="button"
          onClick={onRestart}
          disabled={restartDisabled || removing}
          className="text-xs text-slate-600 underline disabled:opacity-40 dark:text-slate-300"
          aria-label={`Restart ${c.displayName}`}
        >
          Restart
        </button>
      </div>
    </li>
  );
}
