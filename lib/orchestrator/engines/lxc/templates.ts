import type { NodeCommands } from "../command";
import type { ContainerSpec, ContainerTemplate, TemplateKind } from "../types";
import { assertOperand } from "../../transport/quote";
import { CONTAINER_NAME_PATTERN } from "../names";
import { BUSYBOX_INITTAB, BUSYBOX_RCS, containerDir, renderHostsFile, writableRootfsOf } from "./config";

export interface ProvisionContext {
  commands: NodeCommands;
  lxcPath: string;
  spec: ContainerSpec;
  hostname: string;
  timeoutMs: number;
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

const provisionBusybox: TemplateStrategy<"busybox"> = async (context) => {
  const { commands, lxcPath, spec, timeoutMs } = context;
  // -f /dev/null: start from no default config (which would attach lxcbr0); ours comes later.
  await commands.check(["lxc-create", "-P", lxcPath, "-n", spec.name, "-f", "/dev/null", "-t", "busybox"], {
    timeoutMs,
  });
  const rootfs = `${containerDir({ lxcPath, name: spec.name })}/rootfs`;
  await writeNodeFile({ commands, path: `${rootfs}/etc/init.d/rcS`, content: BUSYBOX_RCS });
  await writeNodeFile({ commands, path: `${rootfs}/etc/inittab`, content: BUSYBOX_INITTAB });
  await writeNodeFile({
    commands,
    path: `${rootfs}/etc/hosts`,
    content: renderHostsFile({ ip: spec.ip, hostname: context.hostname }),
  });
  await writeNodeFile({ commands, path: `${rootfs}/etc/hostname`, content: `${context.hostname}\n` });
};

const provisionClone: TemplateStrategy<"clone"> = async (context, template) => {
  const { commands, lxcPath, spec, timeoutMs } = context;
  if (!CONTAINER_NAME_PATTERN.test(template.source))
    throw new TypeError(`invalid template container name ${JSON.stringify(template.source)}`);
  const argv = ["lxc-copy", "-P", lxcPath, "-n", template.source, "-N", spec.name];
  // Snapshot clones share the template's rootfs read-only and keep only their changes.
  if (template.snapshot) argv.push("-s", "-B", "overlayfs");
  await commands.check(argv, { timeoutMs });
  const config = await commands.check(["cat", "--", `${containerDir({ lxcPath, name: spec.name })}/config`]);
  // Files written into an overlay clone go to its upper (delta) directory, never the shared template.
  const rootfsDir = writableRootfsOf(config.stdout);
  if (!rootfsDir) throw commands.failure({ argv, message: "cannot find the clone's writable rootfs in its config" });
  await commands.check(["mkdir", "-p", "--", `${rootfsDir}/etc`]);
  await writeNodeFile({
    commands,
    path: `${rootfsDir}/etc/hosts`,
    content: renderHostsFile({ ip: spec.ip, hostname: context.hostname }),
  });
  await writeNodeFile({ commands, path: `${rootfsDir}/etc/hostname`, content: `${context.hostname}\n` });
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
  type EnsureStackTemplateOptions,
  type EnsureStackTemplateResult,
  type StackTemplateInfo,
} from "./template-build";
export { DEFAULT_TEMPLATE_CACHE_DIR, ensureOsTemplate, parseAptMirror, type TemplateProgress } from "./template-os";
export { configureStackContainer, writeBalancerUpstreams } from "./stack-configure";
export { probePostgres, probeStackService, probeTcp, waitForService, waitForTcp } from "./stack-probe";
