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
import { config } from "@/lib/config";

function ipFromHeaders(headers: Record<string, string | string[] | undefined> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const value = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return value?.split(",")[0]?.trim() || "unknown";
}

const providers: NextAuthOptions["providers"] = [
  CredentialsProvider({
    name: "Email and password",
    credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
    async authorize(credentials, req) {
      const parsed = ZSignInInput.safeParse(credentials ?? {});
      if (!parsed.success) throw new Error("Enter your email and password.");
      try {
        const user = await authenticate({ ...parsed.data, ip: ipFromHeaders(req?.headers) });
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          sessionVersion: user.sessionVersion,
        };
      } catch (error) {
        if (isAppError(error)) throw new Error(error.message);
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
    async signIn({ account, profile, user }) {
      if (account?.provider !== "github") return true;
      const githubId = String((profile as { id?: number | string } | undefined)?.id ?? account.providerAccountId);
      const email = (user.email ?? "").toLowerCase();
      if (!email) return "/login?error=GitHubEmail";
      let row = await db.user.findFirst({ where: { OR: [{ githubId }, { email }] } });
      if (!row) {
        try {
          const created = await createUser({
            email,
            name: user.name ?? email,
            password: null,
            githubId,
            selfService: true,
          });
          row = await db.user.findUnique({ where: { id: created.id } });
        } catch {
          return "/login?error=SignupDisabled";
        }
      } else if (!row.githubId) {
        row = await db.user.update({ where: { id: row.id }, data: { githubId } });
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
    async signOut({ token }) {
      if (token?.uid)
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
