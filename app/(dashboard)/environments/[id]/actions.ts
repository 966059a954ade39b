"use server";
// Environment page mutations. Each: session inside the action, zod, then a service that checks
// ownership in its query (another user's id is NOT_FOUND), revalidate, typed result.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { clientIp, requireUser } from "@/lib/auth/session";
import { toActionError, type ActionResult } from "@/lib/errors";
import {
  deleteEnvironment,
  resizeLayer,
  restartTarget,
  retryOperation,
  scaleLayer,
  setEnvironmentRunning,
} from "@/lib/services/environment-ops";
import { ZLifecycleTarget, ZResizeLayerInput, ZScaleLayerInput } from "@/lib/validation/environments";
import { zodFieldErrors } from "@/lib/validation/errors";

type OpResult = ActionResult<{ operationId: string }>;
const ZId = z.string().min(1).max(64);
const ZSetRunning = z.object({ environmentId: ZId, running: z.boolean() });
const ZDelete = z.object({ environmentId: ZId, confirmName: z.string().max(100) });
const ZRetry = z.object({ environmentId: ZId, operationId: ZId });

function invalid(error: z.ZodError): Extract<ActionResult, { ok: false }> {
  return { ok: false, error: "Invalid request.", code: "VALIDATION", fieldErrors: zodFieldErrors(error) };
}

const refresh = (environmentId: string) => {
  revalidatePath(`/environments/${environmentId}`);
  revalidatePath("/environments");
};

export async function setRunningAction(raw: unknown): Promise<OpResult> {
  try {
    const actor = await requireUser();
    const parsed = ZSetRunning.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const data = await setEnvironmentRunning({
      actor,
      environmentId: parsed.data.environmentId,
      running: parsed.data.running,
      ip: await clientIp(),
    });
    refresh(parsed.data.environmentId);
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}

export async function restartAction(raw: unknown): Promise<OpResult> {
  try {
    const actor = await requireUser();
    const parsed = ZLifecycleTarget.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const data = await restartTarget({ actor, target: parsed.data, ip: await clientIp() });
    refresh(parsed.data.environmentId);
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}

export async function scaleLayerAction(raw: unknown): Promise<OpResult> {
  try {
    const actor = await requireUser();
    const parsed = ZScaleLayerInput.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const data = await scaleLayer({ actor, input: parsed.data, ip: await clientIp() });
    refresh(parsed.data.environmentId);
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}

export async function resizeLayerAction(raw: unknown): Promise<OpResult> {
  try {
    const actor = await requireUser();
    const parsed = ZResizeLayerInput.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const data = await resizeLayer({ actor, input: parsed.data, ip: await clientIp() });
    refresh(parsed.data.environmentId);
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}

export async function deleteEnvironmentAction(raw: unknown): Promise<OpResult> {
  try {
    const actor = await requireUser();
    const parsed = ZDelete.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const data = await deleteEnvironment({
      actor,
      environmentId: parsed.data.environmentId,
      confirmName: parsed.data.confirmName,
      ip: await clientIp(),
    });
    refresh(parsed.data.environmentId);
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}

export async function retryOperationAction(raw: unknown): Promise<OpResult> {
  try {
    const actor = await requireUser();
    const parsed = ZRetry.safeParse(raw);
    if (!parsed.success) return invalid(parsed.error);
    const data = await retryOperation({ actor, operationId: parsed.data.operationId, ip: await clientIp() });
    refresh(parsed.data.environmentId);
    return { ok: true, data };
  } catch (error) {
    return toActionError(error);
  }
}
