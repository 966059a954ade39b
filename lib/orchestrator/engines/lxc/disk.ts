import type { NodeCommands } from "../command";
import { DISK_IMAGE_FILE, DISK_MOUNT_DIR, containerDir, type IdMap } from "./config";

/**
 * Disk limits on lxc nodes: every container's writable layer (the rootfs of a busybox
 * container, the overlay upper + work directories of a snapshot clone) lives on its own sparse
 * ext4 image, <container dir>/disk.img, loop-mounted at <container dir>/disk. Writing past the
 * image's size fails inside the container with ENOSPC, whatever the backing filesystem of the
 * lxcpath. Sparse: an empty 10 GiB image takes a few MiB on the host until written.
 *
 * The mount is not persistent (fstab): start() mounts it when missing (after a node reboot),
 * and a container whose image is not mounted cannot start at all (its rootfs or upper
 * directory is missing under the empty mount point), so it never runs on the unlimited host
 * filesystem by accident.
 */
export interface DiskPaths {
  image: string;
  mount: string;
}

export function diskPathsOf(options: { lxcPath: string; name: string }): DiskPaths {
  const dir = containerDir(options);
  return { image: `${dir}/${DISK_IMAGE_FILE}`, mount: `${dir}/${DISK_MOUNT_DIR}` };
}

const MOUNT_OPTIONS = "loop,nodev,nosuid,discard";
const GIB = 1024 ** 3;

/** Image size in bytes for a limit in GiB (fractions allowed), rounded up to whole 4 KiB blocks. */
export function diskBytesFor(diskGib: number): number {
  return Math.ceil((diskGib * GIB) / 4096) * 4096;
}

export async function isDiskMounted(commands: NodeCommands, paths: DiskPaths): Promise<boolean> {
  return (await commands.run(["mountpoint", "-q", "--", paths.mount])).code === 0;
}

/**
 * Creates (or recreates) the image with the given size, owned inside by the container's root,
 * and mounts it. `mkfs -E lazy_*_init` keeps this at a fraction of a second for any size.
 * `fresh`: the container directory was just made, so nothing can be mounted or left at these
 * paths; mkfs then creates the sparse file itself (four commands instead of eight).
 */
export async function createDiskImage(options: {
  commands: NodeCommands;
  paths: DiskPaths;
  diskGib: number;
  idmap: IdMap;
  fresh?: boolean;
}): Promise<void> {
  const { commands, paths, diskGib, idmap } = options;
  if (!options.fresh) {
    if (await isDiskMounted(commands, paths)) await commands.check(["umount", "--", paths.mount]);
    await commands.check(["rm", "-f", "--", paths.image]);
  }
  await commands.check(["mkdir", "-p", "--", paths.mount]);
  await commands.check([
    "mkfs.ext4",
    "-q",
    "-F",
    "-m",
    "0",
    "-E",
    `root_owner=${idmap.hostBase}:${idmap.hostBase},lazy_itable_init=1,lazy_journal_init=1`,
    "--",
    paths.image,
    // With a size, mke2fs makes a missing image file itself (sparse), at that size.
    `${diskBytesFor(diskGib) / 1024}k`,
  ]);
  await commands.check(["chmod", "0600", "--", paths.image]);
  await mountImage(commands, paths);
}

/** Mounts the image when it is not mounted yet; true when the container has an image at all. */
export async function ensureDiskMounted(commands: NodeCommands, paths: DiskPaths): Promise<boolean> {
  if (await isDiskMounted(commands, paths)) return true;
  if ((await commands.run(["test", "-f", paths.image])).code !== 0) return false;
  await mountDisk(commands, paths);
  return true;
}

async function mountDisk(commands: NodeCommands, paths: DiskPaths): Promise<void> {
  await commands.check(["mkdir", "-p", "--", paths.mount]);
  await mountImage(commands, paths);
}

async function mountImage(commands: NodeCommands, paths: DiskPaths): Promise<void> {
  const result = await commands.run(["mount", "-o", MOUNT_OPTIONS, "--", paths.image, paths.mount]);
  // A concurrent start may have mounted it meanwhile: that is success.
  if (result.code !== 0 && !(await isDiskMounted(commands, paths)))
    throw commands.failure({ argv: ["mount", paths.image], result });
}

