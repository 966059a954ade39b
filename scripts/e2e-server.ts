// The end-to-end tests' server: the production build on a fresh, empty database every run.
// Playwright starts web servers before its globalSetup, so the wipe has to happen here.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { config } from "../lib/config";

const dir = config.HOSTPLANE_DATA_DIR;
if (!dir || !dir.includes("hostplane-e2e"))
  throw new Error("e2e-server wipes HOSTPLANE_DATA_DIR: it must be an e2e data directory");
rmSync(dir, { recursive: true, force: true });

// Containers left in the e2e node's own lxcpath by an earlier, crashed run (only hp-* names there).
const lxcPath = config.HOSTPLANE_LOCAL_LXC_PATH;
if (lxcPath?.includes("hostplane-e2e") && existsSync(lxcPath)) {
  for (const name of readdirSync(lxcPath).filter((n) => n.startsWith("hp-"))) {
    spawnSync("lxc-destroy", ["-P", lxcPath, "-n", name, "-f"], { stdio: "ignore" });
  }
}
void import("./serve");
