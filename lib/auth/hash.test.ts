import { describe, expect, it } from "vitest";
import { hash } from "@node-rs/argon2";
import { ARGON2_OPTIONS, hashPassword, verifyPassword } from "./hash";
import { checkPassword } from "./password-policy";

describe("password normalisation (NFKC)", () => {
  it("treats composed and decomposed accents, and full-width characters, as the same password", async () => {
    const composed = "caf\u00e9-terrasse-7";
    const decomposed = "cafe\u0301-terrasse-7";
    const stored = await hashPassword(composed);
    expect(await verifyPassword(stored, decomposed)).toBe(true);
    const fullWidth = await hashPassword("\uff30\uff41\uff53\uff53-2048-river");
    expect(await verifyPassword(fullWidth, "Pass-2048-river")).toBe(true);
    expect(await verifyPassword(stored, "cafe-terrasse-7")).toBe(false);
  });

  it("keeps verifying ASCII passwords hashed before normalisation existed", async () => {
    const legacy = await hash("granite-otter-41", ARGON2_OPTIONS);
    expect(await verifyPassword(legacy, "granite-otter-41")).toBe(true);
  });

  it("judges the normalised password in the policy", () => {
    // Full-width "ｐａｓｓｗｏｒｄ１" is "password1" once normalised: as common as the ASCII one.
    expect(checkPassword("\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11")).toMatch(/most common/);
    // "ﬁ" (one code point) is "fi": the length counted is the length hashed.
    expect(checkPassword("\ufb01".repeat(4))).toBeNull();
  });
});