/** Unmounts the image (mount -o loop set autoclear: the loop device goes with it). Idempotent. */
export async function releaseDisk(commands: NodeCommands, paths: DiskPaths): Promise<void> {
  if (!(await isDiskMounted(commands, paths))) return;
  const result = await commands.run(["umount", "--", paths.mount]);
  if (result.code !== 0 && (await isDiskMounted(commands, paths)))
    throw commands.failure({ argv: ["umount", paths.mount], result });
}

/** Current size of the image file in bytes (0 when it does not exist). */
async function imageBytes(commands: NodeCommands, paths: DiskPaths): Promise<number> {
  const size = await commands.run(["stat", "-c", "%s", "--", paths.image]);
  return size.code === 0 ? Number(size.stdout.trim()) : 0;
}

/**
 * Grows the image to the limit, online when it is mounted: a larger file, the loop device told
 * its new capacity, resize2fs on the mounted filesystem. The kernel allows online growth only
 * with CAP_SYS_RESOURCE; where that is missing (some sandboxes) this returns false and the
 * growth is applied by prepareDisk at the container's next start. Shrinking an ext4 filesystem
 * could lose data: a smaller limit keeps the image's size (see README "Tenant isolation").
 */
export async function growDisk(options: {
  commands: NodeCommands;
  paths: DiskPaths;
  diskGib: number;
}): Promise<boolean> {
  const { commands, paths, diskGib } = options;
  const bytes = diskBytesFor(diskGib);
  if ((await imageBytes(commands, paths)) >= bytes) return true;
  if (!(await isDiskMounted(commands, paths))) {
    await growOffline(commands, paths, bytes);
    return true;
  }
  const loops = await commands.check(["losetup", "-j", paths.image, "-O", "NAME", "-n"]);
  const device = loops.stdout.trim().split("\n")[0]?.trim();
  if (!device) return false;
  await commands.check(["truncate", "-s", String(bytes), "--", paths.image]);
  await commands.check(["losetup", "-c", device]);
  const resized = await commands.run(["resize2fs", device], { timeoutMs: 5 * 60_000 });
  return resized.code === 0;
}

async function growOffline(commands: NodeCommands, paths: DiskPaths, bytes: number): Promise<void> {
  await commands.check(["truncate", "-s", String(bytes), "--", paths.image]);
  // resize2fs wants a freshly checked filesystem; -p repairs only what is safe (exit 1 = fixed).
  await commands.check(["e2fsck", "-f", "-p", paths.image], { okCodes: [0, 1], timeoutMs: 5 * 60_000 });
  await commands.check(["resize2fs", paths.image], { timeoutMs: 5 * 60_000 });
}

/**
 * Before a start: the image is at least as large as the limit (growing it offline when an
 * online resize was not possible or the limit grew while it was stopped), then mounted.
 */
export async function prepareDisk(options: {
  commands: NodeCommands;
  paths: DiskPaths;
  diskGib: number;
}): Promise<void> {
  const { commands, paths, diskGib } = options;
  const bytes = diskBytesFor(diskGib);
  const current = await imageBytes(commands, paths);
  const mounted = await isDiskMounted(commands, paths);
  let filesystemBytes = current;
  if (mounted && current >= bytes) {
    // The file may have grown while the filesystem did not (online resize refused): compare.
    const df = await commands.check(["df", "-B1", "--output=size", "--", paths.mount]);
    filesystemBytes = Number(df.stdout.trim().split("\n").pop()!.trim());
  }
  // ext4 keeps a little of the device for itself: within 5 % counts as the full size.
  if (current > 0 && (current < bytes || filesystemBytes < bytes * 0.95)) {
    await releaseDisk(commands, paths);
    await growOffline(commands, paths, Math.max(bytes, current));
    await mountDisk(commands, paths);
  } else if (!mounted && current > 0) await mountDisk(commands, paths);
}
