// The benchmarks' five-stack environment (NGINX ×1, Node.js ×2, PostgreSQL ×1, Redis ×1) and the wait
// until every one of its services answers. Imported lazily by the scripts: it reads the database.
import { db } from "../../lib/db/client";
import { waitForService } from "../../lib/orchestrator/engines/lxc/templates";

const layer = (name: string, stack: string, count: number) => ({
  name,
  stack,
  count,
  reservedCloudlets: 1,
  dynamicCloudlets: 4,
  diskGib: 2,
  ha: false,
});

export const FIVE_STACK_LAYERS = [
  layer("lb", "nginx", 1),
  layer("app", "nodejs", 2),
  layer("db", "postgresql", 1),
  layer("cache", "redis", 1),
];

/** Resolves once every container of the environment answers on its service port; throws naming one that never did. */
export async function waitUntilEveryServiceAnswers(environmentId: string, timeoutMs: number): Promise<void> {
  const containers = await db.container.findMany({ where: { environmentId }, include: { layer: true } });
  await Promise.all(
    containers.map(async (c) => {
      if (!(await waitForService({ ip: c.ip!, stackId: c.layer.stack, timeoutMs })))
        throw new Error(`${c.layer.name} (${c.ip}) never answered`);
    }),
  );
}
