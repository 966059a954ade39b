import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "./client";

/** Ownership lives in the query: developers count their own, admins count all. */
export async function countEnvironmentsFor(user: SessionUser): Promise<number> {
  return db.environment.count({ where: user.role === "ADMIN" ? {} : { ownerId: user.id } });
}
