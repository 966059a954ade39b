// How a container's stack becomes an engine template. Busybox needs nothing; Debian stacks are
// clones of a stack template prepared on the node (lib/orchestrator/engines/lxc/templates.ts).
import type { ContainerTemplate } from "@/lib/orchestrator/engines";
import { getStack } from "@/lib/stacks/catalog";

export class TemplateUnavailableError extends Error {}

export type TemplateResolver = (options: {
  stackId: string;
  node: { id: string; name: string; engine: string };
}) => Promise<ContainerTemplate>;

let resolver: TemplateResolver = async ({ stackId, node }) => {
  const stack = getStack(stackId);
  if (!stack) throw new TemplateUnavailableError(`unknown stack ${stackId}`);
  if (!stack.debianTemplate) return { kind: "busybox" };
  if (node.engine === "SIM") return { kind: "busybox" };
  throw new TemplateUnavailableError(`${stack.displayName} templates are not available on ${node.name}`);
};

export function resolveTemplate(options: Parameters<TemplateResolver>[0]): Promise<ContainerTemplate> {
  return resolver(options);
}

/** Lets the stack-template integration install itself (keeps this module free of the builder's imports). */
export function setTemplateResolver(next: TemplateResolver): void {
  resolver = next;
}
