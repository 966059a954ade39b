"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { clientIp, requireAdmin } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { deleteUser, setDefaultQuota, setSignupEnabled, setUserQuota } from "@/lib/services/quotas";
import { setUserRole, setUserStatus } from "@/lib/services/users";
import { zodFieldErrors } from "@/lib/validation/errors";
import { ZDeleteUserInput, ZQuotaLimits, ZSetSignupInput, ZSetUserQuotaInput } from "@/lib/validation/quotas";

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

function revalidateUsers() {
  revalidatePath("/admin/users");
  revalidatePath("/account");
}

const invalid = (error: Parameters<typeof zodFieldErrors>[0]) => ({
  ok: false as const,
  error: "Check the highlighted fields.",
  code: "VALIDATION" as const,
  fieldErrors: zodFieldErrors(error),
});

export async function setUserQuotaAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetUserQuotaInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await setUserQuota({ actor, input: parsed.data, ip: await clientIp() });
    revalidateUsers();
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function setDefaultQuotaAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZQuotaLimits.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await setDefaultQuota({ actor, input: parsed.data, ip: await clientIp() });
    revalidatePath("/admin/users");
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function setSignupEnabledAction(input: unknown): Promise<ActionResult<{ enabled: boolean }>> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetSignupInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const result = await setSignupEnabled({ actor, enabled: parsed.data.enabled, ip: await clientIp() });
    revalidatePath("/admin/users");
    return { ok: true, data: result };
  } catch (error) {
    return toActionError(error);
  }
}

export async function deleteUserAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZDeleteUserInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await deleteUser({ actor, ...parsed.data, ip: await clientIp() });
    revalidatePath("/admin/users");
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}
