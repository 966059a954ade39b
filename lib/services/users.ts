// Accounts: creation with the password policy, sign-in checks with throttling, password changes.
import { db, Db } from "@/lib/db/client";
import { isNotFound, isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { burnVerifyTime, hashPassword, verifyPassword } from "@/lib/auth/hash";
import { checkPassword } from "@/lib/auth/password-policy";
import { UNKNOWN_IP } from "@/lib/auth/client-ip";
import {
  ATTEMPT_MEMORY_MS,
  backoffDelayMs,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  decideThrottle,
  FREE_ATTEMPTS,
  throttleMessage,
  THROTTLE_IP_LIMIT,
  THROTTLE_WINDOW_MS,
  type ThrottleDecision,
} from "@/lib/auth/throttle";
import { newTemporaryPassword, TEMPORARY_PASSWORD_TTL_MS } from "@/lib/auth/temporary-password";
import { recordAudit } from "./audit";
import { getDefaultQuota, isSignupEnabled } from "@/lib/db/settings";

export type SessionUserRow = {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "DEVELOPER";
  sessionVersion: number;
};

export async function createUser(options: {
  email: string;
  name: string;
  password: string | null;
  role?: "ADMIN" | "DEVELOPER";
  githubId?: string;
  ip?: string | null;
  selfService?: boolean;
}) {
  if (options.selfService && !(await isSignupEnabled())) {
    throw new AppError("FORBIDDEN", "Sign-up is switched off on this panel. Ask an administrator for an account.");
  }
  if (options.password !== null) {
    const problem = checkPassword(options.password, { email: options.email, name: options.name });
    if (problem) throw new AppError("VALIDATION", problem, { fieldErrors: { password: [problem] } });
  }
  const existing = await db.user.findUnique({ where: { email: options.email }, select: { id: true } });
  if (existing) {
    throw new AppError("CONFLICT", "An account with this email already exists.", {
      fieldErrors: { email: ["An account with this email already exists."] },
    });
  }
  const quota = await getDefaultQuota();
  const passwordHash = options.password === null ? null : await hashPassword(options.password);
  try {
    const user = await db.user.create({
      data: {
        email: options.email,
        name: options.name,
        passwordHash,
        role: options.role ?? "DEVELOPER",
        githubId: options.githubId,
        quota: { create: quota },
      },
      select: { id: true, email: true, name: true, role: true, sessionVersion: true },
    });
    await recordAudit({
      actorId: user.id,
      actorEmail: user.email,
      action: "user.signup",
      targetType: "user",
      targetId: user.id,
      ip: options.ip,
    });
    return user;
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides.
    if (isUniqueViolation(error)) {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        fieldErrors: { email: ["An account with this email already exists."] },
      });
    }
    throw error;
  }
}

type ThrottleRow = { attempts: number; windowStart: Date; lastAttemptAt: Date; now: Date };
const UTC_NOW = Db.Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * Reserves one sign-in attempt for (email, ip) before the password is looked at. Each counter is one
 * conditional upsert (INSERT … ON CONFLICT DO UPDATE … WHERE allowed): PostgreSQL locks the row and
 * re-checks the condition against its latest version, so a parallel burst gets at most the allowed
 * number of reservations and no connection is held between statements. The (account, address) counter
 * is taken first and the address's only when that allowed the attempt; a refused address leaves the
 * pair's slot spent (the caller's own budget). A successful sign-in gives the address its slot back and
 * clears the pair, so both effectively count failures (and attempts in flight).
 */
