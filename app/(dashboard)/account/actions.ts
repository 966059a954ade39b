"use server";
import { clientIp, requireUser } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { changePassword } from "@/lib/services/users";
import { ZChangePasswordInput } from "@/lib/validation/auth";
import { zodFieldErrors } from "@/lib/validation/errors";

export async function changePasswordAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const user = await requireUser();
    const parsed = ZChangePasswordInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { ok: false, error: "Check the highlighted fields.", code: "VALIDATION", fieldErrors: zodFieldErrors(parsed.error) };
    await changePassword({ userId: user.id, currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, ip: await clientIp() });
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}
