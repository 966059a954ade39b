import { describe, expect, it } from "vitest";
import { newTemporaryPassword, TEMPORARY_PASSWORD_PATTERN } from "./temporary-password";
import { checkPassword } from "./password-policy";

describe("newTemporaryPassword", () => {
  it("is four dash-separated groups without look-alike characters, and differs every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = newTemporaryPassword();
      expect(p).toMatch(TEMPORARY_PASSWORD_PATTERN);
      expect(p).not.toMatch(/[01lio]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it("passes the password policy it would otherwise be held to", () => {
    expect(checkPassword(newTemporaryPassword(), { email: "ada@example.com", name: "Ada" })).toBeNull();
  });

  it("uses the random source it is given", () => {
    expect(newTemporaryPassword(() => 0)).toBe("aaaaa-aaaaa-aaaaa-aaaaa");
  });
});
