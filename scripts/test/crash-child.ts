// A worker process for the crash-safety harness. With HOSTPLANE_FAILPOINT set it SIGKILLs itself
// at that point; with CRASH_SUBMIT it first submits a request (so "reserve" can be killed too).
import { db } from "../../lib/db/client";
import { startWorker } from "../../lib/worker";

async function main() {
  const submit = process.env.CRASH_SUBMIT ? JSON.parse(process.env.CRASH_SUBMIT) : null;
  // Submit before the worker starts: its startup redispatches open operations, and the "reserve"
  // failpoint must fire on this request's hand-off, not on another environment's.
  if (submit?.kind === "create") {
    const { createEnvironment } = await import("../../lib/services/environments");
    const { ZCreateEnvironmentInput } = await import("../../lib/validation/environments");
    const actor = await db.user.findUniqueOrThrow({ where: { id: submit.actorId } });
    await createEnvironment({ actor, input: ZCreateEnvironmentInput.parse(submit.input) });
  }
  await startWorker({
    concurrency: 2,
    resyncIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    recoveryIntervalMs: 1_000,
    warmTemplates: false,
    log: () => {},
  });
  process.stdout.write("ready\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
process.on("SIGTERM", () => process.exit(0));
