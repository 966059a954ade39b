import { NodeCommands } from "../command";
import type { EngineNodeConfig } from "../types";
import type { CommandRunner } from "../../transport/types";
import { assertOperand } from "../../transport/quote";
import {
  OS_TEMPLATE,
  TEMPLATE_MARKER_PATH,
  recipeHash,
  requireRecipe,
  stackTemplateName,
  templateFiles,
  type RecipeFile,
} from "../../../stacks/recipes";
import { ensureRootIdRange } from "./idrange";
import { NODE_IDMAP, asMappedRoot, containerDir, type IdMap } from "./config";
import { withNodeLock } from "./template-lock";
import {
  DEFAULT_TEMPLATE_CACHE_DIR,
  ensureOsTemplate,
  readTemplateMarker,
  removeBuildDir,
  renderTemplateConfig,
  type TemplateBuildContext,
  type TemplateProgress,
} from "./template-os";

const CHROOT_ENV = [
  "env",
  "-i",
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "LANG=C.UTF-8",
  "DEBIAN_FRONTEND=noninteractive",
];
const APT_OPTIONS = [
  "-y",
  "-q",
  "--no-install-recommends",
  "-o",
  "Dpkg::Options::=--force-confdef",
  "-o",
  "Dpkg::Options::=--force-confold",
];
/** Keeps package maintainer scripts from starting services inside the chroot. */
const POLICY_RC_D = "#!/bin/sh\nexit 101\n";

export interface EnsureStackTemplateOptions {
  engineNode: EngineNodeConfig;
  runner: CommandRunner;
  stackId: string;
  onProgress?: (progress: TemplateProgress) => void;
  /** Where the machine-wide debootstrap rootfs cache lives (default /var/cache/hostplane/debootstrap). */
  cacheDir?: string;
}

export interface EnsureStackTemplateResult {
  /** The clone source for engine.create({ template: { kind: "clone", source, snapshot: true } }). */
  templateName: string;
  built: boolean;
  durationMs: number;
}

/** Builds of one process share a promise, so concurrent callers in the worker never poll the lock. */
const inflight = new Map<string, Promise<EnsureStackTemplateResult>>();

function contextFor(options: EnsureStackTemplateOptions): TemplateBuildContext {
  const { engineNode, runner } = options;
  if (!engineNode.lxc) throw new TypeError(`node ${engineNode.name} has no lxc settings`);
  assertOperand(engineNode.lxc.lxcPath, "lxcPath");
  const commands = new NodeCommands({
    engine: "lxc",
    node: engineNode.name,
    runner,
    defaultTimeoutMs: engineNode.timeoutMs ?? 60_000,
  });
  return {
    commands,
    settings: engineNode.lxc,
    cacheDir: assertOperand(options.cacheDir ?? DEFAULT_TEMPLATE_CACHE_DIR, "cacheDir"),
    onProgress: options.onProgress ?? (() => {}),
  };
}

/**
 * Makes sure the stack's template container hpt-<stack>-<recipeHash8> exists on the node and
 * returns its name; builds it (and the OS template under it) when missing. Idempotent and safe
 * to call concurrently from several workers: one builds, the others wait for its lock.
 */
export function ensureStackTemplate(options: EnsureStackTemplateOptions): Promise<EnsureStackTemplateResult> {
  const templateName = stackTemplateName(options.stackId);
  const key = `${options.runner.identity.machine}:${options.engineNode.lxc?.lxcPath}:${templateName}`;
  const joined = inflight.get(key);
  if (joined) {
    // Someone else in this process is building it: wait for that build, which this call did not do.
    const started = Date.now();
    return joined.then((result) => ({
      templateName: result.templateName,
      built: false,
      durationMs: Date.now() - started,
    }));
  }
  const pending = ensureUncached(options, templateName).finally(() => inflight.delete(key));
  inflight.set(key, pending);
  return pending;
}

