import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { listUsers } from "@/lib/db/users";
import { UserRowActions } from "./user-row-actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePageAdmin();
  const { q } = await searchParams;
  const users = await listUsers({ actor, query: q });
  return (
    <>
      <PageHeader title="Users" description="Roles, suspension (ends sessions at once) and quotas." />
      <form className="mb-4 flex gap-2" role="search">
        <label htmlFor="user-search" className="sr-only">Search users</label>
        <input id="user-search" name="q" defaultValue={q} placeholder="Search by email or name" className="w-full max-w-sm rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900" />
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50">
            <tr><th className="px-4 py-2">User</th><th className="px-4 py-2">Role</th><th className="px-4 py-2">Status</th><th className="px-4 py-2">Environments</th><th className="px-4 py-2">Actions</th></tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-slate-200 dark:border-slate-800" data-testid={`user-row-${u.email}`}>
                <td className="px-4 py-2"><div className="font-medium">{u.name}</div><div className="text-xs text-slate-500">{u.email}</div></td>
                <td className="px-4 py-2">{u.role === "ADMIN" ? "Administrator" : "Developer"}</td>
                <td className="px-4 py-2"><Badge tone={u.status === "ACTIVE" ? "green" : "red"}>{u.status === "ACTIVE" ? "Active" : "Suspended"}</Badge></td>
                <td className="px-4 py-2">{u.environments}</td>
                <td className="px-4 py-2"><UserRowActions userId={u.id} status={u.status} role={u.role} self={u.id === actor.id} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
