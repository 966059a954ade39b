import { NodeCommands } from "../command";
import { assertContainerName } from "../names";
import type { EngineNodeConfig } from "../types";
import type { CommandRunner } from "../../transport/types";
import {
  BALANCER_UPSTREAM_CONF,
  renderBalancerConfig,
  requireRecipe,
  type RecipeFile,
  type Upstream,
} from "../../../stacks/recipes";
import { NODE_IDMAP, containerDir, writableRootfsOf } from "./config";
import { diskPathsOf, ensureDiskMounted } from "./disk";
import { writeLayerFiles } from "./layer-files";
import { parseLxcInfo } from "./parse";
import { stackContainerFiles } from "./stack-files";

const ATTACH_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

interface Target {
  commands: NodeCommands;
  lxcPath: string;
  name: string;
}

function targetFor(options: { runner: CommandRunner; node: EngineNodeConfig; name: string }): Target {
  const { node, runner } = options;
  if (!node.lxc) throw new TypeError(`node ${node.name} has no lxc settings`);
  const commands = new NodeCommands({
    engine: "lxc",
    node: node.name,
    runner,
    defaultTimeoutMs: node.timeoutMs ?? 60_000,
  });
  return { commands, lxcPath: node.lxc.lxcPath, name: assertContainerName(options.name) };
}

async function stateOf(target: Target): Promise<string> {
  const argv = ["lxc-info", "-P", target.lxcPath, "-n", target.name, "-s"];
  const result = await target.commands.run(argv);
  if (result.code !== 0)
    throw target.commands.failure({
      argv,
      result,
      reason: /doesn't exist|does not exist/i.test(result.stderr) ? "not_found" : undefined,
    });
  return parseLxcInfo(result.stdout).state;
}

function attach(target: Target, argv: string[]): string[] {
  return ["lxc-attach", "-P", target.lxcPath, "-n", target.name, "--clear-env", "-v", ATTACH_PATH, "--", ...argv];
}

/** Inside a running container: its own namespace resolves paths and user names. */
async function writeInside(target: Target, file: RecipeFile): Promise<void> {
  const { commands } = target;
  await commands.check(attach(target, ["mkdir", "-p", "--", file.path.replace(/\/[^/]+$/, "") || "/"]));
  await commands.check(attach(target, ["tee", "--", file.path]), { input: file.content });
  await commands.check(attach(target, ["chmod", file.mode, "--", file.path]));
}

/**
 * Into a stopped container's writable layer (the overlay's upper directory). Nothing runs in
 * the container meanwhile, and every path is resolved first: a symlink the container planted
 * that points outside its layer is refused instead of followed on the host. All files go in one
 * tar unpacked as the container's root (writeLayerFiles).
 */
async function writeIntoLayer(target: Target, files: RecipeFile[]): Promise<void> {
  const { commands } = target;
  // The layer lives on the container's disk image: mounted again if a node reboot unmounted it.
  await ensureDiskMounted(commands, diskPathsOf(target));
  const config = await commands.check(["cat", "--", `${containerDir(target)}/config`]);
  const layer = writableRootfsOf(config.stdout);
  if (!layer)
    throw commands.failure({ argv: ["cat", "config"], message: `cannot find the writable rootfs of ${target.name}` });
  const paths = files.map((file) => `${layer}${file.path}`);
  const real = await commands.check(["realpath", "-m", "--", layer, ...paths]);
  const [realLayer, ...resolved] = real.stdout.trim().split("\n");
  files.forEach((file, i) => {
    if (resolved[i] !== `${realLayer}${file.path}`)
      throw commands.failure({
        argv: ["realpath", paths[i]!],
        reason: "invalid_input",
        message: `${file.path} in ${target.name} resolves outside its place (${resolved[i]})`,
      });
  });
  await writeLayerFiles({
    commands,
    idmap: NODE_IDMAP,
    dir: layer,
    files: files.map((file) => ({ path: file.path.replace(/^\/+/, ""), content: file.content, mode: file.mode })),
  });
}

async function writeFiles(target: Target, files: RecipeFile[]): Promise<"running" | "stopped"> {
  const running = (await stateOf(target)) === "running";
  if (running) for (const file of files) await writeInside(target, file);
  else await writeIntoLayer(target, files);
  return running ? "running" : "stopped";
}

/**
 * Writes a stack container's per-container configuration before it starts (idempotent: the
 * same env gives the same files): /etc/hostplane/env, and for postgresql / redis the
 * credentials taken from env (HOSTPLANE_DB_USER, HOSTPLANE_DB_PASSWORD, HOSTPLANE_DB_NAME;
 * REDIS_PASSWORD). The container's init applies them at every start. On a running container
 * the files are written too, and take effect at its next restart.
 */
export async function configureStackContainer(options: {
  runner: CommandRunner;
  node: EngineNodeConfig;
  name: string;
  stackId: string;
  env: Record<string, string>;
}): Promise<void> {
  requireRecipe(options.stackId);
  const files = stackContainerFiles({ stackId: options.stackId, env: options.env });
  await writeFiles(targetFor(options), files);
}

/**
 * Points a balancer (nginx stack) container at its application servers: rewrites
 * /etc/nginx/conf.d/upstream.conf, and when the container runs checks the config with
 * `nginx -t` (restoring the previous one if it fails) and reloads nginx. Unchanged content
 * does nothing. With no upstream, the balancer answers 503.
 */
export async function writeBalancerUpstreams(options: {
  runner: CommandRunner;
  node: EngineNodeConfig;
  name: string;
  upstreams: Upstream[];
}): Promise<{ changed: boolean; reloaded: boolean }> {
  const target = targetFor(options);
  const content = renderBalancerConfig(options.upstreams);
  const file: RecipeFile = { path: BALANCER_UPSTREAM_CONF, content, mode: "0644" };
  if ((await stateOf(target)) !== "running") {
    await writeIntoLayer(target, [file]);
    return { changed: true, reloaded: false };
  }
  const { commands } = target;
  const previous = await commands.run(attach(target, ["cat", "--", BALANCER_UPSTREAM_CONF]));
  if (previous.code === 0 && previous.stdout === content) return { changed: false, reloaded: false };
  await writeInside(target, file);
  const test = await commands.run(attach(target, ["nginx", "-t", "-q"]));
  if (test.code !== 0) {
    if (previous.code === 0) await writeInside(target, { ...file, content: previous.stdout });
    throw commands.failure({
      argv: ["nginx", "-t"],
      result: test,
      message: `nginx rejected the new upstreams of ${target.name}`,
    });
  }
  return { changed: true, reloaded: await reloadNginx(target) };
}

/**
 * `nginx -s reload`; right after the container started, nginx may not have written its pid
 * yet, so a missing or empty pid file is retried for a few seconds. If nginx still has no pid
 * it is not running, and reads the new file when it starts: no reload needed.
 */
async function reloadNginx(target: Target): Promise<boolean> {
  const argv = attach(target, ["nginx", "-s", "reload"]);
  for (let attempt = 0; attempt < 50; attempt++) {
    const result = await target.commands.run(argv);
    if (result.code === 0) return true;
    if (!/nginx\.pid/.test(result.stderr)) throw target.commands.failure({ argv, result });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