async function ensureUncached(
  options: EnsureStackTemplateOptions,
  templateName: string,
): Promise<EnsureStackTemplateResult> {
  const started = Date.now();
  const context = contextFor(options);
  const { commands, settings } = context;
  const hash = recipeHash(options.stackId);
  const dir = containerDir({ lxcPath: settings.lxcPath, name: templateName });
  const isCurrent = async () => (await readTemplateMarker(commands, dir))?.recipeHash === hash;
  if (await isCurrent()) return { templateName, built: false, durationMs: Date.now() - started };
  await commands.check(["mkdir", "-p", "--", settings.lxcPath]);
  return withNodeLock({
    commands,
    dir: `${settings.lxcPath}/.hpt-lock-${templateName}`,
    onWait: () =>
      context.onProgress({ phase: "lock", message: `waiting for another build of ${templateName} on this node` }),
    body: async () => {
      if (await isCurrent()) return { templateName, built: false, durationMs: Date.now() - started };
      const os = await ensureOsTemplate(context);
      await buildStackTemplate(context, { stackId: options.stackId, templateName, hash, osRootfs: os.rootfs, started });
      context.onProgress({ phase: "done", message: `template ${templateName} ready`, percent: 100 });
      return { templateName, built: true, durationMs: Date.now() - started };
    },
  });
}

function chroot(rootfs: string, argv: string[]): string[] {
  return [...CHROOT_ENV, "chroot", rootfs, ...argv];
}

/** Writes a file through chroot, so symlinks inside the rootfs resolve inside it, never on the host. */
async function writeRootfsFile(commands: NodeCommands, rootfs: string, file: RecipeFile): Promise<void> {
  const parent = file.path.replace(/\/[^/]+$/, "") || "/";
  await commands.check(chroot(rootfs, ["mkdir", "-p", "--", parent]));
  await commands.check(chroot(rootfs, ["tee", "--", file.path]), { input: file.content });
  await commands.check(chroot(rootfs, ["chmod", file.mode, "--", file.path]));
  await commands.check(chroot(rootfs, ["chown", file.owner ?? "root:root", "--", file.path]));
}

async function buildStackTemplate(
  context: TemplateBuildContext,
  options: { stackId: string; templateName: string; hash: string; osRootfs: string; started: number },
): Promise<void> {
  const { commands, settings } = context;
  const recipe = requireRecipe(options.stackId);
  const name = options.templateName;
  const work = `${settings.lxcPath}/.hpt-build-${name}`;
  const rootfs = `${work}/rootfs`;
  context.onProgress({ phase: "copy", message: `copying the OS template into ${name}`, percent: 40 });
  await removeBuildDir(commands, work);
  await commands.check(["mkdir", "-p", "--", work]);
  await commands.check(["cp", "-a", "--reflink=auto", "--", options.osRootfs, rootfs], { timeoutMs: 10 * 60_000 });
  // apt runs in a chroot from the host: its traffic goes to the mirror like the host's own apt.
  await commands.check(["rm", "-f", "--", `${rootfs}/etc/resolv.conf`]);
  await commands.check(["cp", "-L", "--", "/etc/resolv.conf", `${rootfs}/etc/resolv.conf`]);
  await writeRootfsFile(commands, rootfs, { path: "/usr/sbin/policy-rc.d", content: POLICY_RC_D, mode: "0755" });
  await commands.check(["mount", "-t", "proc", "proc", `${rootfs}/proc`]);
  try {
    context.onProgress({ phase: "install", message: `apt-get install ${recipe.packages.join(" ")}`, percent: 50 });
    await commands.check(chroot(rootfs, ["apt-get", "update", "-q"]), { timeoutMs: 10 * 60_000 });
    await commands.check(chroot(rootfs, ["apt-get", "install", ...APT_OPTIONS, ...recipe.packages]), {
      timeoutMs: 30 * 60_000,
    });
    context.onProgress({ phase: "configure", message: "writing configuration, init and service files", percent: 85 });
    for (const file of templateFiles(recipe)) await writeRootfsFile(commands, rootfs, file);
    if (recipe.removePaths.length > 0) await commands.check(chroot(rootfs, ["rm", "-rf", "--", ...recipe.removePaths]));
    await commands.check(chroot(rootfs, ["apt-get", "clean"]));
    await commands.check(chroot(rootfs, ["find", "/var/lib/apt/lists", "-mindepth", "1", "-delete"]));
  } finally {
    await commands.run(["umount", "-l", "--", `${rootfs}/proc`]);
    await commands.run(["rm", "-f", "--", `${rootfs}/usr/sbin/policy-rc.d`]);
  }
  context.onProgress({ phase: "finalize", message: `recording ${name}`, percent: 95 });
  await commands.check(["tee", "--", `${work}/config`], {
    input: renderTemplateConfig({ lxcPath: settings.lxcPath, name }),
  });
  const marker = {
    kind: "stack",
    stackId: recipe.stackId,
    recipeHash: options.hash,
    os: OS_TEMPLATE,
    packages: recipe.packages,
    buildMs: Date.now() - options.started,
    builtAt: new Date().toISOString(),
  };
  await commands.check(["tee", "--", `${rootfs}${TEMPLATE_MARKER_PATH}`], { input: `${JSON.stringify(marker)}\n` });
  context.onProgress({ phase: "finalize", message: `shifting ${name} into the containers' id map`, percent: 97 });
  await shiftRootfs(commands, work, NODE_IDMAP);
  const dir = containerDir({ lxcPath: settings.lxcPath, name });
  await commands.check(["rm", "-rf", "--", dir]);
  await commands.check(["mv", "-T", "--", work, dir]);
}

