// Deploy archives uploaded by tenants. An upload is streamed to disk (receiveArchive), then read entry by entry and
// rewritten as a normalised .tar.gz (normalizeArchive) that holds only regular files, directories and symlinks that
// stay inside the tree, with relative paths, plain modes and root ownership, so that extracting it inside a container
// can neither write outside the target directory nor create devices, hard links or setuid files.
//
// normalizeArchive reads the source twice: whether to strip a single top directory and whether symlinks stay inside
// the tree are only known once every entry has been seen, and the output is streamed, so the first pass checks and
// the second writes. Nothing is ever buffered whole except symlink targets (at most 4 KiB each).
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { crc32, createGzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { pack as tarPack, type Header as TarHeader, type Pack } from "tar-stream";
import { getFileNameLowLevel, openPromise as openZip, type Entry as ZipEntry, type ZipFile } from "yauzl";
import { AppError } from "@/lib/errors";

export type ArchiveFormat = "tar.gz" | "zip";

const MiB = 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_MAX_UNPACKED_BYTES = 1024 * MiB;
// Linux's PATH_MAX: nothing longer can be created by the extracting tar anyway.
const MAX_PATH_BYTES = 4096;
// Symlinks are remembered between the two passes; this bounds that memory (100,000 links of 160 bytes each).
const MAX_SYMLINK_BYTES = 16 * MiB;
// Like the kernel's MAXSYMLINKS: a chain longer than this cannot be followed, so it cannot be proven to stay inside.
const MAX_SYMLINK_HOPS = 40;
// tar-stream writes mtime as a signed 32-bit number of seconds.
const MAX_MTIME_SECONDS = 2 ** 31 - 1;

/** From the uploaded file name (".tar.gz", ".tgz", ".zip", case-insensitive); null otherwise. */
export function archiveFormatOf(fileName: string): ArchiveFormat | null {
  const name = fileName.trim().toLowerCase();
  if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) return "tar.gz";
  if (name.endsWith(".zip")) return "zip";
  return null;
}

function refuse(message: string): AppError {
  return new AppError("VALIDATION", message, { fieldErrors: { archive: [message] } });
}

/** "12 MiB", "1.5 MiB", "0.25 MiB": whole numbers when the limit is one, two significant digits below 1 MiB. */
function mib(bytes: number): string {
  const n = bytes / MiB;
  if (Number.isInteger(n) || n >= 10) return `${Math.round(n)} MiB`;
  if (n >= 1) return `${Number(n.toFixed(1))} MiB`;
  return `${Number(n.toPrecision(2))} MiB`;
}

/** An entry name as users see it in messages: quoted, control characters escaped, long names shortened. */
function shown(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}

// ---------------------------------------------------------------------------------------------------------------
// Receiving

/**
 * Streams `body` to a new file in `dir` (created 0700 if missing; file mode 0600, random name), computing sha256 and the size
 * as it goes. Never holds the whole body in memory. Over `maxBytes` → stops reading, deletes the partial file,
 * throws AppError VALIDATION "The archive is larger than the N MiB limit." (N = maxBytes / MiB, rounded sensibly).
 * Empty body → VALIDATION error. Any error deletes the partial file.
 */
export async function receiveArchive(options: {
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream;
  dir: string;
  maxBytes: number;
}): Promise<{ path: string; sha256: string; bytes: number }> {
  const { body, dir, maxBytes } = options;
  if (!(maxBytes > 0)) throw new RangeError("receiveArchive: maxBytes must be positive");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `upload-${randomBytes(16).toString("hex")}`);
  // "wx": a name collision must never truncate someone else's upload.
  const handle = await open(file, "wx", 0o600);
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    for await (const chunk of chunksOf(body)) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw refuse(`The archive is larger than the ${mib(maxBytes)} limit.`);
      hash.update(chunk);
      for (let offset = 0; offset < chunk.byteLength;) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    }
    if (bytes === 0) throw refuse("The uploaded archive is empty.");
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
  return { path: file, sha256: hash.digest("hex"), bytes };
}

function isWebStream(body: ReadableStream<Uint8Array> | NodeJS.ReadableStream): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream<Uint8Array>).getReader === "function";
}

