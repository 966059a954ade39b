"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { replaceTemporaryPasswordAction } from "./actions";

export function ReplaceTemporaryPasswordForm({ email }: { email: string }) {
  const [state, onSubmit, pending] = useFormSubmit(replaceTemporaryPasswordAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) {
      router.push("/environments");
      router.refresh();
    }
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <FormMessage error={formError(state)} success={state?.ok ? "Password set. Opening your environments…" : null} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
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
      <Button type="submit" pending={pending || state?.ok}>
        Set password and continue
      </Button>
    </form>
  );
}
