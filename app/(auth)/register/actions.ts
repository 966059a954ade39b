"use server";
import { clientIp } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { createUser } from "@/lib/services/users";
import { zodFieldErrors } from "@/lib/validation/errors";
import { ZRegisterInput } from "@/lib/validation/auth";

export async function registerAction(_prev: unknown, formData: FormData): Promise<ActionResult<{ email: string }>> {
  const parsed = ZRegisterInput.safeParse(Object.fromEntries(formData));
  if (!parsed.success)
    return {
      ok: false,
      error: "Check the highlighted fields.",
      code: "VALIDATION",
      fieldErrors: zodFieldErrors(parsed.error),
    };
  try {
    const user = await createUser({ ...parsed.data, selfService: true, ip: await clientIp() });
    return { ok: true, data: { email: user.email } };
  } catch (error) {
    return toActionError(error);
  }
}
