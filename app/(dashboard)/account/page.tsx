import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { listSshKeys } from "@/lib/db/ssh-keys";
import { getAccountSummary } from "@/lib/db/users";
import { ChangePasswordForm } from "./change-password-form";
import { SshKeys } from "./ssh-keys";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requirePageUser();
  const [account, keys] = await Promise.all([getAccountSummary(user.id), listSshKeys(user.id)]);
  return (
    <>
      <PageHeader title="Account" description="Your profile, password, SSH keys and resource quota." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Profile">
          <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            <dt className="text-slate-500">Name</dt>
            <dd>{user.name}</dd>
            <dt className="text-slate-500">Email</dt>
            <dd>{user.email}</dd>
            <dt className="text-slate-500">Role</dt>
            <dd>{user.role === "ADMIN" ? "Administrator" : "Developer"}</dd>
            <dt className="text-slate-500">Member since</dt>
            <dd>{account?.createdAt.toISOString().slice(0, 10)}</dd>
          </dl>
        </Card>
        <Card title="Quota">
          {account?.quota ? (
            <dl className="grid grid-cols-[1fr_auto] gap-y-2 text-sm">
              <dt className="text-slate-500">Environments</dt>
              <dd>
                {account.environments} / {account.quota.maxEnvironments}
              </dd>
              <dt className="text-slate-500">Reserved cloudlets</dt>
              <dd>
                {account.reservedCloudlets} / {account.quota.maxReservedCloudlets}
              </dd>
              <dt className="text-slate-500">Disk</dt>
              <dd>
                {account.diskGib} / {account.quota.maxDiskGib} GiB
              </dd>
              <dt className="text-slate-500">Cloudlets per container</dt>
              <dd>≤ {account.quota.maxCloudletsPerContainer}</dd>
              <dt className="text-slate-500">Containers per layer</dt>
              <dd>≤ {account.quota.maxContainersPerLayer}</dd>
            </dl>
          ) : (
            <p className="text-sm text-slate-500">No quota set.</p>
          )}
        </Card>
        <Card title="Change password">
          <ChangePasswordForm />
        </Card>
        <Card title="SSH public keys">
          <SshKeys keys={keys} />
        </Card>
      </div>
    </>
  );
}
