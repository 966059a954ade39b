"use client";

export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main
      id="main"
      tabIndex={-1}
      className="mx-auto flex min-h-[60vh] outline-none max-w-md flex-col items-center justify-center gap-3 p-6 text-center"
    >
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="text-slate-600 dark:text-slate-400">The error has been logged. Please try again.</p>
      <button onClick={reset} className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white">
        Try again
      </button>
    </main>
  );
}
