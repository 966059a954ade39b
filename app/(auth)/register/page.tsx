import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { isSignupEnabled } from "@/lib/db/settings";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage() {
  if (await getSessionUser()) redirect("/environments");
  const enabled = await isSignupEnabled();
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Create an account</h1>
      {enabled ? (
        <RegisterForm />
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Sign-up is switched off on this panel. Ask an administrator for an account.
        </p>
      )}
      <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">
        Already have an account?{" "}
        <Link href="/login" className="text-brand-600 dark:text-brand-100 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
