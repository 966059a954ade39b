// `npm run soak:crash`: ≥ 100 random SIGKILLs of a worker at named steps against real LXC, each
// followed by recovery and the "nothing lost" invariants. Prints the tally as JSON.
import { startScratchDatabase } from "./lib/bench-db";

const KILLS = Number(process.env.SOAK_KILLS ?? 100);
const LXC = { lxcPath: "/var/lib/hostplane-soak/lxc", bridge: "hp-soak", subnet: "10.213.244.0/24" };

async function main() {
  const scratch = await startScratchDatabase("soak");
  const { db, disconnectDb } = await import("../lib/db/client");
  const { cleanLxcNode, makeLxcNode, makeRegion, makeUser } = await import("./test/cluster-fixture");
  const { checkInvariants } = await import("./test/invariants");
  const h = await import("./test/crash-harness");
  const { deleteEnvironment } = await import("../lib/services/environment-ops");
  const { stopBoss } = await import("../lib/queue");
  cleanLxcNode(LXC);
  const region = await makeRegion();
  const node = await makeLxcNode({ regionId: region.id, name: "soak-1", lxc: LXC });
  const actor = await makeUser();
  const tally: Record<string, number> = {};
  const problems: string[] = [];
  let seed = Number(process.env.SOAK_SEED ?? 7);
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const t0 = Date.now();
  let kills = 0;
  const count = (step: string) => {
    tally[step] = (tally[step] ?? 0) + 1;
    return 1;
  };
  try {
    for (let i = 0; kills < KILLS; i++) {
      const name = `soak-${i}`;
      const [cStep, cOcc] = h.CREATE_STEPS[rand(h.CREATE_STEPS.length)];
      const created = await h.crashAt(`${cStep}:${1 + rand(cOcc)}`, {
        kind: "create",
        actorId: actor.id,
        input: h.crashInput(name, region.id),
      });
      if (created?.signal === "SIGKILL") kills += count(cStep);
      await h.recover();
      problems.push(...(await checkInvariants({ nodeIds: [node.id] })).map((p) => `${name} after ${cStep}: ${p}`));
      const env = await db.environment.findFirst({ where: { name, ownerId: actor.id } });
      if (!env) {
        problems.push(`${name}: environment missing after create crash at ${cStep}`);
        continue;
      }
      await deleteEnvironment({ actor, environmentId: env.id, confirmName: name });
      const [dStep, dOcc] = h.DELETE_STEPS[rand(h.DELETE_STEPS.length)];
      const deleted = await h.crashAt(`${dStep}:${1 + rand(dOcc)}`);
      if (deleted?.signal === "SIGKILL") kills += count(dStep);
      await h.recover();
      if (await db.environment.findUnique({ where: { id: env.id } }))
        problems.push(`${name}: still present after delete crash at ${dStep}`);
      problems.push(...(await checkInvariants({ nodeIds: [node.id] })).map((p) => `${name} after ${dStep}: ${p}`));
      process.stderr.write(`\r[soak] ${kills}/${KILLS} kills, ${problems.length} problems`);
    }
  } finally {
    h.killAllChildren();
    await stopBoss();
    cleanLxcNode(LXC);
    await disconnectDb();
    await scratch.stop();
  }
  console.log(
    JSON.stringify(
      {
        soak: "crash",
        kills,
        tally,
        problems,
        ok: problems.length === 0,
        minutes: Math.round((Date.now() - t0) / 600) / 100,
        conditions: {
          engine: "lxc (busybox)",
          environment: "3 containers in 2 layers",
          failpoint:
            "SIGKILL after the step's engine action, before its success is persisted (reserve: after commit, before dispatch)",
        },
      },
      null,
      2,
    ),
  );
  process.exit(problems.length === 0 ? 0 : 1);
}

void main();