/** The body's chunks; leaving the loop early cancels (web) or destroys (node) the source, so reading stops. */
async function* chunksOf(body: ReadableStream<Uint8Array> | NodeJS.ReadableStream): AsyncGenerator<Uint8Array> {
  if (isWebStream(body)) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // Not awaited: a source that never settles its cancel must not hold up the refusal.
      reader.cancel().catch(() => undefined);
    }
  } else {
    for await (const chunk of body) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading tar and zip into one shape

type Kind = "file" | "directory" | "symlink";

/** One entry as read from either format, before any checks. */
interface SourceEntry {
  name: string;
  /** What it is, or (for anything but the three kinds kept) a phrase naming what it is. */
  kind: Kind | { unsupported: string };
  mode: number;
  mtime: Date | undefined;
  /** Bytes of file content; 0 for directories and symlinks. */
  size: number;
  linkTarget?: string;
}

type Visit = (entry: SourceEntry, data: AsyncIterable<Buffer> | null) => Promise<void>;

class CorruptArchiveError extends Error {}

function corrupt(reason: string): AppError {
  const short = reason.split(/\.\s/)[0].replace(/[.\s]+$/, "");
  const clipped = short.length > 200 ? `${short.slice(0, 200)}…` : short;
  return refuse(`The archive is corrupt or not a .tar.gz/.zip file: ${clipped || "unreadable"}.`);
}

/** Parse failures become the user-facing "corrupt" refusal; refusals and I/O errors on our own files pass through. */
function asArchiveError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof CorruptArchiveError) return corrupt(error.message);
  if (error instanceof TypeError || !(error instanceof Error)) return error;
  if (typeof (error as NodeJS.ErrnoException).syscall === "string") return error;
  return corrupt(error.message.replace(/^TAR_[A-Z_]+: /, ""));
}

const TAR_UNSUPPORTED: Record<string, string> = {
  Link: "a hard link",
  CharacterDevice: "a character device",
  BlockDevice: "a block device",
  FIFO: "a FIFO (named pipe)",
};

function tarSourceEntry(entry: ReadEntry): SourceEntry {
  let kind: SourceEntry["kind"];
  switch (entry.type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
      kind = "file";
      break;
    case "Directory":
      kind = "directory";
      break;
    case "SymbolicLink":
      kind = "symlink";
      break;
    default:
      kind = {
        unsupported:
          TAR_UNSUPPORTED[entry.type] ??
          (entry.meta ? "an oversized extended header" : `an unsupported tar entry (type ${entry.type})`),
      };
  }
  return {
    name: entry.path,
    kind,
    mode: entry.mode ?? 0o644,
    mtime: entry.mtime,
    size: kind === "file" ? entry.size : 0,
    linkTarget: kind === "symlink" ? (entry.linkpath ?? "") : undefined,
  };
}

/**
 * Calls `visit` for each entry in order, one at a time; file data is the entry stream itself (drained afterwards if
 * the visitor did not read it). `strict` turns node-tar's warnings (bad checksum, truncation, gzip errors) into errors.
 *
 * node-tar's own bomb guard (a decompression ratio over 1000) is off: gzip peaks near 1030:1, so it refuses honest
 * archives holding a large run of zeros. Instead everything decompressed is bounded by the limits: file bytes and
 * entries by the visitor, extended headers (up to 1 MiB each, larger ones are refused) here.
 */
function readTar(source: string, visit: Visit, limits: Limits): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const input = createReadStream(source);
    const parser = new Parser({ strict: true, brotli: false, zstd: false, maxDecompressionRatio: Infinity });
    let failed = false;
    let sawEof = false;
    let entriesSeen = 0;
    let metaEntries = 0;
    let metaBytes = 0;
    let chain = Promise.resolve();
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      input.destroy();
      reject(error);
    };
    const enqueue = (step: () => Promise<void>) => {
      chain = chain.then(() => (failed ? undefined : step())).catch(fail);
    };
    parser.on("entry", (entry: ReadEntry) => {
      entriesSeen++;
      enqueue(async () => {
        const sourceEntry = tarSourceEntry(entry);
        await visit(sourceEntry, sourceEntry.kind === "file" ? entry : null);
        entry.resume();
      });
    });
    // node-tar skips entry types it does not know (sparse files, ACLs, …); here they are refused, not skipped.
    parser.on("ignoredEntry", (entry: ReadEntry) => {
      entriesSeen++;
      enqueue(() => visit(tarSourceEntry(entry), null));
    });
    parser.on("meta", (meta: string) => {
      metaEntries++;
      metaBytes += meta.length;
      if (metaEntries > limits.maxEntries) fail(tooManyEntries(limits));
      else if (metaBytes > limits.maxUnpackedBytes) fail(tooLargeUnpacked(limits));
    });
    parser.on("eof", () => (sawEof = true));
    parser.on("error", (error: Error & { tarCode?: string }) => {
      // A well-formed tar with no entries at all (just the end-of-archive blocks) is empty, not corrupt.
      const empty = error.tarCode === "TAR_BAD_ARCHIVE" && sawEof && entriesSeen === 0;
      fail(
        empty ? refuse("The archive is empty.") : new CorruptArchiveError(error.message.replace(/^TAR_[A-Z_]+: /, "")),
      );
    });
    parser.on("end", () => enqueue(async () => resolve()));
    input.on("error", fail);
    input.pipe(parser);
  });
}

