import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DEFAULT_AFTER_SIGNIN, safeLocalPath } from "@/lib/auth/redirect";
import { getPasswordChangeUser, getSessionUser } from "@/lib/auth/session";
import { isSignupEnabled } from "@/lib/db/settings";
import { LoginForm } from "./login-form";
import { config } from "@/lib/config";

export const metadata: Metadata = { title: "Sign in" };

const errorMessages: Record<string, string> = {
  Suspended: "This account is suspended. Contact an administrator.",
  SignupDisabled: "Sign-up is switched off on this panel.",
  GitHubEmail: "Your GitHub account has no verified primary email address; verify one on GitHub first.",
  GitHubLinked: "This email's account is already linked to another GitHub account.",
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  if (await getSessionUser()) redirect("/environments");
  if (await getPasswordChangeUser()) redirect("/change-password");
  const params = await searchParams;
  const signup = await isSignupEnabled();
  const github = Boolean(config.GITHUB_ID && config.GITHUB_SECRET);
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      {params.ended && <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">Please sign in to continue.</p>}
      <LoginForm
        initialError={params.error ? (errorMessages[params.error] ?? null) : null}
        github={github}
        callbackUrl={safeCallback(params.callbackUrl)}
      />
      {signup && (
        <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">
          New here?{" "}
          <Link href="/register" className="text-brand-600 dark:text-brand-100 underline">
            Create an account
          </Link>
        </p>
      )}
    </>
  );
}

// Only same-origin paths (lib/auth/redirect): an open redirect after sign-in would be a phishing aid.
function safeCallback(value: string | undefined): string {
  return safeLocalPath(value) ?? DEFAULT_AFTER_SIGNIN;
}