async function reserveAttempt(email: string, ip: string): Promise<ThrottleDecision> {
  const pairKey = `acct:${email}|${ip}`;
  const memorySeconds = ATTEMPT_MEMORY_MS / 1000;
  const pairTaken = await db.$queryRaw<{ attempts: number }[]>`
    INSERT INTO "LoginThrottle" AS t ("key", "email", "attempts", "windowStart", "lastAttemptAt")
    VALUES (${pairKey}, ${email}, 1, ${UTC_NOW}, ${UTC_NOW})
    ON CONFLICT ("key") DO UPDATE SET
      "attempts" = CASE WHEN t."lastAttemptAt" <= ${UTC_NOW} - make_interval(secs => ${memorySeconds}::float8)
                        THEN 1 ELSE t."attempts" + 1 END,
      "lastAttemptAt" = ${UTC_NOW}
    WHERE t."lastAttemptAt" <= ${UTC_NOW} - make_interval(secs => ${memorySeconds}::float8)
       OR t."attempts" < ${FREE_ATTEMPTS}
       OR ${UTC_NOW} >= t."lastAttemptAt" + make_interval(secs => LEAST(${BACKOFF_MAX_MS / 1000}::float8,
            ${BACKOFF_BASE_MS / 1000}::float8 * power(2, LEAST(20, t."attempts" - ${FREE_ATTEMPTS}))))
    RETURNING "attempts"`.then((rows) => rows.length > 0);
  if (!pairTaken) {
    const row = await readThrottle(pairKey);
    const wait = row.lastAttemptAt.getTime() + backoffDelayMs(row.attempts) - row.now.getTime();
    return { allowed: false, retryAfterMs: Math.max(1, wait) };
  }
  if (ip === UNKNOWN_IP) return { allowed: true };
  const ipKey = `ip:${ip}`;
  const windowSeconds = THROTTLE_WINDOW_MS / 1000;
  const ipTaken = await db.$queryRaw<{ attempts: number }[]>`
    INSERT INTO "LoginThrottle" AS t ("key", "email", "attempts", "windowStart", "lastAttemptAt")
    VALUES (${ipKey}, NULL, 1, ${UTC_NOW}, ${UTC_NOW})
    ON CONFLICT ("key") DO UPDATE SET
      "attempts" = CASE WHEN t."windowStart" <= ${UTC_NOW} - make_interval(secs => ${windowSeconds}::float8)
                        THEN 1 ELSE t."attempts" + 1 END,
      "windowStart" = CASE WHEN t."windowStart" <= ${UTC_NOW} - make_interval(secs => ${windowSeconds}::float8)
                           THEN ${UTC_NOW} ELSE t."windowStart" END,
      "lastAttemptAt" = ${UTC_NOW}
    WHERE t."windowStart" <= ${UTC_NOW} - make_interval(secs => ${windowSeconds}::float8)
       OR t."attempts" < ${THROTTLE_IP_LIMIT}
    RETURNING "attempts"`.then((rows) => rows.length > 0);
  if (ipTaken) return { allowed: true };
  const row = await readThrottle(ipKey);
  return decideThrottle({
    failures: Array.from({ length: row.attempts }, () => row.windowStart),
    now: row.now,
    limit: THROTTLE_IP_LIMIT,
  });
}

async function readThrottle(key: string): Promise<ThrottleRow> {
  const rows = await db.$queryRaw<ThrottleRow[]>`
    SELECT "attempts", "windowStart", "lastAttemptAt", ${UTC_NOW} AS "now" FROM "LoginThrottle" WHERE "key" = ${key}`;
  return rows[0];
}