// Unix file types in the upper 16 bits of a zip entry's external attributes.
const S_IFMT = 0o170000;
const ZIP_UNIX_TYPES: Record<number, Kind | { unsupported: string }> = {
  0o100000: "file",
  0o040000: "directory",
  0o120000: "symlink",
  0o020000: { unsupported: "a character device" },
  0o060000: { unsupported: "a block device" },
  0o010000: { unsupported: "a FIFO (named pipe)" },
  0o140000: { unsupported: "a socket" },
};

function zipKind(name: string, unixMode: number): SourceEntry["kind"] {
  const type = unixMode & S_IFMT;
  if (type === 0) return name.endsWith("/") ? "directory" : "file";
  const kind = ZIP_UNIX_TYPES[type] ?? { unsupported: `an entry of unknown unix type 0o${type.toString(8)}` };
  // Some tools mark directories as regular files and rely on the trailing slash.
  return kind === "file" && name.endsWith("/") ? "directory" : kind;
}

/** The entry's content, checked against the CRC-32 in the central directory (yauzl checks sizes, not checksums). */
async function* zipData(zip: ZipFile, entry: ZipEntry, name: string): AsyncGenerator<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  let crc = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    crc = crc32(chunk, crc);
    yield chunk;
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) throw new CorruptArchiveError(`checksum mismatch in ${shown(name)}`);
}

function checkZipReadable(entry: ZipEntry, name: string): void {
  if (entry.isEncrypted()) throw refuse(`${shown(name)} in the archive is encrypted; upload an unencrypted archive.`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw refuse(
      `${shown(name)} in the archive uses an unsupported compression method (${entry.compressionMethod}); ` +
        "only stored and deflated entries can be read.",
    );
  }
}

async function readZipSymlinkTarget(zip: ZipFile, entry: ZipEntry, name: string): Promise<string> {
  if (entry.uncompressedSize > MAX_PATH_BYTES) {
    throw refuse(
      `${shown(name)} in the archive is a symbolic link whose target is longer than ${MAX_PATH_BYTES} bytes.`,
    );
  }
  checkZipReadable(entry, name);
  const chunks: Buffer[] = [];
  for await (const chunk of zipData(zip, entry, name)) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Calls `visit` for each entry in central-directory order; file data is opened only when `withData` is set. */
async function readZip(source: string, visit: Visit, withData: boolean): Promise<void> {
  // decodeStrings: false so that names are checked (and refusals worded) here rather than by yauzl.
  const zip = await openZip(source, { lazyEntries: true, autoClose: false, decodeStrings: false });
  try {
    for await (const entry of zip.eachEntry()) {
      const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      const unixMode = entry.externalFileAttributes >>> 16;
      const kind = zipKind(name, unixMode);
      const sourceEntry: SourceEntry = {
        name,
        kind,
        mode: unixMode === 0 ? 0o644 : unixMode & 0o7777,
        mtime: entry.getLastModDate(),
        size: kind === "file" ? entry.uncompressedSize : 0,
      };
      if (kind === "symlink") {
        // The name is checked before the target is read, so that a refusal names the entry's real problem.
        checkName(name);
        sourceEntry.linkTarget = await readZipSymlinkTarget(zip, entry, name);
      }
      if (kind === "file") checkZipReadable(entry, name);
      await visit(sourceEntry, withData && kind === "file" ? zipData(zip, entry, name) : null);
    }
  } finally {
    zip.close();
  }
}

async function readArchive(
  source: string,
  format: ArchiveFormat,
  limits: Limits,
  visit: Visit,
  withData: boolean,
): Promise<void> {
  try {
    if (format === "zip") await readZip(source, visit, withData);
    else await readTar(source, visit, limits);
  } catch (error) {
    throw asArchiveError(error);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks shared by both passes

/** A checked entry: `path` is relative, normalised, without trailing slash, before any prefix is stripped. */
interface Item {
  name: string;
  path: string;
  kind: Kind;
  mode: number;
  mtime: Date;
  size: number;
  linkTarget?: string;
}

/** Segments of a checked path (refusing what could escape or cannot be created); [] for the root itself. */
function checkName(name: string): string[] {
  if (name === "") throw refuse("An entry in the archive has an empty name.");
  if (name.includes("\0")) throw refuse(`${shown(name)} in the archive has a NUL byte in its name.`);
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) {
    throw refuse(`${shown(name)} in the archive has a path longer than ${MAX_PATH_BYTES} bytes.`);
  }
  // Drive letters too: "C:/x" is relative on Linux but says the archive was made to be unpacked at a fixed place.
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) {
    throw refuse(`${shown(name)} in the archive has an absolute path.`);
  }
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw refuse(`${shown(name)} in the archive has a ".." path segment.`);
  return segments;
}

/** `target` followed lexically from the directory `base`; null when it climbs above the root. */
function resolveLexically(base: string[], target: string): string[] | null {
  const stack = [...base];
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (stack.length === 0) return null;
      stack.pop();
    } else stack.push(segment);
  }
  return stack;
}

