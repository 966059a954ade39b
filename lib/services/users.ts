// Accounts: creation with the password policy, sign-in checks with throttling, password changes.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { burnVerifyTime, hashPassword, verifyPassword } from "@/lib/auth/hash";
import { checkPassword } from "@/lib/auth/password-policy";
import { decideThrottle, throttleMessage, THROTTLE_IP_LIMIT, THROTTLE_WINDOW_MS } from "@/lib/auth/throttle";
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
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        fieldErrors: { email: ["An account with this email already exists."] },
      });
    }
    throw error;
  }
}

async function throttleFor(email: string, ip: string) {
  const since = new Date(Date.now() - THROTTLE_WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    db.loginAttempt.findMany({ where: { email, createdAt: { gt: since } }, select: { createdAt: true } }),
    db.loginAttempt.findMany({ where: { ip, createdAt: { gt: since } }, select: { createdAt: true } }),
  ]);
  const now = new Date();
  const a = decideThrottle({ failures: byEmail.map((r) => r.createdAt), now });
  const b = decideThrottle({ failures: byIp.map((r) => r.createdAt), now, limit: THROTTLE_IP_LIMIT });
  if (!a.allowed || !b.allowed) {
    return Math.max(a.allowed ? 0 : a.retryAfterMs, b.allowed ? 0 : b.retryAfterMs);
  }
  return 0;
}

/** Checks email + password; throws AppError with a message fit for the sign-in form. */
export async function authenticate(options: { email: string; password: string; ip: string }): Promise<SessionUserRow> {
  const { email, password, ip } = options;
  const retryAfterMs = await throttleFor(email, ip);
  if (retryAfterMs > 0) {
    await recordAudit({
      actorEmail: email,
      action: "auth.signin.throttled",
      targetType: "user",
      result: "FAILURE",
      ip,
    });
    throw new AppError("THROTTLED", throttleMessage(retryAfterMs));
  }
  const user = await db.user.findUnique({ where: { email } });
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await burnVerifyTime(password), false);
  if (!user || !ok) {
    await db.loginAttempt.create({ data: { email, ip } });
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
  await db.loginAttempt.deleteMany({ where: { email } });
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
