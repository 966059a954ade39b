import type { NodeCommands } from "../command";
import type { ContainerSpec, ContainerTemplate, TemplateKind } from "../types";
import { assertOperand } from "../../transport/quote";
import { CONTAINER_NAME_PATTERN } from "../names";
import {
  BUSYBOX_INITTAB,
  BUSYBOX_RCS,
  DISK_MOUNT_DIR,
  asMappedRoot,
  containerDir,
  renderHostsFile,
  type IdMap,
} from "./config";
import { createDiskImage, diskPathsOf } from "./disk";

export interface ProvisionContext {
  commands: NodeCommands;
  lxcPath: string;
  spec: ContainerSpec;
  hostname: string;
  timeoutMs: number;
  /** The id map the container runs with: everything written into its rootfs is owned by it. */
  idmap: IdMap;
}

/**
 * How each template kind produces a container directory with a rootfs and a base config.
 * Adding a kind = adding an entry here; the engine then normalises the config the same way
 * for every kind, so callers of create(spec) never change.
 */
export type TemplateStrategy<K extends TemplateKind> = (
  context: ProvisionContext,
  template: Extract<ContainerTemplate, { kind: K }>,
) => Promise<void>;

/** Writes a file on the node via tee (stdin), so content never appears in argv or a shell line. */
export async function writeNodeFile(options: { commands: NodeCommands; path: string; content: string }): Promise<void> {
  await options.commands.check(["tee", "--", assertOperand(options.path, "path")], { input: options.content });
}

/**
 * Writes a file into a container's rootfs as the container's root (mapped ids): it gets the
 * ownership the container sees as root, and a symlink planted by the container cannot make it
 * write anywhere an unprivileged id could not.
 */
export async function writeContainerFile(options: {
  commands: NodeCommands;
  idmap: IdMap;
  path: string;
  content: string;
}): Promise<void> {
  const path = assertOperand(options.path, "path");
  await options.commands.check(asMappedRoot(options.idmap, ["tee", "--", path]), { input: options.content });
}

/**
 * The file lxc-create reads the id map from (so its template runs unprivileged too): one per
 * container, in its own directory, so concurrent creates never read a file another one rewrites.
 */
async function writeIdmapConfig(commands: NodeCommands, dir: string, idmap: IdMap): Promise<string> {
  const path = `${dir}/idmap.conf`;
  await writeNodeFile({
    commands,
    path,
    content: `lxc.idmap = u 0 ${idmap.hostBase} ${idmap.size}\nlxc.idmap = g 0 ${idmap.hostBase} ${idmap.size}\n`,
  });
  return path;
}

const provisionBusybox: TemplateStrategy<"busybox"> = async (context) => {
  const { commands, lxcPath, spec, timeoutMs, idmap } = context;
  const dir = containerDir({ lxcPath, name: spec.name });
  await commands.check(["mkdir", "-p", "--", dir]);
  await createDiskImage({
    commands,
    paths: diskPathsOf({ lxcPath, name: spec.name }),
    diskGib: spec.limits.diskGib,
    idmap,
  });
  // Only the id map as config (no default config, which would attach lxcbr0); ours comes later.
  const rootfs = `${dir}/${DISK_MOUNT_DIR}/rootfs`;
  await commands.check(
    [
      "lxc-create",
      "-P",
      lxcPath,
      "-n",
      spec.name,
      "-f",
      await writeIdmapConfig(commands, dir, idmap),
      "-t",
      "busybox",
      "-B",
      "dir",
      "--dir",
      rootfs,
    ],
    { timeoutMs },
  );
  await commands.check(["rm", "-f", "--", `${dir}/idmap.conf`]);
  const write = (path: string, content: string) =>
    writeContainerFile({ commands, idmap, path: `${rootfs}${path}`, content });
  await write("/etc/init.d/rcS", BUSYBOX_RCS);
  await write("/etc/inittab", BUSYBOX_INITTAB);
  await write("/etc/hosts", renderHostsFile({ ip: spec.ip, hostname: context.hostname }));
  await write("/etc/hostname", `${context.hostname}\n`);
};

