"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { registerAction } from "./actions";

export function RegisterForm() {
  // Submitted by hand (useFormSubmit): a refusal keeps what was typed.
  const [state, submit, pending] = useFormSubmit(registerAction);
  const password = useRef<string>("");
  const router = useRouter();

  // Account created: sign straight in with the password just typed.
  useEffect(() => {
    if (state?.ok) {
      void signIn("credentials", { email: state.data.email, password: password.current, redirect: false }).then(() => {
        router.push("/environments");
        router.refresh();
      });
    }
  }, [state, router]);

  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form
      className="flex flex-col gap-4"
      noValidate
      onSubmit={(e) => {
        password.current = String(new FormData(e.currentTarget).get("password") ?? "");
        submit(e);
      }}
    >
      <FormMessage error={formError(state)} success={state?.ok ? "Account created. Signing you in…" : null} />
      <Field label="Name" name="name" autoComplete="name" required errors={fieldErrors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={fieldErrors?.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={fieldErrors?.password}
        hint="At least 8 characters; common passwords are refused."
      />
      <Button type="submit" pending={pending || state?.ok}>
        {pending ? "Creating…" : "Create account"}
      </Button>
    </form>
  );
}
