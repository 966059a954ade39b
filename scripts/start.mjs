// `npm start`: one command from a fresh clone to a running panel at http://localhost:3000.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  checkNode,
  disableDebianCaddyService,
  ensureDebianPackages,
  ensureNodeModules,
  ensurePrismaClient,
  gitTrackedNewest,
  must,
  readJson,
  root,
} from "./lib/setup.mjs";

const dev = process.argv.includes("--dev");
// No network here or on air-gapped hosts: keep Next.js from trying to send telemetry.
process.env.NEXT_TELEMETRY_DISABLED = "1";
const t0 = Date.now();
checkNode();
ensureNodeModules();
ensurePrismaClient();
// Declared in lib/config.ts with the others (this plain-JavaScript script cannot import it): the same on values.
const skipSystemPackages = ["1", "true", "on", "yes"].includes(
  (process.env.HOSTPLANE_SKIP_SYSTEM_PACKAGES ?? "").trim().toLowerCase(),
);
// Also declared in lib/config.ts (HOSTPLANE_INGRESS).
const ingressOn = !["0", "false", "off", "no"].includes((process.env.HOSTPLANE_INGRESS ?? "").trim().toLowerCase());
if (!skipSystemPackages) {
  // The local hardware node runs real LXC containers (busybox, and Debian stacks built with debootstrap).
  ensureDebianPackages(
    ["lxc", "busybox-static", "debootstrap", "rsync", "iproute2", "nftables"],
    "the local hardware node",
  );
  // Git deploys fetch with Debian's git (and ssh, for private repositories over a deploy key).
  ensureDebianPackages(["git", "openssh-client"], "Git deploys");
  // The ingress: Debian's Caddy, run and supervised by the panel itself (scripts/lib/ingress.ts).
  if (ingressOn) {
    ensureDebianPackages(["caddy"], "the ingress");
    disableDebianCaddyService();
  }
}

if (!dev) {
  const stampFile = path.join(root, ".next", "hostplane-build.json");
  const newest = gitTrackedNewest([
    "app",
    "components",
    "lib",
    "public",
    "prisma",
    "proxy.ts",
    "instrumentation.ts",
    "next.config.ts",
    "package-lock.json",
    "postcss.config.mjs",
  ]);
  const stamp = readJson(stampFile, null);
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !stamp || stamp.newest < newest) {
    console.log("[hostplane] building the panel (next build)…");
    must([process.execPath, path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"]);
    writeFileSync(stampFile, JSON.stringify({ newest }));
  }
}
console.log(`[hostplane] prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
// Async spawn so SIGINT/SIGTERM sent to this process reach the server, which stops what it started.
const child = spawn(
  path.join(root, "node_modules", ".bin", "tsx"),
  [path.join(root, "scripts", "serve.ts"), ...(dev ? ["--dev"] : [])],
  { cwd: root, stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
