// The layer rule of eslint.config.mjs (docs/architecture.md) really refuses wrong-way imports: each case
// lints a one-line file placed in a layer, importing a module of another layer.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.resolve(__dirname, "../..") });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === "boundaries/dependencies").map((m) => m.message);
}

// Loading the ESLint configuration takes seconds on a busy machine: a generous timeout, no speed claim.
describe("layer boundaries", { timeout: 60_000 }, () => {
  it.each([
    ["lib/db/probe.ts", 'export { createUser } from "@/lib/services/users";', '"db" to elements of type "services"'],
    ["lib/db/probe.ts", 'export { requireUser } from "@/lib/auth/session";', '"db" to elements of type "session"'],
    [
      "lib/db/probe.ts",
      'export { ENGINE_LABEL } from "@/components/admin/format";',
      '"db" to elements of type "components"',
    ],
    ["lib/services/probe.ts", 'export { startWorker } from "@/lib/worker";', '"services" to elements of type "worker"'],
    [
      "lib/services/probe.ts",
      'export { requireAdmin } from "@/lib/auth/session";',
      '"services" to elements of type "session"',
    ],
    ["components/probe.ts", 'export { listNodes } from "@/lib/db/nodes";', '"components" to elements of type "db"'],
    [
      "components/probe.ts",
      'export { createEnvironment } from "@/lib/services/environments";',
      '"components" to elements of type "services"',
    ],
    ["lib/orchestrator/probe.ts", 'export { getBoss } from "../queue";', '"orchestrator" to elements of type "queue"'],
    [
      "lib/queue/probe.ts",
      'export { dispatch } from "@/lib/services/operations";',
      '"queue" to elements of type "services"',
    ],
  ])("%s: %s is refused", async (file, code, message) => {
    expect((await boundaryErrors(file, code)).join("\n")).toContain(message);
  });

  it.each([
    ["app/probe.ts", 'export { listNodes } from "@/lib/db/nodes";'],
    ["lib/services/probe.ts", 'export { enqueueEnvironment } from "@/lib/queue";'],
    ["lib/db/probe.ts", 'export type { Actor } from "@/lib/auth/actor";'],
    ["components/probe.ts", 'export type { NodeListItem } from "@/lib/db/nodes";'],
    ["lib/worker/probe.ts", 'export { dispatch } from "@/lib/services/operations";'],
  ])("%s: %s is allowed", async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
