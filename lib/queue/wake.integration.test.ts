// Cross-process wake-up: a panel that enqueues a job NOTIFYs the workers of other processes (the one
// `npm start` supervises, `npm run worker`), which fetch it at once instead of at their next poll.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { listen } from "@/lib/db/listen";
import { disconnectDb } from "@/lib/db/client";
import { enqueueEnvironment, getBoss, RECONCILE_QUEUE, stopBoss, WAKE_CHANNEL } from "./index";

describe("enqueueEnvironment wakes workers in other processes", () => {
  afterAll(async () => {
    await stopBoss();
    await disconnectDb();
  });

  it("NOTIFYs once per new job, and not for an environment whose job is already queued", async () => {
    const heard: number[] = [];
    let ready!: () => void;
    const listening = new Promise<void>((r) => (ready = r));
    const listener = listen({
      channel: WAKE_CHANNEL,
      onNotify: () => heard.push(Date.now()),
      onListening: () => ready(),
    });
    const environmentId = randomUUID();
    try {
      await listening;
      await enqueueEnvironment(environmentId);
      await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(1);
      // The stately queue keeps one queued job per environment: asking again creates none, wakes no one.
      await enqueueEnvironment(environmentId);
      await new Promise((r) => setTimeout(r, 300));
      expect(heard).toHaveLength(1);
    } finally {
      await listener.stop();
      const boss = await getBoss();
      const { rows } = await boss
        .getDb()
        .executeSql("SELECT id FROM pgboss.job WHERE name = $1 AND singleton_key = $2", [
          RECONCILE_QUEUE,
          environmentId,
        ]);
      for (const row of rows) await boss.deleteJob(RECONCILE_QUEUE, String(row.id));
    }
  });
});
