import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getPasswordChangeUser, getSessionUser } from "@/lib/auth/session";
import { ReplaceTemporaryPasswordForm } from "./replace-temporary-password-form";

export const metadata: Metadata = { title: "Set a new password" };
export const dynamic = "force-dynamic";

/** After signing in with an admin's temporary password: nothing else opens until a new password is set. */
export default async function ChangePasswordPage() {
  const user = await getPasswordChangeUser();
  if (!user) redirect((await getSessionUser()) ? "/account" : "/login");
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold" tabIndex={-1}>
        Set a new password
      </h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        An administrator reset the password of <span className="font-medium">{user.email}</span>. The temporary password
        worked once; choose your own to continue.
      </p>
      <ReplaceTemporaryPasswordForm email={user.email} />
    </>
  );
}
