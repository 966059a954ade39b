"use client";
import type { OperationData } from "@/lib/db/environments";
import { Button } from "@/components/ui/button";
import { durationBetween, formatDuration } from "./format";
import { StatusBadge } from "./status-badge";
import { operationName } from "@/lib/words";

export const operationLabel = operationName;

/** Operations newest first, each with its steps, durations and errors; failed ones can be retried. */
export function OperationsTimeline({
  operations,
  onRetry,
  retrying,
  busy,
  admin,
}: {
  operations: OperationData[];
  onRetry: (id: string) => void;
  retrying: string | null;
  busy: boolean;
  admin: boolean;
}) {
  if (!operations.length) return <p className="text-sm text-slate-500">No operations yet.</p>;
  return (
    <ol className="space-y-3" data-testid="operations">
      {operations.map((op, i) => {
        const open = op.status === "PENDING" || op.status === "RUNNING" || op.status === "FAILED";
        const done = op.steps.filter((s) => s.status === "SUCCEEDED" || s.status === "SKIPPED").length;
        return (
          <li
            key={op.id}
            data-testid={`operation-${op.kind}`}
            className="rounded-md border border-slate-200 dark:border-slate-800"
          >
            <details open={open && i < 3}>
              <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-2 text-sm">
                <span className="font-medium">{operationLabel(op.kind)}</span>
                <StatusBadge status={op.status} busy={op.status === "RUNNING"} />
                <span className="text-xs text-slate-500">
                  {op.steps.length ? `${done}/${op.steps.length} steps · ` : ""}
                  {formatDuration(durationBetween(op.startedAt ?? op.createdAt, op.finishedAt))}
                </span>
                <time className="ml-auto text-xs text-slate-500" dateTime={new Date(op.createdAt).toISOString()}>
                  {new Date(op.createdAt).toLocaleTimeString()}
                </time>
                {admin && op.userEmail && <span className="text-xs text-slate-500">by {op.userEmail}</span>}
              </summary>
              <div className="border-t border-slate-200 px-3 py-2 dark:border-slate-800">
                {op.error && (
                  <p
                    role="status"
                    className="mb-2 rounded bg-red-50 px-2 py-1 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200"
                  >
                    {op.error}
                  </p>
                )}
                {admin && op.errorDetail && (
                  <p className="mb-2 break-all font-mono text-[11px] text-slate-600 dark:text-slate-400">
                    {op.errorDetail}
                  </p>
                )}
                {op.status === "FAILED" && (
                  <Button
                    variant="secondary"
                    className="mb-2"
                    pending={retrying === op.id}
                    disabled={busy}
                    onClick={() => onRetry(op.id)}
                  >
                    Retry {operationLabel(op.kind).toLowerCase()}
                  </Button>
                )}
                {op.steps.length === 0 ? (
                  <p className="text-xs text-slate-500">
                    {op.status === "PENDING" ? "Waiting for a worker…" : "No steps were needed."}
                  </p>
                ) : (
                  <ol className="space-y-1 text-xs">
                    {op.steps.map((s) => (
                      <li key={s.id} className="grid grid-cols-[5.5rem_1fr_auto] items-start gap-2">
                        <StatusBadge status={s.status} busy={s.status === "RUNNING"} />
                        <span>
                          <span className="font-medium">{s.kind}</span>{" "}
                          <span className="text-slate-500" title={s.target ?? undefined}>
                            {s.containerName
                              ? (s.target?.replace(/hp-[a-z0-9]+/, s.containerName) ?? s.containerName)
                              : s.target}
                          </span>
                          {s.attempts > 1 && <span className="text-slate-500"> · attempt {s.attempts}</span>}
                          {s.message && (
                            <span className="block break-all font-mono text-[11px] text-slate-600 dark:text-slate-400">
                              {s.message}
                            </span>
                          )}
                        </span>
                        <span className="tabular-nums text-slate-500">
                          {formatDuration(durationBetween(s.startedAt, s.finishedAt))}
                        </span>
                      </li>
                    ))}
                  </ol>
                )}
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