function checkLinkTarget(name: string, segments: string[], target: string): void {
  if (target === "") throw refuse(`${shown(name)} in the archive is a symbolic link with an empty target.`);
  if (target.includes("\0"))
    throw refuse(`${shown(name)} in the archive is a symbolic link with a NUL byte in its target.`);
  if (Buffer.byteLength(target) > MAX_PATH_BYTES) {
    throw refuse(
      `${shown(name)} in the archive is a symbolic link whose target is longer than ${MAX_PATH_BYTES} bytes.`,
    );
  }
  if (target.startsWith("/")) {
    throw refuse(`${shown(name)} in the archive is a symbolic link to an absolute path (${shown(target)}).`);
  }
  if (resolveLexically(segments.slice(0, -1), target) === null) {
    throw refuse(
      `${shown(name)} in the archive is a symbolic link that points outside the archive (${shown(target)}).`,
    );
  }
}

function normalMode(kind: Kind, mode: number): number {
  if (kind === "directory") return 0o755;
  if (kind === "symlink") return 0o777;
  return mode & 0o111 ? 0o755 : 0o644;
}

function normalMtime(mtime: Date | undefined): Date {
  const seconds = mtime ? Math.floor(mtime.getTime() / 1000) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0) return new Date(0);
  return new Date(Math.min(seconds, MAX_MTIME_SECONDS) * 1000);
}

interface Limits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

function tooManyEntries(limits: Limits): AppError {
  return refuse(`The archive has more than ${limits.maxEntries.toLocaleString("en-US")} entries.`);
}

function tooLargeUnpacked(limits: Limits): AppError {
  return refuse(`The archive is larger than the ${mib(limits.maxUnpackedBytes)} limit once unpacked.`);
}

/** Per-pass running totals; `check` refuses as soon as a limit is crossed. */
class Tally {
  entriesRead = 0;
  files = 0;
  unpackedBytes = 0;

  constructor(private readonly limits: Limits) {}

  /** The checked entry, or null for the archive root ("./"), which is implied. */
  check(entry: SourceEntry): Item | null {
    this.entriesRead++;
    if (this.entriesRead > this.limits.maxEntries) {
      throw tooManyEntries(this.limits);
    }
    const segments = checkName(entry.name);
    if (typeof entry.kind !== "string") {
      throw refuse(
        `${shown(entry.name)} in the archive is ${entry.kind.unsupported}; ` +
          "only regular files, directories and symbolic links are allowed.",
      );
    }
    const kind = entry.kind;
    if (segments.length === 0) {
      if (kind === "directory") return null;
      throw refuse(`${shown(entry.name)} in the archive has an empty name.`);
    }
    if (kind === "symlink") checkLinkTarget(entry.name, segments, entry.linkTarget ?? "");
    if (kind === "file") {
      this.files++;
      this.unpackedBytes += entry.size;
      if (this.unpackedBytes > this.limits.maxUnpackedBytes) {
        throw tooLargeUnpacked(this.limits);
      }
    }
    return {
      name: entry.name,
      path: segments.join("/"),
      kind,
      mode: normalMode(kind, entry.mode),
      mtime: normalMtime(entry.mtime),
      size: kind === "file" ? entry.size : 0,
      linkTarget: kind === "symlink" ? entry.linkTarget : undefined,
    };
  }
}

