"use client";
import { useState, useTransition } from "react";
import { deleteNodeTemplateAction, rebuildNodeTemplateAction } from "@/app/(admin)/admin/nodes/[id]/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import type { NodeTemplateItem } from "@/lib/db/nodes";

const STATE: Record<NodeTemplateItem["state"], { label: string; tone: "green" | "blue" | "amber" | "red" | "slate" }> =
  {
    ready: { label: "Ready", tone: "green" },
    queued: { label: "Queued", tone: "blue" },
    building: { label: "Building", tone: "blue" },
    failed: { label: "Failed", tone: "red" },
    missing: { label: "Not built", tone: "slate" },
    deleted: { label: "Deleted", tone: "slate" },
  };

const sizeText = (mib: number | null) =>
  mib === null ? "—" : mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;

/** The node's stack templates: state and progress, recipe version, size; rebuild and delete. */
export function NodeTemplates({ nodeId, templates }: { nodeId: string; templates: NodeTemplateItem[] }) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ error?: string; success?: string } | null>(null);
  const run = (fn: () => Promise<{ ok: boolean; error?: string }>, success: string) =>
    start(async () => {
      const r = await fn();
      setMessage(r.ok ? { success } : { error: r.error ?? "Failed." });
    });
  return (
    <div className="flex flex-col gap-3">
      <div aria-live="polite">{message && <FormMessage error={message.error} success={message.success} />}</div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="node-templates">
          <caption className="sr-only">Stack templates on this node</caption>
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="py-1 pr-3">
                Stack
              </th>
              <th scope="col" className="py-1 pr-3">
                State
              </th>
              <th scope="col" className="py-1 pr-3">
                Recipe version
              </th>
              <th scope="col" className="py-1 pr-3">
                Size
              </th>
              <th scope="col" className="py-1 pr-3">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.map((t) => (
              <tr key={t.stackId} className="border-t border-slate-200 align-top dark:border-slate-800">
                <td className="py-2 pr-3 font-medium">{t.displayName}</td>
                <td className="py-2 pr-3">
                  <Badge tone={STATE[t.state].tone}>{STATE[t.state].label}</Badge>
                  {t.progress && <p className="mt-1 text-xs text-slate-500">{t.progress}</p>}
                  {t.error && <p className="mt-1 text-xs text-red-700 dark:text-red-300">{t.error}</p>}
                  {t.state === "ready" && t.buildMs !== null && (
                    <p className="mt-1 text-xs text-slate-500">
                      built in {Math.round(t.buildMs / 1000)} s{t.trigger ? ` (${t.trigger})` : ""}
                    </p>
                  )}
                </td>
                <td className="py-2 pr-3 font-mono text-xs">{t.recipeVersion}</td>
                <td className="py-2 pr-3 tabular-nums">{sizeText(t.sizeMib)}</td>
                <td className="py-2 pr-3">
                  <div className="flex gap-2">
                    <Button
                      variant="secondary"
                      pending={pending}
                      disabled={t.state === "queued" || t.state === "building"}
                      onClick={() =>
                        run(
                          () => rebuildNodeTemplateAction({ nodeId, stackId: t.stackId }),
                          `${t.displayName} template queued for a rebuild.`,
                        )
                      }
                    >
                      {t.state === "missing" || t.state === "deleted" || t.state === "failed" ? "Build" : "Rebuild"}
                    </Button>
                    <Button
                      variant="danger"
                      pending={pending}
                      disabled={t.state !== "ready" && t.state !== "failed"}
                      onClick={() =>
                        run(
                          () => deleteNodeTemplateAction({ nodeId, stackId: t.stackId }),
                          `${t.displayName} template queued for removal.`,
                        )
                      }
                    >
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-slate-500">
        Containers of these stacks are copy-on-write clones of the node&apos;s template. The worker builds them in the
        background after start and enrolment; an environment created during a build waits for it. A template that
        containers are built on cannot be rebuilt or deleted.
      </p>
    </div>
  );
}
