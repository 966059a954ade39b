import { pack as tarPack } from "tar-stream";
import type { NodeCommands } from "../command";
import { assertOperand } from "../../transport/quote";
import { asMappedRoot, type IdMap } from "./config";

/** A file written into a container's layer: its path below the layer, content and octal mode. */
export interface LayerFile {
  /** Relative to the directory it is written into ("etc/hosts"); no "." or ".." segments. */
  path: string;
  content: string;
  /** Octal permission string, e.g. "0644". */
  mode: string;
}

const SEGMENT = /^[A-Za-z0-9._@+-]+$/;
const MODE = /^0?[0-7]{3,4}$/;

/** Refuses paths that could leave the directory they are written into, or that tar would read as options. */
export function assertLayerPath(path: string): string {
  const segments = path.split("/");
  if (
    path.length === 0 ||
    path.length > 255 ||
    segments.some((s) => !SEGMENT.test(s) || s === "." || s === "..") ||
    path.startsWith("-")
  )
    throw new TypeError(`invalid layer file path ${JSON.stringify(path)}`);
  return path;
}

/** An uncompressed tar of the files (owned by uid/gid 0, modes as given), built in memory: they are small. */
export async function packLayerFiles(files: LayerFile[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const mtime = new Date();
  for (const file of files) {
    if (!MODE.test(file.mode)) throw new TypeError(`invalid mode ${JSON.stringify(file.mode)} for ${file.path}`);
    const content = Buffer.from(file.content, "utf8");
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        {
          name: assertLayerPath(file.path),
          mode: parseInt(file.mode, 8),
          uid: 0,
          gid: 0,
          uname: "",
          gname: "",
          mtime,
          type: "file",
          size: content.length,
        },
        content,
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/**
 * Writes files below `dir` in one command: a tar unpacked as the container's root (mapped ids), so
 * every file is owned by root inside and nothing the container planted can make the write land
 * where an unprivileged id could not. Missing parent directories are created; an existing file
 * (or a symlink in its place) is replaced, never followed. One process instead of a mkdir, tee
 * and chmod per file: each spawned command costs tens of milliseconds while a node is busy.
 */
export async function writeLayerFiles(options: {
  commands: NodeCommands;
  idmap: IdMap;
  dir: string;
  files: LayerFile[];
}): Promise<void> {
  if (options.files.length === 0) return;
  const dir = assertOperand(options.dir, "dir");
  const archive = await packLayerFiles(options.files);
  await options.commands.check(
    asMappedRoot(options.idmap, ["tar", "-x", "-f", "-", "-C", dir, "--numeric-owner", "--no-overwrite-dir"]),
    { input: archive },
  );
}
