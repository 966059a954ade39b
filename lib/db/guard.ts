import { AppError } from "@/lib/errors";

/** Admin-only data functions check the caller's role themselves, not only the page around them. */
export function assertAdmin(actor: { role: string }): void {
  if (actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can see this.");
}
