// The end-to-end tests' server: the production build on a fresh, empty database every run.
// Playwright starts web servers before its globalSetup, so the wipe has to happen here.
import { rmSync } from "node:fs";
import path from "node:path";
import { destroyManagedContainers } from "../lib/orchestrator/engines/lxc/test-hosts";
import { config } from "../lib/config";
import { stopLeftoverIngress } from "./lib/ingress";

const dir = config.HOSTPLANE_DATA_DIR;
if (!dir || !dir.includes("hostplane-e2e"))
  throw new Error("e2e-server wipes HOSTPLANE_DATA_DIR: it must be an e2e data directory");
// A Caddy an earlier run left behind (its pid file is in the directory about to be wiped).
stopLeftoverIngress(path.join(dir, "caddy"));
rmSync(dir, { recursive: true, force: true });

// Containers left in the e2e node's own lxcpath by an earlier, crashed run (only hp-* names there).
const lxcPath = config.HOSTPLANE_LOCAL_LXC_PATH;
if (lxcPath?.includes("hostplane-e2e")) destroyManagedContainers(lxcPath);
void import("./serve");