/** Checks email + password; throws AppError with a message fit for the sign-in form. */
export async function authenticate(options: { email: string; password: string; ip: string }): Promise<SessionUserRow> {
  const { email, password, ip } = options;
  const decision = await reserveAttempt(email, ip);
  if (!decision.allowed) {
    await recordAudit({
      actorEmail: email,
      action: "auth.signin.throttled",
      targetType: "user",
      result: "FAILURE",
      ip,
    });
    throw new AppError("THROTTLED", throttleMessage(decision.retryAfterMs), {
      details: { retryAfterMs: decision.retryAfterMs },
    });
  }
  const user = await db.user.findUnique({ where: { email } });
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await burnVerifyTime(password), false);
  if (!user || !ok) {
    // The reserved attempt stays recorded as a failure.
    await recordAudit({
      actorId: user?.id,
      actorEmail: email,
      action: "auth.signin",
      targetType: "user",
      targetId: user?.id,
      result: "FAILURE",
      ip,
      detail: { reason: "bad credentials" },
    });
    throw new AppError("UNAUTHENTICATED", "Wrong email or password.");
  }
  if (user.status !== "ACTIVE") {
    await recordAudit({
      actorId: user.id,
      actorEmail: email,
      action: "auth.signin",
      targetType: "user",
      targetId: user.id,
      result: "FAILURE",
      ip,
      detail: { reason: "suspended" },
    });
    throw new AppError("FORBIDDEN", "This account is suspended. Contact an administrator.");
  }
  if (user.mustChangePassword) {
    // A temporary password (admin reset) signs in once, before it expires: consumed atomically here.
    const consumed = await db.user.updateMany({
      where: { id: user.id, mustChangePassword: true, temporaryPasswordExpiresAt: { gt: new Date() } },
      data: { temporaryPasswordExpiresAt: null, lastSignInAt: new Date() },
    });
    if (consumed.count !== 1) {
      await recordAudit({
        actorId: user.id,
        actorEmail: email,
        action: "auth.signin",
        targetType: "user",
        targetId: user.id,
        result: "FAILURE",
        ip,
        detail: { reason: "temporary password used or expired" },
      });
      throw new AppError(
        "UNAUTHENTICATED",
        "This temporary password was already used or has expired. Ask an administrator for a new one.",
      );
    }
  } else {
    await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  }
  // Success from this address clears this address's attempts for the account (and only those).
  await db.loginThrottle.deleteMany({ where: { key: `acct:${email}|${ip}` } });
  await db.$executeRaw`UPDATE "LoginThrottle" SET "attempts" = GREATEST("attempts" - 1, 0) WHERE "key" = ${`ip:${ip}`}`;
  await recordAudit({
    actorId: user.id,
    actorEmail: email,
    action: "auth.signin",
    targetType: "user",
    targetId: user.id,
    ip,
    detail: user.mustChangePassword ? { temporaryPassword: true } : {},
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}

/**
 * An admin's reset: a temporary password, shown once to the admin and stored only as a hash, that signs
 * in once within 24 h; that session can only set a new password. Every open session of the user ends.
 */
export async function resetPassword(options: {
  actor: { id: string; email: string };
  userId: string;
  ip?: string | null;
}): Promise<{ email: string; temporaryPassword: string; expiresAt: Date }> {
  if (options.actor.id === options.userId)
    throw new AppError("CONFLICT", "Change your own password on your account page.");
  const temporaryPassword = newTemporaryPassword();
  const expiresAt = new Date(Date.now() + TEMPORARY_PASSWORD_TTL_MS);
  const passwordHash = await hashPassword(temporaryPassword);
  const user = await db.$transaction(async (tx) => {
    const updated = await tx.user
      .update({
        where: { id: options.userId },
        data: {
          passwordHash,
          mustChangePassword: true,
          temporaryPasswordExpiresAt: expiresAt,
          sessionVersion: { increment: 1 },
          version: { increment: 1 },
        },
        select: { id: true, email: true },
      })
      .catch((error: unknown) => {
        if (isNotFound(error)) throw new AppError("NOT_FOUND", "User not found.");
        throw error;
      });
    await recordAudit(
      {
        actorId: options.actor.id,
        actorEmail: options.actor.email,
        action: "user.password.reset",
        targetType: "user",
        targetId: updated.id,
        ip: options.ip,
        detail: { email: updated.email, expiresAt: expiresAt.toISOString() },
      },
      tx,
    );
    return updated;
  });
  // Sign-in throttling of the account starts over: the temporary password is a fresh credential.
  await db.loginThrottle.deleteMany({ where: { email: user.email, key: { startsWith: "acct:" } } });
  return { email: user.email, temporaryPassword, expiresAt };
}

/**
 * The one thing a temporary-password session may do: set a new password (the policy applies). The
 * session stays signed in: the reset already ended every other one, and the temporary password signs
 * in only once, so no other session carries this sessionVersion.
 */
export async function replaceTemporaryPassword(options: { userId: string; newPassword: string; ip?: string | null }) {
  const user = await db.user.findUnique({ where: { id: options.userId } });
  if (!user) throw new AppError("NOT_FOUND", "Account not found.");
  if (!user.mustChangePassword)
    throw new AppError("CONFLICT", "Your password is not temporary; change it on your account page.");
  const problem = checkPassword(options.newPassword, { email: user.email, name: user.name });
  if (problem) throw new AppError("VALIDATION", problem, { fieldErrors: { newPassword: [problem] } });
  const changed = await db.user.updateMany({
    where: { id: user.id, version: user.version, mustChangePassword: true },
    data: {
      passwordHash: await hashPassword(options.newPassword),
      mustChangePassword: false,
      temporaryPasswordExpiresAt: null,
      version: { increment: 1 },
    },
  });
  if (changed.count !== 1) throw new AppError("CONFLICT", "Your account changed meanwhile; sign in again.");
  await recordAudit({
    actorId: user.id,
    actorEmail: user.email,
    action: "user.password.replace-temporary",
    targetType: "user",
    targetId: user.id,
    ip: options.ip,
  });
}

/** Changing a password bumps sessionVersion, which ends every other session of the user at once. */
export async function changePassword(options: {
  userId: string;
  currentPassword: string;
  newPassword: string;
  ip?: string | null;
}) {
  const user = await db.user.findUnique({ where: { id: options.userId } });
  if (!user) throw new AppError("NOT_FOUND", "Account not found.");
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, options.currentPassword))) {
    throw new AppError("VALIDATION", "The current password is wrong.", {
      fieldErrors: { currentPassword: ["The current password is wrong."] },
    });
  }
  const problem = checkPassword(options.newPassword, { email: user.email, name: user.name });
  if (problem) throw new AppError("VALIDATION", problem, { fieldErrors: { newPassword: [problem] } });
  const updated = await db.user.update({
    where: { id: user.id },
    data: {
      passwordHash: await hashPassword(options.newPassword),
      sessionVersion: { increment: 1 },
      version: { increment: 1 },
    },
    select: { sessionVersion: true },
  });
  await recordAudit({
    actorId: user.id,
    actorEmail: user.email,
    action: "user.password.change",
    targetType: "user",
    targetId: user.id,
    ip: options.ip,
  });
  return updated;
}

