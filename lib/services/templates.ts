// Admins' actions on a node's stack templates: rebuild and delete. Each records a PENDING TEMPLATE
// operation that the worker's template queue runs (lib/worker/template-builds.ts), with its phases
// as steps on the admin node page.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getStack } from "@/lib/stacks/catalog";
import { recipeHash } from "@/lib/stacks/recipes";
import { operationRow } from "@/lib/validation/operations";
import type { NodeTemplateInput } from "@/lib/validation/nodes";
import { audited, type AdminActor } from "./regions";

export async function requestTemplateAction(o: {
  actor: AdminActor;
  input: NodeTemplateInput;
  action: "rebuild" | "delete";
  ip?: string | null;
}): Promise<{ operationId: string }> {
  const { nodeId, stackId } = o.input;
  return audited(
    {
      actor: o.actor,
      ip: o.ip,
      action: o.action === "rebuild" ? "node.template.rebuild" : "node.template.delete",
      targetType: "node",
      targetId: nodeId,
    },
    async (ctx) => {
      const node = await db.hardwareNode.findUnique({ where: { id: nodeId }, select: { name: true, engine: true } });
      if (!node) throw new AppError("NOT_FOUND", "Hardware node not found.");
      const stack = getStack(stackId);
      ctx.detail = { node: node.name, stackId };
      if (node.engine !== "LXC" || !stack?.debianTemplate)
        throw new AppError("VALIDATION", `${node.name} keeps no ${stack?.displayName ?? stackId} template.`);
      // Clones use the template's files as their lower layer: removing it under them would break them.
      const inUse = await db.container.count({
        where: { hardwareNodeId: nodeId, desiredState: { not: "DELETED" }, layer: { stack: stackId } },
      });
      if (inUse > 0)
        throw new AppError(
          "CONFLICT",
          `${inUse} ${stack.displayName} container${inUse === 1 ? " is" : "s are"} built on this template on ${node.name}; ` +
            `move or delete ${inUse === 1 ? "it" : "them"} first.`,
        );
      return db.$transaction(async (tx) => {
        // One open template operation per node and stack: serialise on the node row.
        await tx.$queryRaw`SELECT id FROM "HardwareNode" WHERE id = ${nodeId} FOR UPDATE`;
        const open = await tx.operation.findFirst({
          where: {
            kind: "TEMPLATE",
            hardwareNodeId: nodeId,
            status: { in: ["PENDING", "RUNNING"] },
            input: { path: ["stackId"], equals: stackId },
          },
          select: { id: true },
        });
        if (open)
          throw new AppError(
            "CONFLICT",
            `A ${stack.displayName} template operation is already running on ${node.name}.`,
          );
        const op = await tx.operation.create({
          data: {
            ...operationRow("TEMPLATE", {
              stackId,
              action: o.action,
              trigger: "admin",
              recipeHash: recipeHash(stackId).slice(0, 8),
            }),
            status: "PENDING",
            hardwareNodeId: nodeId,
            userId: o.actor.id,
          },
          select: { id: true },
        });
        ctx.detail.operationId = op.id;
        await ctx.commit(tx);
        return { operationId: op.id };
      });
    },
  );
}
