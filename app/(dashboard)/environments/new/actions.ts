"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { clientIp, requireUser } from "@/lib/auth/session";
import { isEnvironmentNameTaken } from "@/lib/db/environments";
import { toActionError, type ActionResult } from "@/lib/errors";
import { createEnvironment, previewPlacement } from "@/lib/services/environments";
import { ZCreateEnvironmentInput, ZDnsLabel } from "@/lib/validation/environments";
import { zodFieldErrors } from "@/lib/validation/errors";

export type PlacementPreview = {
  ok: boolean;
  message: string | null;
  placements: { layer: string; ordinal: number; node: string | null }[];
  rejections: { node: string; reasons: string[] }[];
};

const ZCreateRequest = z.object({ input: z.unknown(), idempotencyKey: z.string().uuid() });

/** The wizard's placement preview: the scheduler's explanation, nothing is written. */
export async function previewPlacementAction(raw: unknown): Promise<ActionResult<PlacementPreview>> {
  try {
    const actor = await requireUser();
    const request = ZCreateRequest.safeParse(raw);
    if (!request.success) return { ok: false, error: "Invalid request.", code: "VALIDATION" };
    const parsed = ZCreateEnvironmentInput.safeParse(request.data.input);
    if (!parsed.success)
      return {
        ok: false,
        error: "Check the highlighted fields.",
        code: "VALIDATION",
        fieldErrors: zodFieldErrors(parsed.error),
      };
    // Same seed as the submit: the preview shows where the containers will really land.
    const explained = await previewPlacement({
      actor,
      input: parsed.data,
      requestId: `${actor.id}:${request.data.idempotencyKey}`,
    });
    const names = new Map(explained.steps.flatMap((s) => s.nodes.map((n) => [n.nodeId, n.nodeName] as const)));
    const placements = explained.steps.map((s) => ({
      layer: s.layerId,
      ordinal: s.ordinal,
      node: s.nodeId ? (names.get(s.nodeId) ?? s.nodeId) : null,
    }));
    const result = explained.result;
    if (result.ok) return { ok: true, data: { ok: true, message: null, placements, rejections: [] } };
    return {
      ok: true,
      data: {
        ok: false,
        message: result.message,
        placements,
        rejections: result.rejections.map((r) => ({ node: r.nodeName, reasons: r.reasons })),
      },
    };
  } catch (error) {
    return toActionError(error);
  }
}

/** Name check as the user types: DNS-label rules, then unique among the caller's environments. */
export async function checkNameAction(
  raw: unknown,
): Promise<ActionResult<{ available: boolean; message: string | null }>> {
  try {
    const user = await requireUser();
    const parsed = ZDnsLabel.safeParse(raw);
    if (!parsed.success)
      return { ok: true, data: { available: false, message: parsed.error.issues[0]?.message ?? "Invalid name." } };
    const taken = await isEnvironmentNameTaken({ ownerId: user.id, name: parsed.data });
    return {
      ok: true,
      data: { available: !taken, message: taken ? `You already have an environment named "${parsed.data}".` : null },
    };
  } catch (error) {
    return toActionError(error);
  }
}

/** Creates the environment; the idempotency key (one per wizard session) makes a double submit harmless. */
export async function createEnvironmentAction(
  raw: unknown,
): Promise<ActionResult<{ environmentId: string; operationId: string }>> {
  try {
    const actor = await requireUser();
    const parsed = ZCreateRequest.safeParse(raw);
    if (!parsed.success) return { ok: false, error: "Invalid request.", code: "VALIDATION" };
    const created = await createEnvironment({
      actor,
      input: parsed.data.input,
      idempotencyKey: `${actor.id}:${parsed.data.idempotencyKey}`,
      ip: await clientIp(),
    });
    revalidatePath("/environments");
    return { ok: true, data: created };
  } catch (error) {
    return toActionError(error);
  }
}
