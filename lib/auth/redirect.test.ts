import { describe, expect, it } from "vitest";
import { safeLocalPath, safeRedirect } from "./redirect";

const base = "http://localhost:3000";
const refused = [
  "/\\evil.example",
  "/\\/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "//evil.example",
  "//evil.example/path",
  "https://evil.example/",
  "http://localhost:3000.evil.example/",
  "javascript:alert(1)",
  "evil.example",
  "",
  "/%0a/evil.example\u0000",
];

describe("safeLocalPath / safeRedirect", () => {
  it.each(refused)("refuses %j", (payload) => {
    expect(safeLocalPath(payload)).toBeNull();
    expect(safeRedirect(payload, base)).toBe(`${base}/environments`);
  });

  it("keeps same-origin paths and absolute URLs on our origin", () => {
    expect(safeLocalPath("/environments/abc?tab=ops#x")).toBe("/environments/abc?tab=ops#x");
    expect(safeRedirect("/admin/users?q=a", base)).toBe(`${base}/admin/users?q=a`);
    expect(safeRedirect(`${base}/account`, base)).toBe(`${base}/account`);
    expect(safeLocalPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
  });
});
