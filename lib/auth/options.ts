// next-auth v4 configuration: email + password (Credentials) always, GitHub when configured.
// JWT sessions carry id, role and sessionVersion; lib/auth/session re-checks them against the
// database on every request, so suspending a user or changing a password ends sessions at once.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { ZSignInInput } from "@/lib/validation/auth";
import { authenticate, createUser } from "@/lib/services/users";
import { recordAudit } from "@/lib/services/audit";
import { clientIpFromHeaders, headerGetter } from "./client-ip";
import { decideGitHubLink, verifiedPrimaryEmail } from "./github";
import { safeRedirect } from "./redirect";
import { signInContext } from "./signin-context";
import { config } from "@/lib/config";

const providers: NextAuthOptions["providers"] = [
  CredentialsProvider({
    name: "Email and password",
    credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
    async authorize(credentials, req) {
      const parsed = ZSignInInput.safeParse(credentials ?? {});
      if (!parsed.success) throw new Error("Enter your email and password.");
      try {
        const user = await authenticate({ ...parsed.data, ip: clientIpFromHeaders(headerGetter(req?.headers)) });
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          sessionVersion: user.sessionVersion,
        };
      } catch (error) {
        if (isAppError(error)) {
          const outcome = signInContext.getStore();
          if (outcome && error.code === "THROTTLED") {
            outcome.retryAfterMs = (error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
            outcome.message = error.message;
          }
          throw new Error(error.message);
        }
        console.error("[hostplane] sign-in failed", error);
        throw new Error("Sign-in is unavailable right now; try again shortly.");
      }
    },
  }),
];

if (config.GITHUB_ID && config.GITHUB_SECRET) {
  providers.push(GitHubProvider({ clientId: config.GITHUB_ID, clientSecret: config.GITHUB_SECRET }));
}

export const authOptions: NextAuthOptions = {
  providers,
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  secret: config.NEXTAUTH_SECRET,
  callbacks: {
    // GitHub sign-in follows the same rules as email sign-up: an ACTIVE account, sign-up switch respected.
    // Accounts are matched by GitHub user id, or by GitHub's verified primary email (lib/auth/github).
    async signIn({ account, profile, user }) {
      if (account?.provider !== "github") return true;
      const githubId = String((profile as { id?: number | string } | undefined)?.id ?? account.providerAccountId);
      const byGithubId = await db.user.findUnique({ where: { githubId } });
      const verifiedEmail =
        byGithubId || !account.access_token ? null : await verifiedPrimaryEmail(account.access_token).catch(() => null);
      const byEmail = verifiedEmail ? await db.user.findUnique({ where: { email: verifiedEmail } }) : null;
      const decision = decideGitHubLink({ byGithubId, verifiedEmail, byEmail });
      let row = byGithubId;
      if (decision.kind === "refuse") return `/login?error=${decision.error}`;
      if (decision.kind === "link") {
        // Only links when the row still has no GitHub id (a concurrent link loses, and is refused).
        const linked = await db.user.updateMany({ where: { id: decision.userId, githubId: null }, data: { githubId } });
        if (linked.count !== 1) return "/login?error=GitHubLinked";
        row = await db.user.findUnique({ where: { id: decision.userId } });
        await recordAudit({
          actorId: decision.userId,
          actorEmail: verifiedEmail,
          action: "auth.github.link",
          targetType: "user",
          targetId: decision.userId,
          detail: { githubId },
        });
      } else if (decision.kind === "create") {
        try {
          const created = await createUser({
            email: decision.email,
            name: user.name ?? decision.email,
            password: null,
            githubId,
            selfService: true,
          });
          row = await db.user.findUnique({ where: { id: created.id } });
        } catch {
          return "/login?error=SignupDisabled";
        }
      }
      if (!row || row.status !== "ACTIVE") return "/login?error=Suspended";
      await recordAudit({
        actorId: row.id,
        actorEmail: row.email,
        action: "auth.signin",
        targetType: "user",
        targetId: row.id,
        detail: { provider: "github" },
      });
      Object.assign(user, { id: row.id, role: row.role, sessionVersion: row.sessionVersion });
      return true;
    },
    // Same-origin targets only, for callbackUrl after sign-in and sign-out alike.
    async redirect({ url, baseUrl }) {
      return safeRedirect(url, baseUrl);
    },
    async jwt({ token, user }) {
      if (user) {
        const u = user as { id: string; role?: string; sessionVersion?: number };
        token.uid = u.id;
        token.role = u.role;
        token.sv = u.sessionVersion;
      }
      return token;
    },
    async session({ session, token }) {
      Object.assign(session, { uid: token.uid, role: token.role, sv: token.sv });
      return session;
    },
  },
  events: {
    // Signing out ends the session server-side: bumping sessionVersion invalidates this JWT (and the
    // account's other sessions) on its next request, since every request re-checks it (resolve-session).
    async signOut({ token }) {
      if (!token?.uid) return;
      const bumped = await db.user.updateMany({
        where: { id: String(token.uid), sessionVersion: typeof token.sv === "number" ? token.sv : -1 },
        data: { sessionVersion: { increment: 1 } },
      });
      if (bumped.count === 1)
        await recordAudit({
          actorId: String(token.uid),
          actorEmail: token.email ?? null,
          action: "auth.signout",
          targetType: "user",
          targetId: String(token.uid),
        });
    },
  },
};
