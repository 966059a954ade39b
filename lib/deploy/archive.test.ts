// Real archives, made with the system's tar and zip (or tar-stream, for entries those tools refuse to make), are
// received and normalised; each output is extracted with the system tar, each refusal must leave no output behind.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import { Header as TarHeader, list, type ReadEntry } from "tar";
import { pack as tarPack, type Header } from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { archiveFormatOf, normalizeArchive, receiveArchive } from "./archive";

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "hp-archive-"));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const MiB = 1024 * 1024;

type SyntheticEntry = Partial<Header> & { name: string; content?: string | Buffer };

/** A .tar.gz written entry by entry, so that entries no honest tool would make (devices, "../x") can be tested. */
async function syntheticTarGz(name: string, entries: SyntheticEntry[]): Promise<string> {
  const file = path.join(tmp, name);
  const pack = tarPack();
  const done = pipeline(pack, createGzip(), createWriteStream(file));
  for (const { content, ...header } of entries) {
    if (content === undefined) pack.entry({ mtime: new Date(0), ...header });
    else pack.entry({ mtime: new Date(0), ...header }, content);
  }
  pack.finalize();
  await done;
  return file;
}

/** A small project on disk: nested directories, an executable script, an in-tree symlink. */
async function makeProject(root: string): Promise<void> {
  await mkdir(path.join(root, "src", "lib"), { recursive: true });
  await mkdir(path.join(root, "bin"));
  await writeFile(path.join(root, "package.json"), '{"name":"demo"}\n');
  await writeFile(path.join(root, "src", "index.js"), "console.log('hi');\n");
  await writeFile(path.join(root, "src", "lib", "util.js"), "export const x = 1;\n");
  await writeFile(path.join(root, "bin", "start.sh"), "#!/bin/sh\nexec node src/index.js\n");
  await chmod(path.join(root, "bin", "start.sh"), 0o755);
  await chmod(path.join(root, "package.json"), 0o664);
  await symlink("src/index.js", path.join(root, "main.js"));
}

async function extract(archive: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, "out-"));
  execFileSync("tar", ["-xzf", archive, "-C", dir]);
  return dir;
}

async function headersOf(archive: string): Promise<ReadEntry[]> {
  const entries: ReadEntry[] = [];
  await list({ file: archive, onReadEntry: (e) => void entries.push(e) });
  return entries;
}

async function expectRefusal(promise: Promise<unknown>, message: string | RegExp, dest?: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe("VALIDATION");
  if (typeof message === "string") expect(appError.message).toBe(message);
  else expect(appError.message).toMatch(message);
  expect(appError.fieldErrors).toEqual({ archive: [appError.message] });
  if (dest) expect(existsSync(dest)).toBe(false);
}

async function expectProjectTree(dir: string): Promise<void> {
  expect(await readFile(path.join(dir, "package.json"), "utf8")).toBe('{"name":"demo"}\n');
  expect(await readFile(path.join(dir, "src", "lib", "util.js"), "utf8")).toBe("export const x = 1;\n");
  expect((await stat(path.join(dir, "bin", "start.sh"))).mode & 0o777).toBe(0o755);
  expect((await stat(path.join(dir, "package.json"))).mode & 0o777).toBe(0o644);
  expect((await lstat(path.join(dir, "main.js"))).isSymbolicLink()).toBe(true);
  expect(await readlink(path.join(dir, "main.js"))).toBe("src/index.js");
  expect(await readFile(path.join(dir, "main.js"), "utf8")).toBe("console.log('hi');\n");
}

describe("archiveFormatOf", () => {
  it.each([
    ["app.tar.gz", "tar.gz"],
    ["APP.TGZ", "tar.gz"],
    ["my.app.Zip", "zip"],
    ["app.tar", null],
    ["app.gz", null],
    ["zip", null],
  ])("%s → %s", (name, format) => {
    expect(archiveFormatOf(name)).toBe(format);
  });
});

