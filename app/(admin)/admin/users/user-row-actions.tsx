"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { resetPasswordAction, setUserRoleAction, setUserStatusAction } from "./actions";

/** Suspend, role and password reset: each asks first, in words that say what happens. */
export function UserRowActions({
  userId,
  email,
  status,
  role,
  self,
}: {
  userId: string;
  email: string;
  status: "ACTIVE" | "SUSPENDED";
  role: "ADMIN" | "DEVELOPER";
  self: boolean;
}) {
  const router = useRouter();
  const [temporary, setTemporary] = useState<{ password: string; expiresAt: string } | null>(null);
  if (self) return <span className="text-xs text-slate-500">you</span>;
  const suspend = status === "ACTIVE";
  const promote = role === "DEVELOPER";
  return (
    <div className="flex flex-wrap items-center gap-2">
      <ConfirmButton
        label={suspend ? "Suspend" : "Reactivate"}
        variant={suspend ? "danger" : "secondary"}
        confirmVariant={suspend ? "danger" : "primary"}
        title={suspend ? `Suspend ${email}?` : `Reactivate ${email}?`}
        description={
          suspend
            ? "Their open sessions end at once and they cannot sign in. Their environments keep running."
            : "They can sign in again with their password."
        }
        confirmLabel={suspend ? `Suspend ${email}` : `Reactivate ${email}`}
        onConfirm={() => setUserStatusAction({ userId, status: suspend ? "SUSPENDED" : "ACTIVE" })}
        onDone={() => router.refresh()}
      />
      <ConfirmButton
        label={promote ? "Make admin" : "Make developer"}
        confirmVariant={promote ? "danger" : "primary"}
        title={promote ? `Make ${email} an administrator?` : `Make ${email} a developer?`}
        description={
          promote
            ? "Administrators see every environment, manage hardware nodes and users, and read the audit log. Their current sessions end; they sign in again."
            : "They lose access to the admin console and see only their own environments. Their current sessions end."
        }
        confirmLabel={promote ? "Make administrator" : "Make developer"}
        onConfirm={() => setUserRoleAction({ userId, role: promote ? "ADMIN" : "DEVELOPER" })}
        onDone={() => router.refresh()}
      />
      <ConfirmButton
        label="Reset password"
        confirmVariant="danger"
        title={`Reset the password of ${email}?`}
        description="Their password stops working and their sessions end. You get a temporary password, shown once, that signs in once within 24 hours; they must choose a new password right after."
        confirmLabel="Reset password"
        onConfirm={async () => {
          const r = await resetPasswordAction({ userId });
          if (r.ok) setTemporary({ password: r.data.temporaryPassword, expiresAt: r.data.expiresAt });
          return r;
        }}
        onDone={() => router.refresh()}
      />
      <Dialog
        open={temporary !== null}
        onClose={() => setTemporary(null)}
        title={`Temporary password for ${email}`}
        description="Shown only now: copy it and hand it over privately. It signs in once, until the time below."
      >
        {temporary && (
          <div className="flex flex-col gap-3">
            <p
              className="select-all rounded-md bg-slate-100 px-3 py-2 text-center font-mono text-lg tracking-wide dark:bg-slate-800"
              data-testid="temporary-password"
            >
              {temporary.password}
            </p>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Valid until {new Date(temporary.expiresAt).toLocaleString()}.
            </p>
            <div className="flex justify-end">
              <Button type="button" onClick={() => setTemporary(null)}>
                Done
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}
