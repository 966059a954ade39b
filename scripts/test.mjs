// `npm test`: installs what the tests need when missing, then lint, type-check, unit, integration,
// build and end-to-end tests. Exits non-zero on the first failure.
import path from "node:path";
import { checkNode, ensureDebianPackages, ensureNodeModules, ensurePrismaClient, must, root } from "./lib/setup.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const only = process.argv.slice(2); // e.g. `npm test -- unit integration`
const want = (stage) => only.length === 0 || only.includes(stage);
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const times = [];
const stage = (name, argv) => {
  if (!want(name)) return;
  const t0 = Date.now();
  console.log(`\n[hostplane:test] ── ${name} ──`);
  must(argv);
  times.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
};

const t0 = Date.now();
checkNode();
ensureNodeModules();
ensurePrismaClient();
// Real parts: LXC containers, an sshd on loopback, Debian's Chromium for Playwright, debootstrap for stacks,
// Caddy for the ingress, git for Git deploys.
ensureDebianPackages(
  [
    "lxc",
    "busybox-static",
    "openssh-server",
    "openssh-client",
    "chromium",
    "debootstrap",
    "rsync",
    "iproute2",
    "iputils-ping",
    "nftables",
    "caddy",
    "git",
  ],
  "the test suite",
);

stage("lint", [bin("eslint"), "."]);
stage("lint", [bin("prettier"), "--check", "."]);
stage("typecheck", [bin("tsc"), "--noEmit"]);
stage("unit", [bin("vitest"), "run", "--project", "unit"]);
stage("integration", [bin("vitest"), "run", "--project", "integration"]);
stage("build", [process.execPath, path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"]);
stage("e2e", [bin("playwright"), "test"]);

console.log(`\n[hostplane:test] all stages passed in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${times.join(", ")}`);
