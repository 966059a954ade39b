import type { Metadata } from "next";
import { DefaultQuotaForm, DeleteUserForm, SignupSwitch, UserQuotaForm } from "@/components/admin/user-forms";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { getAccountSettings, listUsers } from "@/lib/db/users";
import { UserRowActions } from "./user-row-actions";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const actor = await requirePageAdmin();
  const { q } = await searchParams;
  const [users, settings] = await Promise.all([listUsers({ actor, query: q }), getAccountSettings({ actor })]);
  return (
    <>
      <LiveRefresh tables={["User", "Quota", "Environment"]} />
      <PageHeader title="Users" description="Roles, suspension (ends sessions at once), quotas and deletion." />
      <form className="mb-4 flex gap-2" role="search">
        <label htmlFor="user-search" className="sr-only">
          Search users
        </label>
        <input
          id="user-search"
          name="q"
          defaultValue={q}
          placeholder="Search by email or name"
          className="w-full max-w-sm rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
      </form>
      <div className="mb-8 overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-800/50">
            <tr>
              <th scope="col" className="px-4 py-2">
                User
              </th>
              <th scope="col" className="px-4 py-2">
                Role
              </th>
              <th scope="col" className="px-4 py-2">
                Status
              </th>
              <th scope="col" className="px-4 py-2">
                Environments
              </th>
              <th scope="col" className="px-4 py-2">
                Quota
              </th>
              <th scope="col" className="px-4 py-2">
                Actions
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr
                key={u.id}
                className="border-t border-slate-200 align-top dark:border-slate-800"
                data-testid={`user-row-${u.email}`}
              >
                <td className="px-4 py-2">
                  <div className="font-medium">{u.name}</div>
                  <div className="text-xs text-slate-500">{u.email}</div>
                </td>
                <td className="px-4 py-2">{u.role === "ADMIN" ? "Administrator" : "Developer"}</td>
                <td className="px-4 py-2">
                  <Badge tone={u.status === "ACTIVE" ? "green" : "red"}>
                    {u.status === "ACTIVE" ? "Active" : "Suspended"}
                  </Badge>
                </td>
                <td className="px-4 py-2">{u.environments}</td>
                <td className="px-4 py-2 text-xs" data-testid="quota-summary">
                  {u.quota ? (
                    <>
                      {u.quota.maxEnvironments} envs · {u.quota.maxReservedCloudlets} cloudlets · {u.quota.maxDiskGib} GiB
                      <br />≤ {u.quota.maxCloudletsPerContainer}/container · ≤ {u.quota.maxContainersPerLayer}/layer
                    </>
                  ) : (
                    "none"
                  )}
                </td>
                <td className="px-4 py-2">
                  <UserRowActions userId={u.id} status={u.status} role={u.role} self={u.id === actor.id} />
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm text-brand-700 dark:text-brand-100">Edit quota</summary>
                    <UserQuotaForm userId={u.id} quota={u.quota} />
                  </details>
                  {u.id !== actor.id && (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-sm text-red-700 dark:text-red-300">Delete…</summary>
                      <DeleteUserForm userId={u.id} email={u.email} environments={u.environments} />
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Default quota for new users">
          <DefaultQuotaForm quota={settings.defaultQuota} />
        </Card>
        <Card title="Sign-up">
          <SignupSwitch enabled={settings.signupEnabled} forcedOff={settings.signupForcedOffByEnv} />
        </Card>
      </div>
    </>
  );
}