const provisionClone: TemplateStrategy<"clone"> = async (context, template) => {
  const { commands, lxcPath, spec, timeoutMs, idmap } = context;
  if (!CONTAINER_NAME_PATTERN.test(template.source))
    throw new TypeError(`invalid template container name ${JSON.stringify(template.source)}`);
  const argv = ["lxc-copy", "-P", lxcPath, "-n", template.source, "-N", spec.name];
  // Snapshot clones share the template's rootfs read-only and keep only their changes.
  if (template.snapshot) argv.push("-s", "-B", "overlayfs");
  await commands.check(argv, { timeoutMs });
  const dir = containerDir({ lxcPath, name: spec.name });
  const config = await commands.check(["cat", "--", `${dir}/config`]);
  const rootfsLine = /^\s*lxc\.rootfs\.path\s*=\s*(overlay(?:fs)?:[^:\s]+:|dir:)(\S+)\s*$/m.exec(config.stdout);
  if (!rootfsLine) throw commands.failure({ argv, message: "cannot find the clone's rootfs in its config" });
  // The clone's writable layer moves onto its own disk image (the enforced disk limit): the
  // upper directory of a snapshot, or the whole rootfs of a full copy (moved over as it is).
  const overlay = rootfsLine[1]!.startsWith("overlay");
  const layer = `${dir}/${DISK_MOUNT_DIR}/${overlay ? "delta" : "rootfs"}`;
  // The container's root must be able to reach its disk below the container directory.
  await commands.check(["chmod", "0711", "--", dir]);
  await createDiskImage({
    commands,
    paths: diskPathsOf({ lxcPath, name: spec.name }),
    diskGib: spec.limits.diskGib,
    idmap,
  });
  if (overlay) {
    await commands.check(["rm", "-rf", "--", `${dir}/overlay`]);
    await commands.check(asMappedRoot(idmap, ["mkdir", "-p", "--", `${layer}/etc`]));
  } else {
    await commands.check(["cp", "-a", "--", rootfsLine[2]!, layer], { timeoutMs });
    await commands.check(["rm", "-rf", "--", rootfsLine[2]!]);
  }
  await writeNodeFile({
    commands,
    path: `${dir}/config`,
    content: config.stdout.replace(rootfsLine[0], `lxc.rootfs.path = ${overlay ? rootfsLine[1] : "dir:"}${layer}`),
  });
  // Files written into an overlay clone go to its upper (delta) directory, never the shared template.
  await writeContainerFile({
    commands,
    idmap,
    path: `${layer}/etc/hosts`,
    content: renderHostsFile({ ip: spec.ip, hostname: context.hostname }),
  });
  await writeContainerFile({ commands, idmap, path: `${layer}/etc/hostname`, content: `${context.hostname}\n` });
};

const STRATEGIES: { [K in TemplateKind]?: TemplateStrategy<K> } = {
  busybox: provisionBusybox,
  clone: provisionClone,
};

export function supportsTemplate(kind: TemplateKind): boolean {
  return STRATEGIES[kind] !== undefined;
}

/** Runs the strategy registered for the template's kind. */
export function provisionTemplate(context: ProvisionContext, template: ContainerTemplate): Promise<void> {
  const strategy = STRATEGIES[template.kind] as TemplateStrategy<typeof template.kind> | undefined;
  if (!strategy) throw new TypeError(`no lxc strategy for template kind ${template.kind}`);
  return strategy(context, template);
}

// Debian stack templates (issue 8): built once per node from lib/stacks/recipes, cloned per container.
export {
  ensureStackTemplate,
  listStackTemplates,
  pruneStackTemplates,
  removeStackTemplate,
  stackTemplateSizeMib,
  TemplateInUseError,
  type EnsureStackTemplateOptions,
  type EnsureStackTemplateResult,
  type StackTemplateInfo,
} from "./template-build";
export { DEFAULT_TEMPLATE_CACHE_DIR, ensureOsTemplate, parseAptMirror, type TemplateProgress } from "./template-os";
export { configureStackContainer, writeBalancerUpstreams } from "./stack-configure";
export { probePostgres, probeStackService, probeTcp, waitForService, waitForTcp } from "./stack-probe";
