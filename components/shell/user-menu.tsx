"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";

export function UserMenu({ name, email, role }: { name: string; email: string; role: string }) {
  const [pending, setPending] = useState(false);
  return (
    <details className="group relative">
      <summary
        className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
        aria-label="User menu"
      >
        <span
          aria-hidden
          className="grid size-7 place-items-center rounded-full bg-brand-600 text-xs font-semibold text-white"
        >
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{name}</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-64 rounded-md border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
        <p className="truncate px-2 pt-1 text-sm font-medium">{name}</p>
        <p className="truncate px-2 text-xs text-slate-500">
          {email} · {role === "ADMIN" ? "Administrator" : "Developer"}
        </p>
        <hr className="my-2 border-slate-200 dark:border-slate-700" />
        <a href="/account" className="block rounded px-2 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
          Account
        </a>
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            setPending(true);
            void signOut({ callbackUrl: "/login" });
          }}
          className="block w-full rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          {pending ? "Signing out…" : "Sign out"}
        </button>
      </div>
    </details>
  );
}
