// Stack-specific wiring run by the worker around container steps (configure credentials, balancer
// upstreams, …). Busybox has none; the Debian stack integration registers its hooks here.
import type { ContainerEngine } from "@/lib/orchestrator/engines";

export type StackHookContext =
  | {
      phase: "configure" | "started";
      container: {
        id: string;
        ip: string | null;
        layer: { stack: string; environmentId: string };
        hardwareNode: { id: string; name: string } | null;
      };
      engine: ContainerEngine;
    }
  | { phase: "topology"; environmentId: string };

export type StackHook = (ctx: StackHookContext) => Promise<string | null | void>;

const hooks: StackHook[] = [];

export function registerStackHook(hook: StackHook): void {
  hooks.push(hook);
}

export async function runStackHook(ctx: StackHookContext): Promise<string | null> {
  let note: string | null = null;
  for (const hook of hooks) note = (await hook(ctx)) ?? note;
  return note;
}
