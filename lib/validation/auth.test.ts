import { describe, expect, it } from "vitest";
import { ZChangePasswordInput, ZRegisterInput, ZSignInInput } from "./auth";
import { csvField, ZAuditFilter } from "./audit";
import { zodFieldErrors } from "./errors";

describe("auth schemas", () => {
  it("normalises email to trimmed lower case", () => {
    const r = ZRegisterInput.parse({ name: " Ada ", email: "  Ada@Example.COM ", password: "whatever-long" });
    expect(r).toEqual({ name: "Ada", email: "ada@example.com", password: "whatever-long" });
  });

  it("reports field errors for bad input", () => {
    const r = ZRegisterInput.safeParse({ name: "", email: "not-an-email", password: "x" });
    expect(r.success).toBe(false);
    if (!r.success) {
      const errors = zodFieldErrors(r.error);
      expect(errors.email?.[0]).toMatch(/valid email/);
      expect(errors.name?.[0]).toMatch(/name/);
    }
  });

  it("requires a password to sign in", () => {
    expect(ZSignInInput.safeParse({ email: "a@b.co", password: "" }).success).toBe(false);
  });

  it("requires the repeated new password to match", () => {
    const r = ZChangePasswordInput.safeParse({
      currentPassword: "a",
      newPassword: "long-enough-1",
      confirmPassword: "long-enough-2",
    });
    expect(r.success).toBe(false);
    if (!r.success) expect(zodFieldErrors(r.error).confirmPassword).toEqual(["Passwords do not match."]);
  });
});

describe("audit filter and CSV", () => {
  it("refuses action filters with odd characters", () => {
    expect(ZAuditFilter.safeParse({ action: "auth'; drop" }).success).toBe(false);
    expect(ZAuditFilter.parse({ action: "auth.signin", result: "" })).toEqual({
      action: "auth.signin",
      actor: undefined,
      result: undefined,
    });
  });

  it("quotes CSV fields and neutralises formulas", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=cmd()")).toBe("'=cmd()");
    expect(csvField(null)).toBe("");
    expect(csvField(new Date("2026-01-01T00:00:00Z"))).toBe("2026-01-01T00:00:00.000Z");
  });
});
