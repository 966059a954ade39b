import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";

// The e2e server is the production build served by scripts/serve.ts with its own embedded
// PostgreSQL in a fresh data directory, on its own port.
const port = Number(process.env.E2E_PORT ?? 3210);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `hostplane-e2e-${port}`);
// The e2e panel's own local hardware node: never the one a real `npm start` on this machine uses.
export const E2E_LOCAL = { lxcPath: "/var/lib/hostplane-e2e/lxc/local", bridge: "hp-e2e0", subnet: "10.213.200.0/24" };
// The e2e panel's ingress (its own Caddy, supervised by serve.ts) on high ports.
export const E2E_INGRESS = { http: port + 10_070, https: port + 10_043 };
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-passphrase-91" };

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium; never a downloaded browser. These flags keep it off the (closed) network.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx scripts/e2e-server.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(port),
      HOSTPLANE_DATA_DIR: E2E_DATA_DIR,
      HOSTPLANE_ADMIN_EMAIL: E2E_ADMIN.email,
      HOSTPLANE_ADMIN_PASSWORD: E2E_ADMIN.password,
      NEXTAUTH_URL: `http://localhost:${port}`,
      DATABASE_URL: "",
      HOSTPLANE_LOCAL_LXC_PATH: E2E_LOCAL.lxcPath,
      HOSTPLANE_LOCAL_BRIDGE: E2E_LOCAL.bridge,
      HOSTPLANE_LOCAL_SUBNET: E2E_LOCAL.subnet,
      HOSTPLANE_INGRESS_HTTP_PORT: String(E2E_INGRESS.http),
      HOSTPLANE_INGRESS_HTTPS_PORT: String(E2E_INGRESS.https),
      HOSTPLANE_DOMAIN: "localhost",
      // e2e specs build the templates they use on first use; a background build would slow every spec.
      HOSTPLANE_TEMPLATE_WARM: "off",
    },
  },
});
