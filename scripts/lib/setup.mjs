// Shared by `npm start` and `npm test`: install what is missing, never touch what is there.
// Plain Node (no dependencies), because it runs before node_modules exists.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export function run(argv, options = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: "inherit", env: process.env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function must(argv, options) {
  const code = run(argv, options);
  if (code !== 0) {
    console.error(`\n[hostplane] failed (exit ${code}): ${argv.join(" ")}`);
    process.exit(code);
  }
}

export function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 9)) {
    console.error(`[hostplane] Node.js >= 20.9 is required (found ${process.versions.node}).`);
    process.exit(1);
  }
}

/** npm ci when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("[hostplane] installing npm dependencies (npm ci)…");
  must(["npm", "ci", "--no-audit", "--no-fund"]);
}

export function ensurePrismaClient() {
  const client = path.join(root, "lib", "generated", "prisma", "client.ts");
  const schema = path.join(root, "prisma", "schema.prisma");
  if (existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs) return;
  must([process.execPath, path.join(root, "scripts", "prisma-generate.mjs")]);
}

function dpkgInstalled(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

/**
 * Debian/Ubuntu packages the panel or its tests need. As root on Debian/Ubuntu they are installed;
 * elsewhere we stop with the exact command to run.
 */
export function ensureDebianPackages(packages, purpose) {
  const isDebian = existsSync("/etc/debian_version") && existsSync("/usr/bin/dpkg-query");
  if (!isDebian) {
    console.error(
      `[hostplane] ${purpose} needs: ${packages.join(", ")}. Install them with your package manager, then re-run.`,
    );
    process.exit(1);
  }
  const missing = packages.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  const command = ["apt-get", "install", "-y", "--no-install-recommends", ...missing];
  if (process.getuid?.() !== 0) {
    console.error(
      `[hostplane] ${purpose} needs packages that are missing. Run:\n  sudo apt-get update && sudo ${command.join(" ")}`,
    );
    process.exit(1);
  }
  console.log(`[hostplane] installing Debian packages for ${purpose}: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (run(command, { env }) !== 0) {
    must(["apt-get", "update"], { env });
    must(command, { env });
  }
}

export function gitTrackedNewest(dirs) {
  // Newest mtime among source files: a cheap "did anything change since the last build" check.
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (base === "node_modules" || base === ".next" || base === "generated" || base.startsWith(".")) return;
      for (const entry of execFileSync("ls", ["-A", p], { encoding: "utf8" }).split("\n").filter(Boolean))
        walk(path.join(p, entry));
    } else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const d of dirs) walk(path.join(root, d));
  return newest;
}

export function readJson(file, fallback) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return fallback;
  }
}

/**
 * Debian's caddy package enables caddy.service (a Caddy on ports 80/443 with /etc/caddy/Caddyfile).
 * The panel runs its own Caddy, so on a host booted with systemd that unit is stopped and disabled.
 */
export function disableDebianCaddyService() {
  if (!existsSync("/run/systemd/system")) return;
  const enabled = spawnSync("systemctl", ["is-enabled", "caddy.service"], { encoding: "utf8" });
  const active = spawnSync("systemctl", ["is-active", "caddy.service"], { encoding: "utf8" });
  if (enabled.stdout.trim() !== "enabled" && active.stdout.trim() !== "active") return;
  if (process.getuid?.() !== 0) {
    console.error(
      "[hostplane] Debian's caddy.service would take ports 80/443. Run: sudo systemctl disable --now caddy",
    );
    return;
  }
  console.log("[hostplane] disabling Debian's caddy.service (the panel supervises its own Caddy)");
  run(["systemctl", "disable", "--now", "caddy.service"]);
}
