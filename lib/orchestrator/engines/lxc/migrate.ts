import type { LxcEngine } from "./engine";
import {
  MIGRATION_MARKER_FILE,
  METADATA_FILE,
  containerDir,
  isOverlayRootfs,
  serializeMetadata,
  type ContainerMetadata,
} from "./config";
import { writeNodeFile } from "./templates";
import { diskPathsOf, releaseDisk } from "./disk";

/** Rootfs streams between machines go through the app's memory: bounded, and documented as such. */
const STREAM_MAX_BYTES = 4 * 1024 * 1024 * 1024;
const COPY_TIMEOUT_MS = 30 * 60_000;

interface MigrationMarker {
  target: string;
  wasRunning: boolean;
}

/**
 * Offline migration between two lxc nodes, resumable at every phase because each phase is
 * idempotent and detectable from disk:
 *  1. marker   — source/<name>/hostplane-migration.json records the target and whether the
 *                container was running (so a resumed run restores the right state);
 *  2. stop     — on the source (no-op when stopped);
 *  3. copy     — into <target lxcpath>/.migrating-<name>, config rewritten for the target's
 *                lxcpath and bridge, then renamed into place; the target's hostplane.json is
 *                written last and is the "copy complete" mark;
 *  4. start    — on the target if it was running; the target routes the unchanged IP
 *                (see ensureContainerRoute);
 *  5. destroy  — on the source, which also drops the marker.
 * A rerun skips every phase whose result is already on disk.
 */
export async function migrateLxc(options: { source: LxcEngine; target: LxcEngine; name: string }): Promise<void> {
  const { source, target, name } = options;
  const sourceMeta = await source.readMetadata(name);
  const targetMeta = await target.readMetadata(name);
  if (!sourceMeta) {
    if (!targetMeta)
      throw source.commands.failure({
        argv: ["migrate", name],
        reason: "not_found",
        message: `container ${name} exists neither on ${source.node.name} nor on ${target.node.name}`,
      });
    return; // finished earlier: the source was already destroyed after the target started
  }
  const marker = (await readMarker({ engine: source, name })) ?? (await writeMarker({ source, target, name }));
  await source.stop(name);
  if (!targetMeta) await copyContainer({ source, target, name, metadata: sourceMeta });
  if (marker.wasRunning) await target.start(name);
  await source.destroy(name);
}

async function readMarker(options: { engine: LxcEngine; name: string }): Promise<MigrationMarker | null> {
  const path = `${containerDir({ lxcPath: options.engine.settings.lxcPath, name: options.name })}/${MIGRATION_MARKER_FILE}`;
  const result = await options.engine.commands.run(["cat", "--", path]);
  if (result.code !== 0) return null;
  try {
    return JSON.parse(result.stdout) as MigrationMarker;
  } catch {
    return null;
  }
}

async function writeMarker(options: { source: LxcEngine; target: LxcEngine; name: string }): Promise<MigrationMarker> {
  const { source, target, name } = options;
  const info = await source.requireContainer(name);
  const marker: MigrationMarker = { target: target.node.name, wasRunning: info.state === "running" };
  const path = `${containerDir({ lxcPath: source.settings.lxcPath, name })}/${MIGRATION_MARKER_FILE}`;
  await writeNodeFile({ commands: source.commands, path, content: `${JSON.stringify(marker)}\n` });
  return marker;
}

async function copyContainer(options: {
  source: LxcEngine;
  target: LxcEngine;
  name: string;
  metadata: ContainerMetadata;
}): Promise<void> {
  const { source, target, name, metadata } = options;
  const sourceDir = containerDir({ lxcPath: source.settings.lxcPath, name });
  const finalDir = containerDir({ lxcPath: target.settings.lxcPath, name });
  const stagingDir = `${target.settings.lxcPath.replace(/\/+$/, "")}/.migrating-${name}`;
  const config = await source.commands.check(["cat", "--", `${sourceDir}/config`]);
  if (isOverlayRootfs(config.stdout)) {
    throw source.commands.failure({
      argv: ["migrate", name],
      reason: "unsupported",
      message: `${name} is an overlay snapshot clone; its template is not on ${target.node.name}`,
    });
  }
  // The disk image is copied as a file: unmounted first (the container is stopped), so every
  // write has reached it; the target mounts it again on start.
  await releaseDisk(source.commands, diskPathsOf({ lxcPath: source.settings.lxcPath, name }));
  // Anything here is from an interrupted copy (no target metadata yet): start over.
  await target.commands.check(["rm", "-rf", "--", stagingDir, finalDir]);
  await target.commands.check(["mkdir", "-p", "--", stagingDir]);
  if (source.runner.identity.machine === target.runner.identity.machine) {
    await target.commands.check(["cp", "-a", "--sparse=always", "--", `${sourceDir}/.`, `${stagingDir}/`], {
      timeoutMs: COPY_TIMEOUT_MS,
    });
  } else {
    const archive = await source.commands.check(
      ["tar", "--numeric-owner", "--sparse", "-C", sourceDir, "-cpf", "-", "."],
      {
        timeoutMs: COPY_TIMEOUT_MS,
        maxBufferBytes: STREAM_MAX_BYTES,
      },
    );
    await target.commands.check(["tar", "--numeric-owner", "-C", stagingDir, "-xpf", "-"], {
      timeoutMs: COPY_TIMEOUT_MS,
      input: archive.stdoutBytes,
    });
  }
  await target.commands.check([
    "rm",
    "-f",
    "--",
    `${stagingDir}/${METADATA_FILE}`,
    `${stagingDir}/${MIGRATION_MARKER_FILE}`,
  ]);
  await target.commands.check(["mv", "-T", "--", stagingDir, finalDir]);
  await target.prepareHost();
  await target.writeContainerConfig({ metadata });
  await writeNodeFile({
    commands: target.commands,
    path: `${finalDir}/${METADATA_FILE}`,
    content: serializeMetadata(metadata),
  });
}
