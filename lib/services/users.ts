// Accounts: creation with the password policy, sign-in checks with throttling, password changes.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { burnVerifyTime, hashPassword, verifyPassword } from "@/lib/auth/hash";
import { checkPassword } from "@/lib/auth/password-policy";
import { UNKNOWN_IP } from "@/lib/auth/client-ip";
import {
  ATTEMPT_MEMORY_MS,
  combine,
  decideBackoff,
  decideThrottle,
  throttleMessage,
  THROTTLE_IP_LIMIT,
  THROTTLE_WINDOW_MS,
  type ThrottleDecision,
} from "@/lib/auth/throttle";
import { recordAudit } from "./audit";
import { getDefaultQuota, isSignupEnabled } from "./settings";

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
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        fieldErrors: { email: ["An account with this email already exists."] },
      });
    }
    throw error;
  }
}

/**
 * Reserves one sign-in attempt for (email, ip) before the password is looked at: under a transaction-
 * scoped advisory lock per (account, address) and per address, it counts the recent attempts, decides
 * (lib/auth/throttle) and records the attempt in the same transaction. A parallel burst therefore gets at
 * most the allowed number of reservations; the rest are throttled without touching the password hash.
 */
async function reserveAttempt(email: string, ip: string): Promise<ThrottleDecision> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(1, hashtext(${`${email}|${ip}`}))`;
    const trackIp = ip !== UNKNOWN_IP;
    if (trackIp) await tx.$executeRaw`SELECT pg_advisory_xact_lock(2, hashtext(${ip}))`;
    const now = new Date();
    const [pair, byIp] = await Promise.all([
      tx.loginAttempt.findMany({
        where: { email, ip, createdAt: { gt: new Date(now.getTime() - ATTEMPT_MEMORY_MS) } },
        select: { createdAt: true },
      }),
      trackIp
        ? tx.loginAttempt.findMany({
            where: { ip, createdAt: { gt: new Date(now.getTime() - THROTTLE_WINDOW_MS) } },
            select: { createdAt: true },
          })
        : Promise.resolve([]),
    ]);
    const decision = combine(
      decideBackoff({ attempts: pair.map((r) => r.createdAt), now }),
      decideThrottle({ failures: byIp.map((r) => r.createdAt), now, limit: THROTTLE_IP_LIMIT }),
    );
    if (decision.allowed) await tx.loginAttempt.create({ data: { email, ip, createdAt: now } });
    return decision;
  });
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
  // Success from this address clears this address's attempts for the account (and only those).
  await db.loginAttempt.deleteMany({ where: { email, ip } });
  await recordAudit({
    actorId: user.id,
    actorEmail: email,
    action: "auth.signin",
    targetType: "user",
    targetId: user.id,
    ip,
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
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
