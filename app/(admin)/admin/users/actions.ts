"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { clientIp, requireAdmin } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { setUserRole, setUserStatus } from "@/lib/services/users";

const ZSetStatus = z.object({ userId: z.string().min(1).max(64), status: z.enum(["ACTIVE", "SUSPENDED"]) });
const ZSetRole = z.object({ userId: z.string().min(1).max(64), role: z.enum(["ADMIN", "DEVELOPER"]) });

export async function setUserStatusAction(input: unknown): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetStatus.safeParse(input);
    if (!parsed.success) return { ok: false, error: "Invalid request.", code: "VALIDATION" };
    await setUserStatus({ actor, ...parsed.data, ip: await clientIp() });
    revalidatePath("/admin/users");
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function setUserRoleAction(input: unknown): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetRole.safeParse(input);
    if (!parsed.success) return { ok: false, error: "Invalid request.", code: "VALIDATION" };
    await setUserRole({ actor, ...parsed.data, ip: await clientIp() });
    revalidatePath("/admin/users");
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}