/** Tracks whether every entry sits under one top directory, as in GitHub's "myapp-1.2/…" downloads. */
class TopDirectory {
  private top: string | null | undefined = undefined;
  private nested = false;

  see(item: Item): void {
    if (this.top === null) return;
    const slash = item.path.indexOf("/");
    const first = slash === -1 ? item.path : item.path.slice(0, slash);
    // A top-level file or symlink means the archive root already is the project root.
    if ((slash === -1 && item.kind !== "directory") || (this.top !== undefined && this.top !== first)) {
      this.top = null;
      return;
    }
    this.top = first;
    if (slash !== -1) this.nested = true;
  }

  get prefix(): string | null {
    return this.top && this.nested ? this.top : null;
  }
}

/** `p` relative to the output root: null for the stripped directory itself. */
function stripped(p: string, prefix: string | null): string | null {
  if (prefix === null) return p;
  return p === prefix ? null : p.slice(prefix.length + 1);
}

interface SymlinkInfo {
  name: string;
  target: string;
}

/**
 * Follows `target` from `base` through the archive's own symlinks, the way the kernel would once it is extracted.
 * The lexical check alone is not enough: with "a" → "." and "b" → "a/..", "b" is lexically the root but really its
 * parent. Null when the path leaves the root.
 */
function resolveInTree(
  base: string[],
  target: string,
  links: Map<string, SymlinkInfo>,
  budget: { hops: number },
  name: string,
): string[] | null {
  let stack = [...base];
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (stack.length === 0) return null;
      stack.pop();
      continue;
    }
    stack.push(segment);
    const link = links.get(stack.join("/"));
    if (link === undefined) continue;
    if (--budget.hops < 0) {
      throw refuse(`${shown(name)} in the archive is a symbolic link with too many levels of links to check.`);
    }
    const resolved = resolveInTree(stack.slice(0, -1), link.target, links, budget, name);
    if (resolved === null) return null;
    stack = resolved;
  }
  return stack;
}

