"use server";
import { revalidatePath } from "next/cache";
import { clientIp, requireUser } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { addSshKey, removeSshKey } from "@/lib/services/ssh-keys";
import { changePassword } from "@/lib/services/users";
import { ZChangePasswordInput } from "@/lib/validation/auth";
import { zodFieldErrors } from "@/lib/validation/errors";
import { ZAddSshKeyInput, ZRemoveSshKeyInput } from "@/lib/validation/ssh-keys";

export async function changePasswordAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const user = await requireUser();
    const parsed = ZChangePasswordInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success)
      return {
        ok: false,
        error: "Check the highlighted fields.",
        code: "VALIDATION",
        fieldErrors: zodFieldErrors(parsed.error),
      };
    await changePassword({
      userId: user.id,
      currentPassword: parsed.data.currentPassword,
      newPassword: parsed.data.newPassword,
      ip: await clientIp(),
    });
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function addSshKeyAction(
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ fingerprint: string }>> {
  try {
    const actor = await requireUser();
    const parsed = ZAddSshKeyInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success)
      return {
        ok: false,
        error: "Check the highlighted fields.",
        code: "VALIDATION",
        fieldErrors: zodFieldErrors(parsed.error),
      };
    const added = await addSshKey({ actor, input: parsed.data, ip: await clientIp() });
    revalidatePath("/account");
    return { ok: true, data: { fingerprint: added.fingerprint } };
  } catch (error) {
    return toActionError(error);
  }
}

export async function removeSshKeyAction(raw: unknown): Promise<ActionResult> {
  try {
    const actor = await requireUser();
    const parsed = ZRemoveSshKeyInput.safeParse(raw);
    if (!parsed.success) return { ok: false, error: "Invalid request.", code: "VALIDATION" };
    await removeSshKey({ actor, input: parsed.data, ip: await clientIp() });
    revalidatePath("/account");
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}
