import { describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client";
import { isUniqueViolation, isWriteConflict } from "./errors";

const known = (code: string) => new Prisma.PrismaClientKnownRequestError("refused", { code, clientVersion: "7" });

describe("database error recognition", () => {
  it("recognises Prisma's unique violation (P2002) and nothing else", () => {
    expect(isUniqueViolation(known("P2002"))).toBe(true);
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation(known("P2034"))).toBe(false);
    expect(isUniqueViolation(known("P2025"))).toBe(false);
    expect(isUniqueViolation(new Error("P2002"))).toBe(false);
    expect(isUniqueViolation({ code: 2002 })).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(isUniqueViolation("P2002")).toBe(false);
  });

  it("recognises a write conflict (P2034) separately", () => {
    expect(isWriteConflict(known("P2034"))).toBe(true);
    expect(isWriteConflict(known("P2002"))).toBe(false);
    expect(isWriteConflict(null)).toBe(false);
  });
});