/** Suspending or reactivating bumps sessionVersion so open sessions end on their next request. */
export async function setUserStatus(options: {
  actor: { id: string; email: string };
  userId: string;
  status: "ACTIVE" | "SUSPENDED";
  ip?: string | null;
}) {
  if (options.actor.id === options.userId) throw new AppError("CONFLICT", "You cannot change your own status.");
  const user = await db.user.update({
    where: { id: options.userId },
    data: { status: options.status, sessionVersion: { increment: 1 }, version: { increment: 1 } },
    select: { id: true, email: true, status: true },
  });
  await recordAudit({
    actorId: options.actor.id,
    actorEmail: options.actor.email,
    action: `user.${options.status === "SUSPENDED" ? "suspend" : "reactivate"}`,
    targetType: "user",
    targetId: user.id,
    ip: options.ip,
    detail: { email: user.email },
  });
  return user;
}

export async function setUserRole(options: {
  actor: { id: string; email: string };
  userId: string;
  role: "ADMIN" | "DEVELOPER";
  ip?: string | null;
}) {
  if (options.actor.id === options.userId) throw new AppError("CONFLICT", "You cannot change your own role.");
  const user = await db.user.update({
    where: { id: options.userId },
    data: { role: options.role, sessionVersion: { increment: 1 }, version: { increment: 1 } },
    select: { id: true, email: true, role: true },
  });
  await recordAudit({
    actorId: options.actor.id,
    actorEmail: options.actor.email,
    action: "user.role.change",
    targetType: "user",
    targetId: user.id,
    ip: options.ip,
    detail: { role: options.role, email: user.email },
  });
  return user;
}
