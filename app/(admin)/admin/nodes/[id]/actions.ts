"use server";
import { revalidatePath } from "next/cache";
import { clientIp, requireAdmin } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import { evacuateNode, planNodeEvacuation } from "@/lib/services/evacuation";
import { decommissionNode, refreshNodeFacts, setNodeStatus, updateNode } from "@/lib/services/nodes";
import { zodFieldErrors } from "@/lib/validation/errors";
import { ZDecommissionNodeInput, ZNodeIdInput, ZSetNodeStatusInput, ZUpdateNodeInput } from "@/lib/validation/nodes";

const invalid = (error: Parameters<typeof zodFieldErrors>[0]) => ({
  ok: false as const,
  error: "Check the highlighted fields.",
  code: "VALIDATION" as const,
  fieldErrors: zodFieldErrors(error),
});

function revalidateNode(nodeId: string) {
  revalidatePath(`/admin/nodes/${nodeId}`);
  revalidatePath("/admin/nodes");
  revalidatePath("/admin");
}

export async function setNodeStatusAction(input: unknown): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetNodeStatusInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    await setNodeStatus({ actor, ...parsed.data, ip: await clientIp() });
    revalidateNode(parsed.data.nodeId);
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function refreshNodeFactsAction(input: unknown): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZNodeIdInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    await refreshNodeFacts({ actor, nodeId: parsed.data.nodeId, ip: await clientIp() });
    revalidateNode(parsed.data.nodeId);
    return { ok: true, data: undefined };
  } catch (error) {
    revalidatePath("/admin/nodes/[id]", "page");
    return toActionError(error);
  }
}

export async function decommissionNodeAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZDecommissionNodeInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await decommissionNode({ actor, ...parsed.data, ip: await clientIp() });
    revalidatePath("/admin/nodes");
    revalidatePath("/admin");
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function updateNodeAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZUpdateNodeInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await updateNode({ actor, input: parsed.data, ip: await clientIp() });
    revalidateNode(parsed.data.nodeId);
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function planEvacuationAction(
  input: unknown,
): Promise<ActionResult<Awaited<ReturnType<typeof planNodeEvacuation>>>> {
  try {
    const actor = await requireAdmin();
    const parsed = ZNodeIdInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    return { ok: true, data: await planNodeEvacuation({ actor, nodeId: parsed.data.nodeId }) };
  } catch (error) {
    return toActionError(error);
  }
}

export async function evacuateNodeAction(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  try {
    const actor = await requireAdmin();
    const parsed = ZNodeIdInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const result = await evacuateNode({ actor, nodeId: parsed.data.nodeId, ip: await clientIp() });
    revalidateNode(parsed.data.nodeId);
    return { ok: true, data: result };
  } catch (error) {
    return toActionError(error);
  }
}
