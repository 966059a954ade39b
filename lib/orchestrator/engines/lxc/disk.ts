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
 */
export async function createDiskImage(options: {
  commands: NodeCommands;
  paths: DiskPaths;
  diskGib: number;
  idmap: IdMap;
}): Promise<void> {
  const { commands, paths, diskGib, idmap } = options;
  if (await isDiskMounted(commands, paths)) await commands.check(["umount", "--", paths.mount]);
  await commands.check(["rm", "-f", "--", paths.image]);
  await commands.check(["mkdir", "-p", "--", paths.mount]);
  await commands.check(["truncate", "-s", String(diskBytesFor(diskGib)), "--", paths.image]);
  await commands.check(["chmod", "0600", "--", paths.image]);
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
  ]);
  await mountDisk(commands, paths);
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

/**
 * Grows a mounted image online: a larger file, the loop device told its new capacity, then
 * resize2fs on the mounted filesystem. Shrinking an ext4 filesystem needs it unmounted and
 * could lose data, so a smaller size is refused here (see README "Tenant isolation").
 */
export async function growDisk(options: { commands: NodeCommands; paths: DiskPaths; diskGib: number }): Promise<void> {
  const { commands, paths, diskGib } = options;
  const size = await commands.check(["stat", "-c", "%s", "--", paths.image]);
  const bytes = diskBytesFor(diskGib);
  if (Number(size.stdout.trim()) >= bytes) return;
  await commands.check(["truncate", "-s", String(bytes), "--", paths.image]);
  if (!(await isDiskMounted(commands, paths))) {
    await commands.check(["e2fsck", "-f", "-p", "--", paths.image], { okCodes: [0, 1] });
    await commands.check(["resize2fs", "--", paths.image], { timeoutMs: 5 * 60_000 });
    return;
  }
  const loops = await commands.check(["losetup", "-j", paths.image, "-O", "NAME", "-n"]);
  const device = loops.stdout.trim().split("\n")[0]?.trim();
  if (!device) throw commands.failure({ argv: ["losetup", "-j", paths.image], message: "no loop device for image" });
  await commands.check(["losetup", "-c", device]);
  await commands.check(["resize2fs", "--", device], { timeoutMs: 5 * 60_000 });
}
