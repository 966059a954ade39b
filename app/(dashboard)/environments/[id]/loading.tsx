export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-4">
      <span className="sr-only">Loading environment…</span>
      <div className="h-8 w-64 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-40 rounded-lg bg-slate-200 dark:bg-slate-800" />
      <div className="h-40 rounded-lg bg-slate-200 dark:bg-slate-800" />
    </div>
  );
}