/**
 * Shifts every owner of <work>/rootfs into the id map once, so that unprivileged clones (root
 * inside = idmap.hostBase on the host) own their files and can read the shared lower layer:
 * the rootfs is archived, then unpacked by a tar running as the mapped root (lxc-usernsexec),
 * which keeps modes (setuid included) and maps uid/gid n to hostBase + n. Device nodes are
 * left out (/dev of a container is populated by LXC). A few seconds for a 500 MB rootfs.
 */
async function shiftRootfs(commands: NodeCommands, work: string, idmap: IdMap): Promise<void> {
  const archive = `${work}/rootfs.tar`;
  const shifted = `${work}/rootfs.shifted`;
  await ensureRootIdRange(commands, idmap);
  await commands.check(["rm", "-rf", "--", archive, shifted]);
  await commands.check(["tar", "--numeric-owner", "--exclude=./dev/*", "-C", `${work}/rootfs`, "-cf", archive, "."], {
    timeoutMs: 10 * 60_000,
  });
  await commands.check(["mkdir", "--", shifted]);
  await commands.check(["chown", `${idmap.hostBase}:${idmap.hostBase}`, "--", shifted]);
  await commands.check(asMappedRoot(idmap, ["tar", "--numeric-owner", "-xpf", archive, "-C", shifted]), {
    timeoutMs: 10 * 60_000,
  });
  await commands.check(["rm", "-rf", "--", archive, `${work}/rootfs`], { timeoutMs: 5 * 60_000 });
  await commands.check(["mv", "-T", "--", shifted, `${work}/rootfs`]);
}

export interface StackTemplateInfo {
  templateName: string;
  stackId: string;
  recipeHash: string;
  buildMs: number | null;
  builtAt: string | null;
}

/** The finished stack templates on a node (from their markers). */
export async function listStackTemplates(options: {
  engineNode: EngineNodeConfig;
  runner: CommandRunner;
}): Promise<StackTemplateInfo[]> {
  const { commands, settings } = contextFor(options as EnsureStackTemplateOptions);
  const listing = await commands.run(["ls", "-1", "--", settings.lxcPath]);
  if (listing.code !== 0) return [];
  const result: StackTemplateInfo[] = [];
  for (const name of listing.stdout
    .split("\n")
    .filter((entry) => /^hpt-[a-z0-9]+-[0-9a-f]{8}$/.test(entry) && !entry.startsWith("hpt-os-"))) {
    const marker = await readTemplateMarker(commands, containerDir({ lxcPath: settings.lxcPath, name }));
    if (marker?.kind !== "stack") continue;
    result.push({
      templateName: name,
      stackId: String(marker.stackId),
      recipeHash: String(marker.recipeHash),
      buildMs: typeof marker.buildMs === "number" ? marker.buildMs : null,
      builtAt: typeof marker.builtAt === "string" ? marker.builtAt : null,
    });
  }
  return result;
}

