import { createHash } from "node:crypto";
import type { NodeCommands } from "../command";
import type { LxcNodeSettings } from "../types";
import { INIT_PATH, OS_TEMPLATE, TEMPLATE_MARKER_PATH } from "../../../stacks/recipes";
import { containerDir } from "./config";
import { withNodeLock } from "./template-lock";

export const DEFAULT_MIRROR = "http://deb.debian.org/debian";
/** Per machine, outside any checkout: every node (lxcpath) on the machine reuses the rootfs. */
export const DEFAULT_TEMPLATE_CACHE_DIR = "/var/cache/hostplane/debootstrap";

/** Mount points at or below `dir`, deepest first, from a /proc/mounts listing. */
export function mountsBelow(procMounts: string, dir: string): string[] {
  return procMounts
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((target): target is string => !!target && (target === dir || target.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

/**
 * Removes a build's work directory. A build killed midway (a worker SIGKILLed while apt ran in the
 * chroot) leaves its rootfs's /proc mounted, which `rm -rf` cannot remove: without unmounting first,
 * every later build of that template on the node would fail.
 */
export async function removeBuildDir(commands: NodeCommands, dir: string): Promise<void> {
  const mounts = await commands.run(["cat", "/proc/mounts"]);
  for (const target of mountsBelow(mounts.stdout, dir)) await commands.run(["umount", "-l", "--", target]);
  await commands.check(["rm", "-rf", "--", dir], { timeoutMs: 5 * 60_000 });
}

export interface TemplateProgress {
  phase: "lock" | "os-debootstrap" | "os-unpack" | "copy" | "install" | "configure" | "finalize" | "done";
  message: string;
  percent?: number;
}

export interface TemplateBuildContext {
  commands: NodeCommands;
  settings: LxcNodeSettings;
  cacheDir: string;
  onProgress: (progress: TemplateProgress) => void;
}

export interface OsTemplate {
  name: string;
  rootfs: string;
  /** Set only when this call ran debootstrap or unpacked the cache into the node. */
  durationMs: { debootstrap?: number; unpack?: number };
}

/**
 * The Debian mirror the host itself uses: the first `URIs:` of a deb822 stanza for the suite
 * (/etc/apt/sources.list.d/debian.sources), else the first one-line `deb` entry for it.
 * Security and update suites are skipped: debootstrap needs the main archive.
 */
export function parseAptMirror(options: {
  deb822?: string | null;
  sourcesList?: string | null;
  suite: string;
}): string | null {
  for (const stanza of (options.deb822 ?? "").split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "mi").exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
    if (!field("Types").includes("deb") || !field("Suites").includes(options.suite)) continue;
    const uri = field("URIs").find((u) => /^https?:\/\//.test(u));
    if (uri) return uri.replace(/\/+$/, "");
  }
  for (const line of (options.sourcesList ?? "").split("\n")) {
    const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+)\s+(\S+)/.exec(line);
    if (match && match[2] === options.suite) return match[1]!.replace(/\/+$/, "");
  }
  return null;
}

export async function readNodeMirror(commands: NodeCommands): Promise<string> {
  const deb822 = await commands.run(["cat", "--", "/etc/apt/sources.list.d/debian.sources"]);
  const list = await commands.run(["cat", "--", "/etc/apt/sources.list"]);
  return (
    parseAptMirror({
      deb822: deb822.code === 0 ? deb822.stdout : null,
      sourcesList: list.code === 0 ? list.stdout : null,
      suite: OS_TEMPLATE.suite,
    }) ?? DEFAULT_MIRROR
  );
}

export function osTemplateKey(options: { arch: string; mirror: string }): string {
  const { id, suite, variant, version } = OS_TEMPLATE;
  return createHash("sha256")
    .update(`${id}|${suite}|${variant}|${options.arch}|${options.mirror}|os-v${version}`)
    .digest("hex");
}

/** Base config of a template container; clones keep init and mounts, the engine adds network and limits. */
export function renderTemplateConfig(options: { lxcPath: string; name: string }): string {
  return [
    "# Hostplane template container: never started itself; stack containers are overlay clones of it.",
    "lxc.include = /usr/share/lxc/config/common.conf",
    "lxc.arch = linux64",
    `lxc.rootfs.path = dir:${containerDir(options)}/rootfs`,
    `lxc.uts.name = ${options.name}`,
    "lxc.net.0.type = empty",
    `lxc.init.cmd = ${INIT_PATH}`,
    "lxc.mount.entry = tmpfs run tmpfs rw,nosuid,nodev,mode=755 0 0",
    "lxc.mount.entry = tmpfs dev/shm tmpfs rw,nosuid,nodev,create=dir 0 0",
    "",
  ].join("\n");
}

/** The marker of a finished template, or null when the template is missing or incomplete. */
export async function readTemplateMarker(commands: NodeCommands, dir: string): Promise<Record<string, unknown> | null> {
  const result = await commands.run(["cat", "--", `${dir}/rootfs${TEMPLATE_MARKER_PATH}`]);
  if (result.code !== 0) return null;
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Makes sure <cacheDir>/<suite>-<variant>-<key8>.tar exists on the node: a finished debootstrap
 * rootfs, built once per machine (under a lock in the cache dir) and renamed into place only
 * when complete. Its build time is kept next to it (<tar>.json).
 */
async function ensureOsTarball(
  context: TemplateBuildContext,
  options: { key: string; mirror: string; arch: string },
): Promise<{ tarball: string; debootstrapMs?: number }> {
  const { commands, cacheDir } = context;
  const key8 = options.key.slice(0, 8);
  const tarball = `${cacheDir}/${OS_TEMPLATE.suite}-${OS_TEMPLATE.variant}-${key8}.tar`;
  const exists = async () => (await commands.run(["test", "-s", tarball])).code === 0;
  if (await exists()) return { tarball };
  await commands.check(["mkdir", "-p", "--", cacheDir]);
  return withNodeLock({
    commands,
    dir: `${cacheDir}/.lock-${key8}`,
    onWait: () =>
      context.onProgress({ phase: "lock", message: "waiting for another debootstrap of the same OS on this machine" }),
    body: async () => {
      if (await exists()) return { tarball };
      const started = Date.now();
      const work = `${cacheDir}/.work-${key8}`;
      await commands.check(["rm", "-rf", "--", work, `${tarball}.part`]);
      context.onProgress({
        phase: "os-debootstrap",
        message: `debootstrap --variant=${OS_TEMPLATE.variant} ${OS_TEMPLATE.suite} from ${options.mirror} (once per machine)`,
        percent: 5,
      });
      await commands.check(
        [
          "debootstrap",
          `--variant=${OS_TEMPLATE.variant}`,
          `--arch=${options.arch}`,
          OS_TEMPLATE.suite,
          work,
          options.mirror,
        ],
        { timeoutMs: 30 * 60_000 },
      );
      await commands.check(["tar", "--numeric-owner", "-C", work, "-cf", `${tarball}.part`, "."], {
        timeoutMs: 10 * 60_000,
      });
      await commands.check(["mv", "-f", "--", `${tarball}.part`, tarball]);
      await commands.check(["rm", "-rf", "--", work], { timeoutMs: 5 * 60_000 });
      const debootstrapMs = Date.now() - started;
      const record = {
        kind: "os",
        suite: OS_TEMPLATE.suite,
        variant: OS_TEMPLATE.variant,
        arch: options.arch,
        mirror: options.mirror,
        durationMs: debootstrapMs,
        builtAt: new Date().toISOString(),
      };
      await commands.check(["tee", "--", `${tarball}.json`], { input: `${JSON.stringify(record)}\n` });
      return { tarball, debootstrapMs };
    },
  });
}

/**
 * The OS template container hpt-os-debian12-<key8> in the node's lxcpath: the cached
 * debootstrap rootfs unpacked, with the template config. Built in a hidden work directory and
 * renamed into place, so a half-built template is never seen.
 */
export async function ensureOsTemplate(context: TemplateBuildContext): Promise<OsTemplate> {
  const { commands, settings } = context;
  const arch = (await commands.check(["dpkg", "--print-architecture"])).stdout.trim();
  const mirror = await readNodeMirror(commands);
  const key = osTemplateKey({ arch, mirror });
  const name = `hpt-os-${OS_TEMPLATE.id}-${key.slice(0, 8)}`;
  const dir = containerDir({ lxcPath: settings.lxcPath, name });
  const result: OsTemplate = { name, rootfs: `${dir}/rootfs`, durationMs: {} };
  if (await readTemplateMarker(commands, dir)) return result;
  await commands.check(["mkdir", "-p", "--", settings.lxcPath]);
  return withNodeLock({
    commands,
    dir: `${settings.lxcPath}/.hpt-lock-${name}`,
    onWait: () => context.onProgress({ phase: "lock", message: `waiting for another build of ${name}` }),
    body: async () => {
      if (await readTemplateMarker(commands, dir)) return result;
      const { tarball, debootstrapMs } = await ensureOsTarball(context, { key, mirror, arch });
      result.durationMs.debootstrap = debootstrapMs;
      const started = Date.now();
      context.onProgress({
        phase: "os-unpack",
        message: `unpacking the Debian ${OS_TEMPLATE.suite} rootfs into ${name}`,
        percent: 30,
      });
      const work = `${settings.lxcPath}/.hpt-build-${name}`;
      await removeBuildDir(commands, work);
      await commands.check(["mkdir", "-p", "--", `${work}/rootfs`]);
      await commands.check(["tar", "--numeric-owner", "-C", `${work}/rootfs`, "-xf", tarball], {
        timeoutMs: 10 * 60_000,
      });
      await commands.check(["tee", "--", `${work}/config`], {
        input: renderTemplateConfig({ lxcPath: settings.lxcPath, name }),
      });
      const marker = { kind: "os", name, key, arch, mirror, builtAt: new Date().toISOString() };
      await commands.check(["tee", "--", `${work}/rootfs${TEMPLATE_MARKER_PATH}`], {
        input: `${JSON.stringify(marker)}\n`,
      });
      await commands.check(["rm", "-rf", "--", dir]);
      await commands.check(["mv", "-T", "--", work, dir]);
      result.durationMs.unpack = Date.now() - started;
      return result;
    },
  });
}