describe("normalizeArchive: tar.gz", () => {
  it("normalises a real tar.gz: nested directories, the executable bit, an in-tree symlink, root owners", async () => {
    const project = path.join(tmp, "project");
    await makeProject(project);
    const source = path.join(tmp, "upload.tgz");
    execFileSync("tar", ["-czf", source, "-C", project, "."]);
    const dest = path.join(tmp, "normalised.tar.gz");

    const result = await normalizeArchive({ source, format: "tar.gz", dest });

    expect(result).toMatchObject({ files: 4, strippedPrefix: null });
    const sizes = await Promise.all(
      ["package.json", "src/index.js", "src/lib/util.js", "bin/start.sh"].map((f) => stat(path.join(project, f))),
    );
    expect(result.unpackedBytes).toBe(sizes.reduce((sum, s) => sum + s.size, 0));
    await expectProjectTree(await extract(dest));
    const headers = await headersOf(dest);
    expect(headers.map((h) => h.path).sort()).toEqual([
      "bin/",
      "bin/start.sh",
      "main.js",
      "package.json",
      "src/",
      "src/index.js",
      "src/lib/",
      "src/lib/util.js",
    ]);
    expect(result.entries).toBe(headers.length);
    for (const h of headers) {
      expect([h.uid, h.gid]).toEqual([0, 0]);
      expect(h.mtime?.getTime()).toBeGreaterThan(Date.now() - 3_600_000);
    }
  });

  it("strips a single top directory, as in GitHub's downloads", async () => {
    const project = path.join(tmp, "myapp-1.2");
    await makeProject(project);
    const source = path.join(tmp, "upload.tar.gz");
    execFileSync("tar", ["-czf", source, "-C", tmp, "myapp-1.2"]);
    const dest = path.join(tmp, "normalised.tar.gz");

    const result = await normalizeArchive({ source, format: "tar.gz", dest });

    expect(result.strippedPrefix).toBe("myapp-1.2");
    await expectProjectTree(await extract(dest));
    expect((await headersOf(dest)).every((h) => !h.path.startsWith("myapp-1.2"))).toBe(true);
  });

  it("keeps a single top-level directory when a file sits next to it", async () => {
    const source = await syntheticTarGz("two.tar.gz", [
      { name: "app/", type: "directory" },
      { name: "app/index.js", content: "x" },
      { name: "README", content: "y" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    expect(await normalizeArchive({ source, format: "tar.gz", dest })).toEqual({
      entries: 3,
      files: 2,
      unpackedBytes: 2,
      strippedPrefix: null,
    });
  });

  it("accepts long and non-ASCII names (written with pax headers)", async () => {
    const long = `${"d".repeat(150)}/${"f".repeat(150)}.txt`;
    const source = await syntheticTarGz("long.tar.gz", [
      { name: long, content: "long" },
      { name: "ünïcødé.txt", content: "u" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await normalizeArchive({ source, format: "tar.gz", dest });
    const dir = await extract(dest);
    expect(await readFile(path.join(dir, long), "utf8")).toBe("long");
    expect(await readFile(path.join(dir, "ünïcødé.txt"), "utf8")).toBe("u");
  });

  it("refuses an entry with a '..' segment", async () => {
    const source = await syntheticTarGz("evil.tar.gz", [
      { name: "ok.txt", content: "fine" },
      { name: "../evil", content: "boom" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"../evil" in the archive has a ".." path segment.',
      dest,
    );
  });

  it("refuses an absolute path", async () => {
    const source = await syntheticTarGz("abs.tar.gz", [
      { name: "/etc/passwd", content: "root:x:0:0::/root:/bin/sh\n" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"/etc/passwd" in the archive has an absolute path.',
      dest,
    );
  });

  it("refuses a symlink that climbs out of the tree", async () => {
    const source = await syntheticTarGz("link.tar.gz", [
      { name: "a.txt", content: "a" },
      { name: "sub/etc", type: "symlink", linkname: "../../etc" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"sub/etc" in the archive is a symbolic link that points outside the archive ("../../etc").',
      dest,
    );
  });

  it("refuses an absolute symlink", async () => {
    const source = await syntheticTarGz("abslink.tar.gz", [
      { name: "a.txt", content: "a" },
      { name: "etc", type: "symlink", linkname: "/etc" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"etc" in the archive is a symbolic link to an absolute path ("/etc").',
      dest,
    );
  });

  it("refuses a symlink that stays inside lexically but escapes through another symlink", async () => {
    const source = await syntheticTarGz("chain.tar.gz", [
      { name: "a.txt", content: "a" },
      { name: "here", type: "symlink", linkname: "." },
      { name: "up", type: "symlink", linkname: "here/.." },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"up" in the archive is a symbolic link that points outside the archive ("here/..").',
      dest,
    );
  });

  it("refuses a symlink that only stays inside before the top directory is stripped", async () => {
    const source = await syntheticTarGz("strip-link.tar.gz", [
      { name: "app/index.js", content: "x" },
      { name: "app/self", type: "symlink", linkname: "../app/index.js" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      /^"app\/self" in the archive is a symbolic link that points outside the archive/,
      dest,
    );
  });

  it("refuses an entry written through a symlink", async () => {
    const source = await syntheticTarGz("through.tar.gz", [
      { name: "real/", type: "directory" },
      { name: "alias", type: "symlink", linkname: "real" },
      { name: "alias/x.txt", content: "x" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"alias/x.txt" in the archive is inside the symbolic link "alias".',
      dest,
    );
  });

  it.each([
    [{ type: "link", linkname: "a.txt" }, "a hard link"],
    [{ type: "character-device", devmajor: 1, devminor: 3 }, "a character device"],
    [{ type: "block-device", devmajor: 8, devminor: 0 }, "a block device"],
    [{ type: "fifo" }, "a FIFO (named pipe)"],
  ] as const)("refuses %o", async (header, what) => {
    const source = await syntheticTarGz("special.tar.gz", [
      { name: "a.txt", content: "a" },
      { name: "dev/thing", ...header },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      `"dev/thing" in the archive is ${what}; only regular files, directories and symbolic links are allowed.`,
      dest,
    );
  });

  it("refuses entry types node-tar would skip (a GNU sparse file)", async () => {
    // Written with node-tar's Header, block by block: tar-stream cannot emit this type.
    const header = new TarHeader({ path: "sparse.img", type: "SparseFile", mode: 0o644, size: 0, mtime: new Date(0) });
    const block = Buffer.alloc(512);
    header.encode(block);
    const source = path.join(tmp, "sparse.tar.gz");
    await writeFile(source, gzipSync(Buffer.concat([block, Buffer.alloc(1024)])));
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      '"sparse.img" in the archive is an unsupported tar entry (type SparseFile); ' +
        "only regular files, directories and symbolic links are allowed.",
      dest,
    );
  });

  it("refuses random bytes as corrupt", async () => {
    const source = path.join(tmp, "random.tar.gz");
    await writeFile(source, randomBytes(64 * 1024));
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest }),
      /^The archive is corrupt or not a \.tar\.gz\/\.zip file: .+\.$/,
      dest,
    );
  });

  it("refuses a truncated tar.gz as corrupt", async () => {
    const source = await syntheticTarGz("whole.tar.gz", [
      { name: "a.txt", content: "a" },
      { name: "noise.bin", content: randomBytes(256 * 1024) },
    ]);
    const whole = await readFile(source);
    const truncated = path.join(tmp, "truncated.tar.gz");
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source: truncated, format: "tar.gz", dest }),
      /^The archive is corrupt or not a \.tar\.gz\/\.zip file: .+\.$/,
      dest,
    );
  });

  it("refuses an archive with no regular file as empty", async () => {
    const source = await syntheticTarGz("dirs.tar.gz", [
      { name: "a/", type: "directory" },
      { name: "a/b/", type: "directory" },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(normalizeArchive({ source, format: "tar.gz", dest }), "The archive is empty.", dest);
    const none = await syntheticTarGz("none.tar.gz", []);
    await expectRefusal(normalizeArchive({ source: none, format: "tar.gz", dest }), "The archive is empty.", dest);
  });

  it("refuses more file bytes than maxUnpackedBytes, and more entries than maxEntries", async () => {
    const source = await syntheticTarGz("big.tar.gz", [
      { name: "a.bin", content: Buffer.alloc(600) },
      { name: "b.bin", content: Buffer.alloc(600) },
    ]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest, maxUnpackedBytes: MiB / 1024 }),
      "The archive is larger than the 0.00098 MiB limit once unpacked.",
      dest,
    );
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest, maxEntries: 1 }),
      "The archive has more than 1 entries.",
      dest,
    );
  });

  it("accepts a large run of zeros (gzip's ~1000:1 ratio is not a bomb within the limits)", async () => {
    const dir = path.join(tmp, "zeros");
    await mkdir(dir);
    await writeFile(path.join(dir, "disk.img"), Buffer.alloc(48 * MiB));
    const source = path.join(tmp, "zeros.tar.gz");
    execFileSync("tar", ["-czf", source, "-C", dir, "."]);
    const dest = path.join(tmp, "out.tar.gz");
    expect(await normalizeArchive({ source, format: "tar.gz", dest })).toMatchObject({ unpackedBytes: 48 * MiB });
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest, maxUnpackedBytes: 32 * MiB }),
      "The archive is larger than the 32 MiB limit once unpacked.",
      dest,
    );
  });

  it("counts extended headers against the limits", async () => {
    const source = await syntheticTarGz("pax.tar.gz", [{ name: `${"n".repeat(300)}.txt`, content: "x" }]);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "tar.gz", dest, maxUnpackedBytes: 256 }),
      "The archive is larger than the 0.00024 MiB limit once unpacked.",
      dest,
    );
  });

  it("deletes a destination left from before when it refuses", async () => {
    const source = await syntheticTarGz("abs.tar.gz", [{ name: "/x", content: "x" }]);
    const dest = path.join(tmp, "out.tar.gz");
    await writeFile(dest, "stale");
    await expectRefusal(normalizeArchive({ source, format: "tar.gz", dest }), /absolute path/, dest);
  });
});

describe("normalizeArchive: zip", () => {
  /** Zips `dir`'s contents with the system zip; -y stores symlinks as symlinks. */
  function zipDir(dir: string, out: string): string {
    execFileSync("zip", ["-q", "-r", "-y", out, "."], { cwd: dir });
    return out;
  }

  /** Renames an entry in place (same length, in both the local and central headers); CRCs cover data, not names. */
  async function renameInZip(file: string, from: string, to: string): Promise<void> {
    expect(to.length).toBe(from.length);
    const bytes = await readFile(file);
    const patched = Buffer.from(bytes.toString("latin1").split(from).join(to), "latin1");
    expect(patched.equals(bytes)).toBe(false);
    await writeFile(file, patched);
  }

  it("normalises a real zip with the executable bit and an in-tree symlink", async () => {
    const project = path.join(tmp, "project");
    await makeProject(project);
    const source = zipDir(project, path.join(tmp, "upload.zip"));
    const dest = path.join(tmp, "normalised.tar.gz");

    const result = await normalizeArchive({ source, format: "zip", dest });

    expect(result).toMatchObject({ files: 4, strippedPrefix: null });
    await expectProjectTree(await extract(dest));
    for (const h of await headersOf(dest)) expect([h.uid, h.gid]).toEqual([0, 0]);
  });

  it("strips a single top directory from a zip", async () => {
    await makeProject(path.join(tmp, "pack", "myapp-main"));
    const source = zipDir(path.join(tmp, "pack"), path.join(tmp, "upload.zip"));
    const dest = path.join(tmp, "normalised.tar.gz");
    const result = await normalizeArchive({ source, format: "zip", dest });
    expect(result.strippedPrefix).toBe("myapp-main");
    await expectProjectTree(await extract(dest));
  });

  it("refuses zip-slip ('../x')", async () => {
    const dir = path.join(tmp, "slip");
    await mkdir(path.join(dir, "AA"), { recursive: true });
    await writeFile(path.join(dir, "AA", "x"), "boom");
    const source = zipDir(dir, path.join(tmp, "slip.zip"));
    await renameInZip(source, "AA/x", "../x");
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "zip", dest }),
      '"../x" in the archive has a ".." path segment.',
      dest,
    );
  });

  it("refuses an absolute path in a zip", async () => {
    const dir = path.join(tmp, "abs");
    await mkdir(dir);
    await writeFile(path.join(dir, "Xetc-passwd"), "root::0:0\n");
    const source = zipDir(dir, path.join(tmp, "abs.zip"));
    await renameInZip(source, "Xetc-passwd", "/etc-passwd");
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "zip", dest }),
      '"/etc-passwd" in the archive has an absolute path.',
      dest,
    );
  });

  it("refuses a zip symlink that points outside the archive", async () => {
    const dir = path.join(tmp, "zlink");
    await mkdir(dir);
    await writeFile(path.join(dir, "a.txt"), "a");
    await symlink("../../etc", path.join(dir, "etc"));
    const source = zipDir(dir, path.join(tmp, "zlink.zip"));
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "zip", dest }),
      '"etc" in the archive is a symbolic link that points outside the archive ("../../etc").',
      dest,
    );
  });

  it("refuses a zip whose content is corrupted (checksum) and one cut short", async () => {
    const dir = path.join(tmp, "crc");
    await mkdir(dir);
    await writeFile(path.join(dir, "data.txt"), "MARKER-0123456789");
    const source = path.join(tmp, "crc.zip");
    execFileSync("zip", ["-q", "-0", source, "data.txt"], { cwd: dir });
    await renameInZip(source, "MARKER-0123456789", "MARKER-9876543210");
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "zip", dest }),
      'The archive is corrupt or not a .tar.gz/.zip file: checksum mismatch in "data.txt".',
      dest,
    );
    const whole = await readFile(source);
    await writeFile(source, whole.subarray(0, whole.length - 30));
    await expectRefusal(
      normalizeArchive({ source, format: "zip", dest }),
      /^The archive is corrupt or not a \.tar\.gz\/\.zip file: .+\.$/,
      dest,
    );
  });

  it("refuses a zip over maxUnpackedBytes", async () => {
    const dir = path.join(tmp, "bomb");
    await mkdir(dir);
    await writeFile(path.join(dir, "zeros.bin"), Buffer.alloc(4 * MiB));
    const source = zipDir(dir, path.join(tmp, "bomb.zip"));
    expect((await stat(source)).size).toBeLessThan(64 * 1024);
    const dest = path.join(tmp, "out.tar.gz");
    await expectRefusal(
      normalizeArchive({ source, format: "zip", dest, maxUnpackedBytes: MiB }),
      "The archive is larger than the 1 MiB limit once unpacked.",
      dest,
    );
  });
});

