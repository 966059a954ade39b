"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm() {
  const [state, onSubmit, pending] = useFormSubmit(changePasswordAction);
  const router = useRouter();
  // A password change ends every session, this one included: go to sign-in with the new password.
  useEffect(() => {
    if (state?.ok) {
      const t = setTimeout(() => router.push("/login?ended=1"), 1200);
      return () => clearTimeout(t);
    }
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} className="flex max-w-sm flex-col gap-4" noValidate>
      <FormMessage
        error={formError(state)}
        success={state?.ok ? "Password changed. Every session has ended; sign in again." : null}
      />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        errors={errors?.currentPassword}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        errors={errors?.newPassword}
        hint="At least 8 characters; common passwords are refused."
      />
      <Field
        label="Repeat new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        errors={errors?.confirmPassword}
      />
      <Button type="submit" pending={pending}>
        Change password
      </Button>
    </form>
  );
}
