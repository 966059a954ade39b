import Link from "next/link";

export default function NotFound() {
  return (
    <main
      id="main"
      tabIndex={-1}
      className="mx-auto flex min-h-[60vh] outline-none max-w-md flex-col items-center justify-center gap-3 p-6 text-center"
    >
      <p className="text-sm font-semibold text-brand-600 dark:text-brand-100">404</p>
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-slate-600 dark:text-slate-400">This page does not exist, or you do not have access to it.</p>
      <Link href="/" className="text-brand-600 dark:text-brand-100 underline">
        Back to Hostplane
      </Link>
    </main>
  );
}
