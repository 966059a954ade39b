"use server";
import { revalidatePath } from "next/cache";
import { clientIp, requireAdmin } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import {
  createRegion,
  renameRegion,
  setDefaultRegion,
  setRegionStatus,
  setRegionSubnetPool,
} from "@/lib/services/regions";
import { zodFieldErrors } from "@/lib/validation/errors";
import {
  ZCreateRegionInput,
  ZRenameRegionInput,
  ZSetDefaultRegionInput,
  ZSetRegionStatusInput,
  ZSetRegionSubnetPoolInput,
} from "@/lib/validation/regions";

function revalidateRegions() {
  revalidatePath("/admin/regions");
  revalidatePath("/admin");
}

const invalid = (error: Parameters<typeof zodFieldErrors>[0]) => ({
  ok: false as const,
  error: "Check the highlighted fields.",
  code: "VALIDATION" as const,
  fieldErrors: zodFieldErrors(error),
});

export async function createRegionAction(_prev: unknown, formData: FormData): Promise<ActionResult<{ id: string }>> {
  try {
    const actor = await requireAdmin();
    const parsed = ZCreateRegionInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    const region = await createRegion({ actor, input: parsed.data, ip: await clientIp() });
    revalidateRegions();
    return { ok: true, data: { id: region.id } };
  } catch (error) {
    return toActionError(error);
  }
}

export async function renameRegionAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZRenameRegionInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await renameRegion({ actor, input: parsed.data, ip: await clientIp() });
    revalidateRegions();
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function setRegionSubnetPoolAction(_prev: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetRegionSubnetPoolInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return invalid(parsed.error);
    await setRegionSubnetPool({ actor, input: parsed.data, ip: await clientIp() });
    revalidateRegions();
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function setDefaultRegionAction(input: unknown): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetDefaultRegionInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    await setDefaultRegion({ actor, input: parsed.data, ip: await clientIp() });
    revalidateRegions();
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

export async function setRegionStatusAction(input: unknown): Promise<ActionResult> {
  try {
    const actor = await requireAdmin();
    const parsed = ZSetRegionStatusInput.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    await setRegionStatus({ actor, input: parsed.data, ip: await clientIp() });
    revalidateRegions();
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}
