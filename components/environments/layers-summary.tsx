import { getStack } from "@/lib/stacks/catalog";
import { ROLE_LABELS } from "./format";

/** Stack icons × count, e.g. "⇄×1 ⬢×2"; the title and screen-reader text spell it out. */
export function LayersSummary({ layers }: { layers: { role: string; stack: string; count: number }[] }) {
  if (!layers.length) return <span className="text-slate-500">—</span>;
  return (
    <span className="flex flex-wrap gap-2">
      {layers.map((l, i) => {
        const stack = getStack(l.stack);
        const text = `${ROLE_LABELS[l.role] ?? l.role}: ${stack?.displayName ?? l.stack} × ${l.count}`;
        return (
          <span
            key={i}
            title={text}
            className="inline-flex items-center gap-0.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs tabular-nums dark:bg-slate-800"
          >
            <span aria-hidden>{stack?.icon ?? "?"}</span>
            <span aria-hidden>×{l.count}</span>
            <span className="sr-only">{text}</span>
          </span>
        );
      })}
    </span>
  );
}
