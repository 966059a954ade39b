// What a failed step tells whom. Developers see a plain summary (Operation.error: no argv, paths, stderr
// or node internals); administrators also see the engine's detail (Operation.errorDetail, and step
// messages), which lib/db hands out to admins only.
import { isAppError } from "@/lib/errors";
import { EngineError } from "@/lib/orchestrator/engines/errors";
import { TransportError } from "@/lib/orchestrator/transport/errors";
import { TemplateUnavailableError } from "./templates";

const ENGINE_REASON: Record<EngineError["reason"], string> = {
  command_failed: "the container engine reported an error",
  timeout: "the container engine did not answer in time",
  connection: "the hardware node could not be reached",
  host_key: "the hardware node's identity could not be verified",
  not_found: "the container was not found on its hardware node",
  invalid_input: "the request was refused by the container engine",
  unsupported: "this is not supported on the hardware node",
};

/** One sentence for the environment's owner; never engine output. */
export function plainFailureReason(error: unknown): string {
  if (isAppError(error)) return error.message.replace(/\.$/, "");
  if (error instanceof EngineError) return ENGINE_REASON[error.reason] ?? ENGINE_REASON.command_failed;
  if (error instanceof TransportError) return "the hardware node could not be reached";
  if (error instanceof TemplateUnavailableError) return "the stack's template is not available on the hardware node";
  return "an internal error occurred";
}

export function plainFailureSummary(stepKind: string, error: unknown): string {
  return `${stepKind} failed: ${plainFailureReason(error)}. An administrator can see the details.`;
}
