// First-start setup: the first admin and the default region. Safe to run on every start.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/hash";
import { checkPassword } from "@/lib/auth/password-policy";
import { recordAudit } from "./audit";
import { getDefaultQuota } from "@/lib/db/settings";

export type AdminBootstrap = { created: false } | { created: true; email: string; generatedPassword: string | null };

export async function ensureFirstAdmin(options: { email?: string; password?: string }): Promise<AdminBootstrap> {
  const existing = await db.user.findFirst({ where: { role: "ADMIN" }, select: { id: true } });
  if (existing) return { created: false };
  const email = (options.email ?? "admin@hostplane.local").trim().toLowerCase();
  let password = options.password;
  if (password) {
    const problem = checkPassword(password, { email });
    if (problem) throw new Error(`HOSTPLANE_ADMIN_PASSWORD is refused: ${problem}`);
  }
  const generated = !password;
  password ??= randomBytes(15).toString("base64url");
  const quota = await getDefaultQuota();
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const admin = await tx.user.upsert({
      where: { email },
      create: {
        email,
        name: "Administrator",
        role: "ADMIN",
        passwordHash,
        quota: { create: quota },
      },
      update: {
        role: "ADMIN",
        status: "ACTIVE",
        passwordHash,
        sessionVersion: { increment: 1 },
      },
    });
    await recordAudit(
      {
        actorId: admin.id,
        actorEmail: email,
        action: "bootstrap.admin.create",
        targetType: "user",
        targetId: admin.id,
      },
      tx,
    );
    return admin;
  });
  return { created: true, email, generatedPassword: generated ? password : null };
}

export async function ensureDefaultRegion() {
  const region = await db.region.findFirst({ where: { isDefault: true } });
  if (region) return region;
  const any = await db.region.findFirst({ orderBy: { createdAt: "asc" } });
  if (any) return db.region.update({ where: { id: any.id }, data: { isDefault: true } });
  return db.region.create({ data: { name: "default", isDefault: true } });
}
