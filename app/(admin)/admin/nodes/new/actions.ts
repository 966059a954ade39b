"use server";
import { revalidatePath } from "next/cache";
import { clientIp, requireAdmin } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { enrolNode, testNodeConnection, type HostKeyInfo, type NodeFacts } from "@/lib/services/nodes";
import { zodFieldErrors } from "@/lib/validation/errors";
import { ZEnrolNodeInput, ZNodeConnectionInput } from "@/lib/validation/nodes";

const invalid = "Check the highlighted fields.";

export async function testNodeConnectionAction(
  formData: FormData,
): Promise<ActionResult<{ hostKey: HostKeyInfo | null; facts: NodeFacts }>> {
  try {
    const actor = await requireAdmin();
    const parsed = ZNodeConnectionInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success)
      return { ok: false, error: invalid, code: "VALIDATION", fieldErrors: zodFieldErrors(parsed.error) };
    const data = await testNodeConnection({ actor, input: parsed.data, ip: await clientIp() });
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}

export async function enrolNodeAction(
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ id: string; name: string }>> {
  try {
    const actor = await requireAdmin();
    const parsed = ZEnrolNodeInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success)
      return { ok: false, error: invalid, code: "VALIDATION", fieldErrors: zodFieldErrors(parsed.error) };
    const node = await enrolNode({ actor, input: parsed.data, ip: await clientIp() });
    revalidatePath("/admin");
    revalidatePath("/admin/nodes");
    return { ok: true, data: { id: node.id, name: node.name } };
  } catch (error) {
    return toActionError(error);
  }
}