describe("receiveArchive", () => {
  function chunks(total: number, size = 64 * 1024): Buffer[] {
    const out: Buffer[] = [];
    for (let left = total; left > 0; left -= size) out.push(randomBytes(Math.min(size, left)));
    return out;
  }

  function webStream(parts: Buffer[]): ReadableStream<Uint8Array> {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < parts.length) controller.enqueue(new Uint8Array(parts[i++]));
        else controller.close();
      },
    });
  }

  const sha256 = (parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest("hex");

  it("streams a 3 MiB web stream to a private file with its sha256 and size", async () => {
    const parts = chunks(3 * MiB);
    const dir = path.join(tmp, "uploads");
    const received = await receiveArchive({ body: webStream(parts), dir, maxBytes: 10 * MiB });
    expect(received.bytes).toBe(3 * MiB);
    expect(received.sha256).toBe(sha256(parts));
    expect(path.dirname(received.path)).toBe(dir);
    expect((await readFile(received.path)).equals(Buffer.concat(parts))).toBe(true);
    expect((await stat(received.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it("streams a node Readable too", async () => {
    const parts = chunks(3 * MiB + 123);
    const dir = path.join(tmp, "uploads");
    const received = await receiveArchive({ body: Readable.from(parts), dir, maxBytes: 10 * MiB });
    expect(received).toMatchObject({ bytes: 3 * MiB + 123, sha256: sha256(parts) });
  });

  it("stops reading over maxBytes and leaves no file behind", async () => {
    const dir = path.join(tmp, "uploads");
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    await expectRefusal(
      receiveArchive({ body: endless, dir, maxBytes: 2 * MiB }),
      "The archive is larger than the 2 MiB limit.",
    );
    expect(pulled).toBeLessThan(40);
    expect(await readdir(dir)).toEqual([]);

    await expectRefusal(
      receiveArchive({ body: Readable.from(chunks(3 * MiB)), dir, maxBytes: 1.5 * MiB }),
      "The archive is larger than the 1.5 MiB limit.",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses an empty body", async () => {
    const dir = path.join(tmp, "uploads");
    await expectRefusal(receiveArchive({ body: webStream([]), dir, maxBytes: MiB }), "The uploaded archive is empty.");
    await expectRefusal(
      receiveArchive({ body: Readable.from([] as Buffer[]), dir, maxBytes: MiB }),
      "The uploaded archive is empty.",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("deletes the partial file when the body fails", async () => {
    const dir = path.join(tmp, "uploads");
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(1024));
        controller.error(new Error("connection reset"));
      },
    });
    await expect(receiveArchive({ body: failing, dir, maxBytes: MiB })).rejects.toThrow("connection reset");
    expect(await readdir(dir)).toEqual([]);
  });
});
