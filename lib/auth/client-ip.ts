// The client's address, as used for sign-in throttling and the audit log. It comes from the TCP socket:
// scripts/next-server.mjs overwrites PEER_HEADER on every request with req.socket.remoteAddress
// (a client-sent copy never survives). X-Forwarded-For is honoured only when that peer is one of
// HOSTPLANE_TRUSTED_PROXIES (comma-separated addresses or CIDR ranges; default none), and then only
// up to the first address that is not itself a trusted proxy (proxy-addr, as Express does it).
import { config } from "@/lib/config";
import { isIP } from "node:net";
import proxyaddr from "proxy-addr";

export const PEER_HEADER = "x-hostplane-peer";
export const UNKNOWN_IP = "unknown";

type HeaderGetter = (name: string) => string | null | undefined;

let compiled: { source: string; trust: (addr: string, i: number) => boolean } | null = null;

/** HOSTPLANE_TRUSTED_PROXIES parsed once per value; throws on an entry proxy-addr cannot read. */
export function trustedProxies(source = config.HOSTPLANE_TRUSTED_PROXIES ?? ""): (addr: string) => boolean {
  if (compiled?.source !== source) {
    const list = source
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    compiled = { source, trust: list.length ? proxyaddr.compile(list) : () => false };
  }
  const trust = compiled.trust;
  return (addr) => trust(addr, 0);
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; anything else unchanged. */
export function normaliseIp(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address;
}

export function clientIpFromHeaders(get: HeaderGetter, trustSource?: string): string {
  const peer = get(PEER_HEADER)?.trim();
  if (!peer) return UNKNOWN_IP;
  const trust = trustedProxies(trustSource);
  const forwarded = get("x-forwarded-for") ?? undefined;
  // proxy-addr walks X-Forwarded-For from the socket outwards while each hop is trusted.
  const request = {
    headers: forwarded ? { "x-forwarded-for": forwarded } : {},
    connection: { remoteAddress: peer },
    socket: { remoteAddress: peer },
  };
  let address: string;
  try {
    address = proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], (addr) => trust(addr));
  } catch {
    address = peer;
  }
  // A trusted proxy passing on garbage is not a reason to store garbage.
  return normaliseIp(address && isIP(address) ? address : peer);
}

/** For next-auth's `req.headers` (a plain object) and for Headers instances alike. */
export function headerGetter(
  headers: Headers | Record<string, string | string[] | undefined> | undefined,
): HeaderGetter {
  if (!headers) return () => null;
  if (typeof (headers as Headers).get === "function") return (name) => (headers as Headers).get(name);
  const record = headers as Record<string, string | string[] | undefined>;
  return (name) => {
    const value = record[name] ?? record[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}
