// `npm run worker`: a worker process on its own (scale-out). Needs DATABASE_URL of the shared
// PostgreSQL (the embedded database of `npm start` when run on the same machine: see README).
import { disconnectDb } from "../lib/db/client";
import { startWorker } from "../lib/worker";
import { stopBoss } from "../lib/queue";
import { openDatabase } from "./lib/database";
import { loadOrCreateSecrets } from "./lib/secrets";
import { DATA_DIR } from "./lib/database";

async function main() {
  const database = await openDatabase({ quiet: true });
  process.env.DATABASE_URL = database.url;
  process.env.HOSTPLANE_SECRET ??= loadOrCreateSecrets(DATA_DIR).hostplaneSecret;
  const worker = await startWorker();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    await stopBoss();
    await disconnectDb();
    await database.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error) => {
  console.error("[hostplane:worker] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