/**
 * Removes stack templates of outdated recipes that no container's overlay still uses (a
 * clone's config names its template's rootfs as the lower directory). Returns what was removed.
 */
export async function pruneStackTemplates(options: {
  engineNode: EngineNodeConfig;
  runner: CommandRunner;
}): Promise<string[]> {
  const { commands, settings } = contextFor(options as EnsureStackTemplateOptions);
  const listing = await commands.run(["ls", "-1", "--", settings.lxcPath]);
  const configs = listing.stdout
    .split("\n")
    .filter((entry) => entry.startsWith("hp-"))
    .map((name) => `${containerDir({ lxcPath: settings.lxcPath, name })}/config`);
  const removed: string[] = [];
  for (const template of await listStackTemplates(options)) {
    if (template.templateName === stackTemplateName(template.stackId)) continue;
    const dir = containerDir({ lxcPath: settings.lxcPath, name: template.templateName });
    if (configs.length > 0) {
      const users = await commands.run(["grep", "-lsF", "--", `${dir}/rootfs:`, ...configs]);
      if (users.stdout.trim() !== "") continue;
    }
    await commands.check(["rm", "-rf", "--", dir], { timeoutMs: 5 * 60_000 });
    removed.push(template.templateName);
  }
  return removed;
}

/** Disk use of a stack template on the node in MiB (`du -sm`), null when it is not there. */
export async function stackTemplateSizeMib(options: {
  engineNode: EngineNodeConfig;
  runner: CommandRunner;
  stackId: string;
}): Promise<number | null> {
  const { commands, settings } = contextFor(options as EnsureStackTemplateOptions);
  const dir = containerDir({ lxcPath: settings.lxcPath, name: stackTemplateName(options.stackId) });
  const du = await commands.run(["du", "-sm", "--", dir], { timeoutMs: 5 * 60_000 });
  if (du.code !== 0) return null;
  const mib = Number(du.stdout.trim().split(/\s+/)[0]);
  return Number.isFinite(mib) ? mib : null;
}

export class TemplateInUseError extends Error {}

/**
 * Removes the current stack template of a node, under the same node lock builds take, unless a
 * container's overlay still uses it as its lower directory (removing it would break that container).
 * Returns false when there was nothing to remove.
 */
export async function removeStackTemplate(options: {
  engineNode: EngineNodeConfig;
  runner: CommandRunner;
  stackId: string;
}): Promise<boolean> {
  const context = contextFor(options as EnsureStackTemplateOptions);
  const { commands, settings } = context;
  const templateName = stackTemplateName(options.stackId);
  const dir = containerDir({ lxcPath: settings.lxcPath, name: templateName });
  return withNodeLock({
    commands,
    dir: `${settings.lxcPath}/.hpt-lock-${templateName}`,
    body: async () => {
      if ((await commands.run(["test", "-d", dir])).code !== 0) return false;
      const listing = await commands.run(["ls", "-1", "--", settings.lxcPath]);
      const configs = listing.stdout
        .split("\n")
        .filter((entry) => entry.startsWith("hp-"))
        .map((name) => `${containerDir({ lxcPath: settings.lxcPath, name })}/config`);
      if (configs.length > 0) {
        const users = await commands.run(["grep", "-lsF", "--", `${dir}/rootfs:`, ...configs]);
        const count = users.stdout.trim() === "" ? 0 : users.stdout.trim().split("\n").length;
        if (count > 0)
          throw new TemplateInUseError(
            `${templateName} is the base of ${count} container(s) on ${options.engineNode.name}`,
          );
      }
      await commands.check(["rm", "-rf", "--", dir], { timeoutMs: 5 * 60_000 });
      return true;
    },
  });
}
