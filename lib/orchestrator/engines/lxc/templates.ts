import type { NodeCommands } from "../command";
import type { ContainerSpec, ContainerTemplate, TemplateKind } from "../types";
import { assertOperand } from "../../transport/quote";
import { CONTAINER_NAME_PATTERN } from "../names";
import { BUSYBOX_INITTAB, BUSYBOX_RCS, DISK_MOUNT_DIR, containerDir, renderHostsFile, type IdMap } from "./config";
import { createDiskImage, diskPathsOf } from "./disk";
import { writeLayerFiles } from "./layer-files";

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
 * for every kind, so callers of create(spec) never change. A strategy returns the base config's
 * text when it has it in hand (the engine then writes it once, normalised), or null when the
 * engine should read it from the container directory.
 */
export type TemplateStrategy<K extends TemplateKind> = (
  context: ProvisionContext,
  template: Extract<ContainerTemplate, { kind: K }>,
) => Promise<string | null>;

/** Writes a file on the node via tee (stdin), so content never appears in argv or a shell line. */
export async function writeNodeFile(options: { commands: NodeCommands; path: string; content: string }): Promise<void> {
  await options.commands.check(["tee", "--", assertOperand(options.path, "path")], { input: options.content });
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
  await writeLayerFiles({
    commands,
    idmap,
    dir: rootfs,
    files: [
      { path: "etc/init.d/rcS", content: BUSYBOX_RCS, mode: "0755" },
      { path: "etc/inittab", content: BUSYBOX_INITTAB, mode: "0644" },
      { path: "etc/hosts", content: renderHostsFile({ ip: spec.ip, hostname: context.hostname }), mode: "0644" },
      { path: "etc/hostname", content: `${context.hostname}\n`, mode: "0644" },
    ],
  });
  return null;
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
  const layerDir = overlay ? "delta" : "rootfs";
  const paths = diskPathsOf({ lxcPath, name: spec.name });
  // The container's root must be able to reach its disk below the container directory.
  await commands.check(["chmod", "0711", "--", dir]);
  await createDiskImage({ commands, paths, diskGib: spec.limits.diskGib, idmap, fresh: true });
  if (overlay) await commands.check(["rm", "-rf", "--", `${dir}/overlay`]);
  else {
    await commands.check(["cp", "-a", "--", rootfsLine[2]!, `${paths.mount}/${layerDir}`], { timeoutMs });
    await commands.check(["rm", "-rf", "--", rootfsLine[2]!]);
  }
  // Written into the clone's own layer (for a snapshot: the upper directory, which this creates),
  // never into the shared template.
  await writeLayerFiles({
    commands,
    idmap,
    dir: paths.mount,
    files: [
      {
        path: `${layerDir}/etc/hosts`,
        content: renderHostsFile({ ip: spec.ip, hostname: context.hostname }),
        mode: "0644",
      },
      { path: `${layerDir}/etc/hostname`, content: `${context.hostname}\n`, mode: "0644" },
    ],
  });
  return config.stdout.replace(
    rootfsLine[0],
    `lxc.rootfs.path = ${overlay ? rootfsLine[1] : "dir:"}${paths.mount}/${layerDir}`,
  );
};

const STRATEGIES: { [K in TemplateKind]?: TemplateStrategy<K> } = {
  busybox: provisionBusybox,
  clone: provisionClone,
};

export function supportsTemplate(kind: TemplateKind): boolean {
  return STRATEGIES[kind] !== undefined;
}

/** Runs the strategy registered for the template's kind. */
export function provisionTemplate(context: ProvisionContext, template: ContainerTemplate): Promise<string | null> {
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
