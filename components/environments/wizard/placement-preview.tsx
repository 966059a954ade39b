"use client";
import type { PlacementPreview } from "@/app/(dashboard)/environments/new/actions";

/** Where each container would land, or why it cannot be placed (every node's reasons). */
export function PlacementPreviewView({
  preview,
  pending,
  error,
}: {
  preview: PlacementPreview | null;
  pending: boolean;
  error: string | null;
}) {
  return (
    <section
      aria-labelledby="preview-title"
      aria-busy={pending}
      data-testid="placement-preview"
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="preview-title" className="mb-2 flex items-center gap-2 text-sm font-semibold">
        Placement preview {pending && <span className="text-xs font-normal text-slate-500">(updating…)</span>}
      </h2>
      <div aria-live="polite">
        {error ? (
          <p className="text-sm text-amber-700 dark:text-amber-300">{error}</p>
        ) : !preview ? (
          <p className="text-sm text-slate-500">Add a layer to see where its containers would run.</p>
        ) : (
          <>
            {preview.ok ? (
              <p className="mb-2 text-sm text-emerald-700 dark:text-emerald-300">✓ Every container fits.</p>
            ) : (
              <div
                role="alert"
                className="mb-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200"
              >
                <p className="font-semibold">✗ Cannot be placed: {preview.message}</p>
                {preview.rejections.length > 0 && (
                  <ul className="mt-1 list-disc pl-5">
                    {preview.rejections.map((r) => (
                      <li key={r.node}>{r.reasons.join("; ") || `${r.node}: rejected`}</li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {preview.placements.length > 0 && (
              <ul className="max-h-56 space-y-1 overflow-y-auto text-sm">
                {preview.placements.map((p) => (
                  <li key={`${p.layer}-${p.ordinal}`} className="flex justify-between gap-2">
                    <span className="font-mono text-xs">
                      {p.layer} #{p.ordinal + 1}
                    </span>
                    <span className={p.node ? "" : "text-red-700 dark:text-red-300"}>
                      {p.node ? `→ ${p.node}` : "no node fits"}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
