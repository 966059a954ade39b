import { describe, expect, it } from "vitest";
import { clientIpFromHeaders, headerGetter, PEER_HEADER, UNKNOWN_IP } from "./client-ip";

const get = (headers: Record<string, string>) => headerGetter(new Headers(headers));

describe("clientIpFromHeaders", () => {
  it("uses the socket peer and ignores X-Forwarded-For when no proxy is trusted", () => {
    for (const forwarded of ["1.2.3.4", "5.6.7.8, 9.9.9.9", "garbage"]) {
      expect(clientIpFromHeaders(get({ [PEER_HEADER]: "203.0.113.7", "x-forwarded-for": forwarded }), "")).toBe(
        "203.0.113.7",
      );
    }
  });

  it("is unknown without the server's peer stamp (a client cannot pick its address)", () => {
    expect(clientIpFromHeaders(get({ "x-forwarded-for": "1.2.3.4" }), "")).toBe(UNKNOWN_IP);
  });

  it("takes the first untrusted hop of X-Forwarded-For when the peer is a trusted proxy", () => {
    const trusted = "10.0.0.0/8, 192.168.1.1";
    expect(
      clientIpFromHeaders(get({ [PEER_HEADER]: "10.1.2.3", "x-forwarded-for": "6.6.6.6, 198.51.100.4" }), trusted),
    ).toBe("198.51.100.4");
    // A chain of trusted proxies is walked; a spoofed leftmost entry is not reached.
    expect(
      clientIpFromHeaders(
        get({ [PEER_HEADER]: "10.1.2.3", "x-forwarded-for": "6.6.6.6, 198.51.100.4, 192.168.1.1" }),
        trusted,
      ),
    ).toBe("198.51.100.4");
    // An untrusted peer's header is ignored.
    expect(clientIpFromHeaders(get({ [PEER_HEADER]: "172.16.0.9", "x-forwarded-for": "6.6.6.6" }), trusted)).toBe(
      "172.16.0.9",
    );
  });

  it("does not store garbage a trusted proxy passes on, and unwraps IPv4-mapped IPv6", () => {
    expect(clientIpFromHeaders(get({ [PEER_HEADER]: "10.1.2.3", "x-forwarded-for": "not-an-ip" }), "10.0.0.0/8")).toBe(
      "10.1.2.3",
    );
    expect(clientIpFromHeaders(get({ [PEER_HEADER]: "::ffff:127.0.0.1" }), "")).toBe("127.0.0.1");
    expect(
      clientIpFromHeaders(get({ [PEER_HEADER]: "::ffff:127.0.0.1", "x-forwarded-for": "198.51.100.4" }), "127.0.0.1"),
    ).toBe("198.51.100.4");
  });

  it("reads next-auth's plain header objects", () => {
    expect(clientIpFromHeaders(headerGetter({ [PEER_HEADER]: "::1", "x-forwarded-for": "1.1.1.1" }), "")).toBe("::1");
  });
});
