import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "./client";
import { assertAdmin } from "./guard";

export async function getClusterSummary(actor: SessionUser) {
  assertAdmin(actor);
  const [regions, nodes, environments, users] = await Promise.all([db.region.count(), db.hardwareNode.count(), db.environment.count(), db.user.count()]);
  return { regions, nodes, environments, users };
}
