// Recognising the database errors callers handle. Prisma reports them as PrismaClientKnownRequestError
// with a code; matched by code so errors crossing module or worker boundaries are recognised too.

function prismaCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** P2002: a unique constraint refused the write (a name, email, subnet… taken meanwhile). */
export function isUniqueViolation(error: unknown): boolean {
  return prismaCode(error) === "P2002";
}

/** P2034: a deadlock or serialization failure aborted the transaction; running it again may succeed. */
export function isWriteConflict(error: unknown): boolean {
  return prismaCode(error) === "P2034";
}

/** P2025: the row an update or delete named does not exist (deleted meanwhile, or a wrong id). */
export function isNotFound(error: unknown): boolean {
  return prismaCode(error) === "P2025";
}
