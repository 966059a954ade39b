import { describe, expect, it } from "vitest";
import { checkPassword } from "./password-policy";

describe("checkPassword", () => {
  it.each([
    ["short", "abc123!", /at least 8/],
    ["common", "password1", /most common/],
    ["common regardless of case", "PassWord1", /most common/],
    ["too long", "x".repeat(129), /at most 128/],
    ["one repeated character", "zzzzzzzzzz", /repeat/],
  ])("refuses %s", (_label, password, message) => {
    expect(checkPassword(password)).toMatch(message);
  });

  it("refuses the email's local part as password", () => {
    expect(checkPassword("jonathan.doe", { email: "jonathan.doe@example.com" })).toMatch(/email/);
  });

  it.each(["correct horse battery staple", "Tr0ub4dor&3x", "a".repeat(7) + "b", "x".repeat(63) + "y"])(
    "accepts %s",
    (password) => {
      expect(checkPassword(password)).toBeNull();
    },
  );

  it("accepts 64-character passphrases and counts characters, not bytes", () => {
    expect(checkPassword("ä".repeat(30) + "b".repeat(34))).toBeNull();
    expect(checkPassword("ääää")).toMatch(/at least 8/);
  });
});
