import { describe, expect, it } from "vitest";
import { newNonce, pageCsp } from "./security-headers";

describe("page CSP", () => {
  it("allows scripts only with the request's nonce and forbids framing", () => {
    const csp = pageCsp("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(pageCsp("n", true)).toContain("'unsafe-eval'");
  });

  it("makes a fresh 128-bit nonce per call", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