function checkSymlinksStayInside(links: Map<string, SymlinkInfo>, order: [string, SymlinkInfo][]): void {
  for (const [p, { name, target }] of order) {
    const base = p.split("/").slice(0, -1);
    const outside =
      resolveLexically(base, target) === null ||
      resolveInTree(base, target, links, { hops: MAX_SYMLINK_HOPS }, name) === null;
    if (outside) {
      throw refuse(
        `${shown(name)} in the archive is a symbolic link that points outside the archive (${shown(target)}).`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** A gzip tar written entry by entry with tar-stream; content is streamed with backpressure, never buffered whole. */
class TarGzWriter {
  private readonly pack: Pack = tarPack();
  private readonly file: WriteStream;
  private readonly done: Promise<void>;

  constructor(dest: string) {
    this.file = createWriteStream(dest, { mode: 0o600 });
    this.done = pipeline(this.pack, createGzip(), this.file);
    // Observed by finish(); until then a failure surfaces through the entry being written.
    this.done.catch(() => undefined);
  }

  async add(header: TarEntryHeader, data: AsyncIterable<Buffer> | null): Promise<void> {
    let sink: ReturnType<Pack["entry"]> | undefined;
    const written = new Promise<void>((resolve, reject) => {
      sink = this.pack.entry(header, (error) => (error ? reject(error) : resolve()));
    });
    written.catch(() => undefined);
    if (data && sink) {
      for await (const chunk of data) {
        if (!sink.write(chunk)) await Promise.race([once(sink, "drain"), this.done.then(() => undefined)]);
      }
      sink.end(null);
    }
    await Promise.race([written, this.done]);
  }

  async finish(): Promise<void> {
    this.pack.finalize();
    await this.done;
  }

  /** Stops writing and waits until the file is closed, so that deleting it afterwards cannot race its opening. */
  async destroy(): Promise<void> {
    this.pack.destroy();
    this.file.destroy();
    // Not once(): destroying mid-write makes the file stream emit an error, which is expected here.
    if (!this.file.closed) await new Promise<void>((resolve) => this.file.once("close", () => resolve()));
  }
}

type TarEntryHeader = Partial<TarHeader> & Pick<TarHeader, "name">;

function headerFor(item: Item, outputPath: string): TarEntryHeader {
  const common = { mode: item.mode, uid: 0, gid: 0, uname: "", gname: "", mtime: item.mtime };
  if (item.kind === "directory") return { ...common, name: `${outputPath}/`, type: "directory" };
  if (item.kind === "symlink") return { ...common, name: outputPath, type: "symlink", linkname: item.linkTarget };
  return { ...common, name: outputPath, type: "file", size: item.size };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalising

/**
 * Reads the received archive (in `format`, see archiveFormatOf) entry by entry and writes a normalised gzip tar to `dest`
 * with only regular files, directories and symlinks whose target stays inside the tree; paths relative, normalised
 * (no leading "./" needed), modes masked to 0o755/0o644 style (keep the executable bit), owners 0:0, mtime kept.
 * Refuses (AppError VALIDATION naming the first offending entry, and deletes `dest`):
 *  - absolute paths, any ".." path segment, empty names, NUL bytes, paths longer than 4096 bytes;
 *  - hard links, device files (char/block), FIFOs, sockets, any other non-file type;
 *  - symlinks that are absolute or that resolve (lexically, relative to their own directory) outside the archive root
 *    (also when followed through the archive's other symlinks), and entries that sit beneath a symlink;
 *  - more than `maxEntries` entries (default 100_000) or more than `maxUnpackedBytes` total file bytes (default 1 GiB);
 *  - a corrupt or truncated archive → "The archive is corrupt or not a .tar.gz/.zip file: <short reason>.";
 *  - an archive with no regular file → "The archive is empty."
 * If every top-level entry sits in one single directory (e.g. "myapp-1.2/…"), that directory is stripped so the tree's
 * root is the project root (reported as `strippedPrefix`). `entries` counts what was written (files, directories,
 * symlinks); `maxEntries` applies to what was read.
 */
export async function normalizeArchive(options: {
  source: string;
  format: ArchiveFormat;
  dest: string;
  maxEntries?: number;
  maxUnpackedBytes?: number;
}): Promise<{ entries: number; files: number; unpackedBytes: number; strippedPrefix: string | null }> {
  const { source, format, dest } = options;
  const limits: Limits = {
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    maxUnpackedBytes: options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES,
  };
  let writer: TarGzWriter | undefined;
  try {
    // Pass 1: check every entry, find the top directory and the symlinks; write nothing.
    const survey = new Tally(limits);
    const top = new TopDirectory();
    const symlinks: Item[] = [];
    let symlinkBytes = 0;
    await readArchive(
      source,
      format,
      limits,
      async (entry) => {
        const item = survey.check(entry);
        if (item === null) return;
        top.see(item);
        if (item.kind === "symlink") {
          symlinkBytes += item.path.length + (item.linkTarget ?? "").length;
          if (symlinkBytes > MAX_SYMLINK_BYTES) throw refuse("The archive has too many symbolic links.");
          symlinks.push(item);
        }
      },
      false,
    );
    if (survey.files === 0) throw refuse("The archive is empty.");
    const prefix = top.prefix;
    const links = new Map<string, SymlinkInfo>();
    const order: [string, SymlinkInfo][] = [];
    for (const item of symlinks) {
      const p = stripped(item.path, prefix);
      if (p === null) continue;
      const info = { name: item.name, target: item.linkTarget ?? "" };
      links.set(p, info);
      order.push([p, info]);
    }
    checkSymlinksStayInside(links, order);

    // Pass 2: the same checks again (the file is ours and unchanged), now writing.
    const output = new TarGzWriter(dest);
    writer = output;
    const tally = new Tally(limits);
    let entries = 0;
    await readArchive(
      source,
      format,
      limits,
      async (entry, data) => {
        const item = tally.check(entry);
        const p = item && stripped(item.path, prefix);
        if (!item || p === null) return;
        // Extracting "a/x" after "a" became a symlink would write wherever "a" points.
        const segments = p.split("/");
        for (let i = 1; i < segments.length; i++) {
          const link = links.get(segments.slice(0, i).join("/"));
          if (link) {
            throw refuse(`${shown(item.name)} in the archive is inside the symbolic link ${shown(link.name)}.`);
          }
        }
        await output.add(headerFor(item, p), item.kind === "file" ? data : null);
        entries++;
      },
      true,
    );
    await output.finish();
    return { entries, files: tally.files, unpackedBytes: tally.unpackedBytes, strippedPrefix: prefix };
  } catch (error) {
    await writer?.destroy();
    await rm(dest, { force: true });
    throw error;
  }
}
