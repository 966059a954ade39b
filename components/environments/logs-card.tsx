"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LogView } from "@/lib/validation/logs";

type Filter = { layer: string; container: string; source: "service" | "deploy"; q: string };

const FOLLOW_MS = 2000;

function query(environmentId: string, filter: Filter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ lines: "500", source: filter.source, ...extra });
  if (filter.layer) params.set("layer", filter.layer);
  if (filter.container) params.set("container", filter.container);
  if (filter.q) params.set("q", filter.q);
  return `/api/environments/${encodeURIComponent(environmentId)}/logs?${params}`;
}

const select = "rounded-md border border-slate-300 px-2 py-1 text-xs dark:border-slate-700 dark:bg-slate-950";

/** Per container or per layer (merged, each line labelled), live when following; search; download. */
export function LogsCard({ environmentId }: { environmentId: string }) {
  const [filter, setFilter] = useState<Filter>({ layer: "", container: "", source: "service", q: "" });
  const [search, setSearch] = useState("");
  const [follow, setFollow] = useState(true);
  const [view, setView] = useState<LogView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);

  const load = useCallback(async () => {
    try {
      const response = await fetch(query(environmentId, filter), { cache: "no-store" });
      const body = await response.json();
      if (!response.ok) {
        setError(body.error ?? `HTTP ${response.status}`);
        return;
      }
      setError(null);
      setView(body as LogView);
    } catch {
      setError("The logs could not be loaded.");
    }
  }, [environmentId, filter]);

  useEffect(() => {
    // Loaded from a timer, not synchronously in the effect: once now, then every FOLLOW_MS when following.
    const first = setTimeout(() => void load(), 0);
    const timer = follow ? setInterval(() => void load(), FOLLOW_MS) : undefined;
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [load, follow]);

  // Following keeps the newest line in view.
  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [view, follow]);

  const layer = view?.layers.find((l) => l.id === filter.layer);
  return (
    <section
      aria-label="Logs"
      className="mb-4 flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="font-medium">Logs</h2>
      <div className="flex flex-wrap items-end gap-2 text-xs">
        <label className="flex flex-col">
          Log
          <select
            className={select}
            value={filter.source}
            onChange={(e) => setFilter({ ...filter, source: e.target.value as Filter["source"] })}
          >
            <option value="service">App and service output</option>
            <option value="deploy">Deploy logs</option>
          </select>
        </label>
        <label className="flex flex-col">
          Layer
          <select
            className={select}
            value={filter.layer}
            onChange={(e) => setFilter({ ...filter, layer: e.target.value, container: "" })}
          >
            <option value="">All layers</option>
            {view?.layers.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        {filter.source === "service" && (
          <label className="flex flex-col">
            Container
            <select
              className={select}
              value={filter.container}
              disabled={!layer}
              onChange={(e) => setFilter({ ...filter, container: e.target.value })}
            >
              <option value="">{layer ? "All containers (merged)" : "Pick a layer"}</option>
              {layer?.containers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          </label>
        )}
        <form
          className="flex items-end gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter({ ...filter, q: search.trim() });
          }}
        >
          <label className="flex flex-col">
            Search
            <input
              className={select}
              value={search}
              maxLength={200}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="text in the line"
            />
          </label>
          <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700">
            Search
          </button>
        </form>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow live
        </label>
        <a
          className="text-brand-700 underline dark:text-brand-100"
          href={query(environmentId, filter, { download: "1" })}
        >
          Download
        </a>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {view && view.unavailable.length > 0 && (
        <p className="text-xs text-slate-500">Not shown: {view.unavailable.join("; ")}</p>
      )}
      <pre
        ref={pre}
        data-testid="log-lines"
        className="max-h-96 min-h-24 overflow-auto rounded bg-slate-950 p-2 text-xs text-slate-100"
      >
        {view === null
          ? "Loading…"
          : view.entries.length === 0
            ? "No lines."
            : view.entries.map((e, i) => (
                <div key={i}>
                  <span className="text-sky-300">[{e.source}]</span> {e.line}
                </div>
              ))}
      </pre>
    </section>
  );
}
