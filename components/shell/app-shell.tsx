import Link from "next/link";
import type { SessionUser } from "@/lib/auth/actor";
import { NavLink } from "./nav-link";
import { RouteFocus } from "./route-focus";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";

const developerNav = [
  { href: "/environments", label: "Environments" },
  { href: "/account", label: "Account" },
];
const adminNav = [
  { href: "/admin", label: "Cluster", exact: true },
  { href: "/admin/nodes", label: "Hardware nodes" },
  { href: "/admin/regions", label: "Regions" },
  { href: "/admin/containers", label: "All containers" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/audit", label: "Audit log" },
];

function Nav({ user }: { user: SessionUser }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-6">
      <div>
        <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Develop</p>
        {developerNav.map((item) => (
          <NavLink key={item.href} href={item.href}>
            {item.label}
          </NavLink>
        ))}
      </div>
      {user.role === "ADMIN" && (
        <div>
          <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Administer</p>
          {adminNav.map((item) => (
            <NavLink key={item.href} href={item.href} exact={item.exact}>
              {item.label}
            </NavLink>
          ))}
        </div>
      )}
    </nav>
  );
}

export function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-60 shrink-0 border-r border-slate-200 bg-white p-4 md:block dark:border-slate-800 dark:bg-slate-900">
        <Link href="/environments" className="mb-6 flex items-center gap-2 px-3 text-lg font-semibold">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-brand-600 text-sm text-white">
            H
          </span>
          Hostplane
        </Link>
        <Nav user={user} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
          <details className="md:hidden">
            <summary
              className="cursor-pointer list-none rounded-md px-2 py-1.5 text-sm font-semibold"
              aria-label="Open navigation"
            >
              ☰ Hostplane
            </summary>
            <div className="absolute left-0 z-20 mt-2 w-full border-b border-slate-200 bg-white p-4 shadow dark:border-slate-800 dark:bg-slate-900">
              <Nav user={user} />
            </div>
          </details>
          <span className="hidden md:block" />
          <div className="flex items-center gap-1">
            <ThemeToggle />
            <UserMenu name={user.name} email={user.email} role={user.role} />
          </div>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 p-4 outline-none md:p-8">
          {children}
        </main>
        <RouteFocus />
      </div>
    </div>
  );
}
