import type { Metadata } from "next";
import Link from "next/link";
import { DefaultQuotaForm, DeleteUserButton, SignupSwitch, UserQuotaForm } from "@/components/admin/user-forms";
import { Pager, pageParam } from "@/components/ui/pager";
import { ageOf } from "@/lib/format";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { getAccountSettings, listUsers, type UserFilter } from "@/lib/db/users";
import { UserRowActions } from "./user-row-actions";
import { LiveRefresh } from "@/components/live/live-feed";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

const input = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requirePageAdmin();
  const sp = await searchParams;
  const filter: UserFilter = {
    query: sp.q?.trim().slice(0, 254) || undefined,
    role: sp.role === "ADMIN" || sp.role === "DEVELOPER" ? sp.role : undefined,
    status: sp.status === "ACTIVE" || sp.status === "SUSPENDED" ? sp.status : undefined,
  };
  const page = pageParam(sp.page);
  const [{ rows: users, total, pageSize }, settings] = await Promise.all([
    listUsers({ actor, filter, page }),
    getAccountSettings({ actor }),
  ]);
  const now = new Date();
  return (
    <>
      <LiveRefresh tables={["User", "Quota", "Environment"]} />
      <PageHeader
        title="Users"
        description="Roles, suspension (ends sessions at once), password resets, quotas and deletion."
      />
      <form className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter users">
        <div className="flex flex-col gap-1">
          <label htmlFor="user-search" className="text-xs font-medium">
            Email or name
          </label>
          <input
            id="user-search"
            name="q"
            defaultValue={filter.query}
            placeholder="contains…"
            className={`${input} w-64 max-w-full`}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="user-role" className="text-xs font-medium">
            Role
          </label>
          <select id="user-role" name="role" defaultValue={filter.role ?? ""} className={input}>
            <option value="">Any role</option>
            <option value="ADMIN">Administrator</option>
            <option value="DEVELOPER">Developer</option>
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="user-status" className="text-xs font-medium">
            Status
          </label>
          <select id="user-status" name="status" defaultValue={filter.status ?? ""} className={input}>
            <option value="">Any status</option>
            <option value="ACTIVE">Active</option>
            <option value="SUSPENDED">Suspended</option>
          </select>
        </div>
        <button className="rounded-md bg-brand-600 px-3 py-2 text-sm text-white">Filter</button>
        <Link href="/admin/users" className="px-2 py-2 text-sm underline">
          Clear
        </Link>
      </form>
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[56rem] text-left text-sm">
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
                Last sign-in
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
                <td className="px-4 py-2 text-xs" data-testid="last-sign-in">
                  {u.lastSignInAt ? (
                    <time dateTime={u.lastSignInAt.toISOString()} title={u.lastSignInAt.toISOString()}>
                      {ageOf(u.lastSignInAt, now)}
                    </time>
                  ) : (
                    "never"
                  )}
                  {u.mustChangePassword && (
                    <div className="text-amber-700 dark:text-amber-300">password reset pending</div>
                  )}
                </td>
                <td className="px-4 py-2">{u.environments}</td>
                <td className="px-4 py-2 text-xs" data-testid="quota-summary">
                  {u.quota ? (
                    <>
                      {u.quota.maxEnvironments} envs · {u.quota.maxReservedCloudlets} cloudlets · {u.quota.maxDiskGib}{" "}
                      GiB
                      <br />≤ {u.quota.maxCloudletsPerContainer}/container · ≤ {u.quota.maxContainersPerLayer}/layer
                    </>
                  ) : (
                    "none"
                  )}
                </td>
                <td className="px-4 py-2">
                  <UserRowActions
                    userId={u.id}
                    email={u.email}
                    status={u.status}
                    role={u.role}
                    self={u.id === actor.id}
                  />
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm text-brand-700 dark:text-brand-100">Edit quota</summary>
                    <UserQuotaForm userId={u.id} quota={u.quota} />
                  </details>
                  {u.id !== actor.id && (
                    <DeleteUserButton userId={u.id} email={u.email} environments={u.environments} />
                  )}
                </td>
              </tr>
            ))}
            {users.length === 0 && (
              <tr>
                <td colSpan={7} className="px-4 py-6 text-center text-slate-500">
                  No users match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager
        total={total}
        page={page}
        pageSize={pageSize}
        noun={["user", "users"]}
        params={{ q: filter.query, role: filter.role, status: filter.status }}
      />
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
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
