// URL and ref checks as tables; deploy keys made by the real ssh-keygen; fetches from a real `git daemon` and a real
// sshd on 127.0.0.1 serving a repository made here (two commits on main, an annotated tag v1 on the first).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { startSshd, type TestSshd } from "../../scripts/test/sshd";
import { fetchGitSource, generateDeployKey, parseGitUrl, redactGitUrl, validateGitRef } from "./git";

function appErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError, got none");
}

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("parseGitUrl", () => {
  it.each([
    ["https://github.com/you/app.git", "https", "github.com", false],
    ["https://GitLab.example.com:8443/group/sub/app", "https", "gitlab.example.com", false],
    ["http://git.internal/app.git", "http", "git.internal", true],
    ["ssh://git@github.com/you/app.git", "ssh", "github.com", false],
    ["ssh://github.com:2222/you/app.git", "ssh", "github.com", false],
    ["ssh://root@127.0.0.1:22/srv/git/app.git", "ssh", "127.0.0.1", false],
    ["ssh://git@[::1]:2222/app.git", "ssh", "[::1]", false],
    ["git://git.kernel.org/pub/scm/git/git.git", "git", "git.kernel.org", true],
    ["git://127.0.0.1:9418/app.git", "git", "127.0.0.1", true],
    ["git@github.com:you/app.git", "ssh", "github.com", false],
    ["deploy.user@host.example:/abs/path/app.git", "ssh", "host.example", false],
  ] as const)("accepts %s", (url, transport, host, insecure) => {
    expect(parseGitUrl(url)).toEqual({ url, transport, host, insecure });
  });

  const HELP = /Use an https, ssh or git URL/;
  it.each([
    ["", /Enter the repository's URL/],
    ["file:///srv/git/app.git", HELP],
    ["FILE:///srv/git/app.git", HELP],
    ["ext::sh -c touch% /tmp/pwned", /spaces or control/],
    ["ext::ssh-helper", HELP],
    ["fd::17", HELP],
    ["foo::https://github.com/you/app.git", HELP],
    ["/srv/git/app.git", HELP],
    ["./app", HELP],
    ["../app.git", HELP],
    ["app.git", HELP],
    ["C:\\repos\\app", HELP],
    ["github.com:you/app.git", HELP],
    ["-uhttps://github.com/you/app.git", HELP],
    ["--upload-pack=touch /tmp/x", /spaces or control/],
    ["https://github.com/you/app .git", /spaces or control/],
    ["https://github.com/you/app.git\n", /spaces or control/],
    ["https://github.com/you/\tapp.git", /spaces or control/],
    ["https://github.com/you/app\u0000.git", /spaces or control/],
    ["https://github.com/you/app\u007f.git", /spaces or control/],
    ["https://gïthub.com/you/app.git", HELP],
    ["https://evil.example\\@github.com/you/app.git", HELP],
    [`https://github.com/${"a".repeat(2040)}`, /longer than 2048/],
    ["https:///you/app.git", /no host/],
    ["ssh://:22/app.git", /no host/],
    ["git@:app.git", /no host/],
    ["ssh://-oProxyCommand=touch%20x/app.git", HELP],
    ["ssh://git@-oProxyCommand=x/app.git", HELP],
    ["git@-oProxyCommand=x:app.git", HELP],
    ["-oProxyCommand=x@host:app.git", HELP],
    ["git@host:-u/x", /no repository path/],
    ["git@host:", /no repository path/],
    ["https://github.com", /no repository path/],
    ["https://github.com/", /no repository path/],
    ["https://github.com/you/app.git#main", HELP],
    ["https://user:pass@github.com/you/app.git", /Put credentials in a deploy key/],
    ["https://ghp_token@github.com/you/app.git", /Put credentials in a deploy key/],
    ["https://@github.com/you/app.git", /Put credentials in a deploy key/],
    ["http://user:pass@git.internal/app.git", /Put credentials in a deploy key/],
    ["git://user@git.internal/app.git", /Put credentials in a deploy key/],
    ["ssh://git:secret@github.com/you/app.git", /Put credentials in a deploy key/],
    ["ssh://git@github.com:0/app.git", /port/],
    ["ssh://git@github.com:70000/app.git", /port/],
    ["ssh://git@github.com:22x/app.git", HELP],
    ["ftp://example.com/app.git", HELP],
    ["git+ssh://github.com/you/app.git", HELP],
    ["https://exa$mple.com/app.git", HELP],
    ["https://[not-ipv6]/app.git", HELP],
  ])("refuses %j", (url, message) => {
    const error = appErrorOf(() => parseGitUrl(url));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toMatch(message);
    expect(error.fieldErrors?.url).toEqual([error.message]);
  });
});

describe("redactGitUrl", () => {
  it.each([
    ["https://user:pass@github.com/you/app.git", "https://github.com/you/app.git"],
    ["https://ghp_token@github.com/you/app.git", "https://github.com/you/app.git"],
    ["ssh://git:secret@github.com/you/app.git", "ssh://git@github.com/you/app.git"],
    ["ssh://git@github.com/you/app.git", "ssh://git@github.com/you/app.git"],
    ["git://user:pw@host/app.git", "git://user@host/app.git"],
    ["https://github.com/you/app.git", "https://github.com/you/app.git"],
    ["https://github.com/a@b/app.git", "https://github.com/a@b/app.git"],
    ["git@github.com:you/app.git", "git@github.com:you/app.git"],
  ])("%s → %s", (url, shown) => {
    expect(redactGitUrl(url)).toBe(shown);
  });
});

describe("validateGitRef", () => {
  it.each([
    "main",
    "feature/login-form",
    "release-1.2",
    "v1",
    "v1.0.0",
    "refs/heads/main",
    "refs/tags/v1",
    "HEAD",
    "user@host",
    "dead",
    "0123abc",
    "0123456789abcdef0123456789abcdef01234567",
    "ünïcode",
    "a".repeat(255),
  ])("accepts %j", (ref) => {
    expect(validateGitRef(ref)).toBe(ref);
  });

  it.each([
    "",
    "a".repeat(256),
    "-main",
    "--upload-pack=x",
    "+main",
    "main:refs/heads/x",
    "a..b",
    "..",
    "has space",
    "tab\there",
    "new\nline",
    "nul\u0000",
    "del\u007f",
    "tilde~1",
    "caret^",
    "colon:",
    "what?",
    "star*",
    "brack[et",
    "back\\slash",
    "at@{1}",
    "@",
    "branch.lock",
    "refs/heads/x.lock/y",
    "trailing/",
    "trailing.",
    "/leading",
    "double//slash",
    ".hidden",
    "refs/.hidden",
  ])("refuses %j", (ref) => {
    const error = appErrorOf(() => validateGitRef(ref));
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors?.ref).toEqual([error.message]);
  });
});

describe("generateDeployKey", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "hp-git-key-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("makes an ed25519 key whose public half and fingerprint match the private key", async () => {
    const key = await generateDeployKey("hostplane-deploy@env-42");
    expect(key.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ hostplane-deploy@env-42$/);
    expect(key.privateKey).toMatch(
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    const file = path.join(dir, "key");
    await writeFile(file, key.privateKey, { mode: 0o600 });
    const derived = execFileSync("ssh-keygen", ["-y", "-f", file]).toString().trim().split(/\s+/);
    expect(derived.slice(0, 2)).toEqual(key.publicKey.split(" ").slice(0, 2));
    const listed = execFileSync("ssh-keygen", ["-l", "-f", file]).toString().split(/\s+/);
    expect(key.fingerprint).toBe(listed[1]);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("makes a different key each time", async () => {
    const [a, b] = await Promise.all([generateDeployKey("a"), generateDeployKey("b")]);
    expect(a.publicKey.split(" ")[1]).not.toBe(b.publicKey.split(" ")[1]);
  });

  it.each(["", "has space", "semi;colon", "quote'", "$(x)", "a".repeat(65)])("refuses the comment %j", async (c) => {
    const error = await rejectionOf(generateDeployKey(c));
    expect(error.code).toBe("VALIDATION");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Fetching from real servers

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV }).toString().trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`git daemon exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`git daemon did not listen on port ${port}`);
}

function tarList(file: string): string[] {
  return execFileSync("tar", ["-tzf", file]).toString().split("\n").filter(Boolean).sort();
}

function tarRead(file: string, member: string): string {
  return execFileSync("tar", ["-xzOf", file, member]).toString();
}

let root: string; // served by git daemon: root/app.git
let bare: string;
let oldCommit: string;
let newCommit: string;
let daemon: ChildProcess | undefined;
let daemonPort: number;
let gitUrl: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "hp-git-"));
  const work = path.join(root, "src");
  git(root, "init", "-q", "-b", "main", work);
  await writeFile(path.join(work, "README.md"), "version one\n");
  await writeFile(path.join(work, "app.js"), "console.log(1);\n");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "first");
  git(work, "tag", "-a", "v1", "-m", "version one");
  await writeFile(path.join(work, "README.md"), "version two\n");
  await writeFile(path.join(work, "new.txt"), "added later\n");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "second");
  oldCommit = git(work, "rev-parse", "v1^{commit}");
  newCommit = git(work, "rev-parse", "main");
  bare = path.join(root, "app.git");
  git(root, "clone", "-q", "--bare", work, bare);

  daemonPort = await freePort();
  daemon = spawn(
    "git",
    [
      "daemon",
      "--reuseaddr",
      "--listen=127.0.0.1",
      `--port=${daemonPort}`,
      `--base-path=${root}`,
      "--export-all",
      "--enable=upload-pack",
      root,
    ],
    { stdio: ["ignore", "ignore", "ignore"], env: GIT_ENV },
  );
  await waitForPort(daemonPort, daemon);
  gitUrl = `git://127.0.0.1:${daemonPort}/app.git`;
});

afterAll(async () => {
  if (daemon?.pid && daemon.exitCode === null && daemon.signalCode === null) {
    const exited = new Promise((resolve) => daemon!.once("exit", resolve));
    process.kill(daemon.pid, "SIGTERM");
    await exited;
  }
  await rm(root, { recursive: true, force: true });
});

/** A fresh work dir and a dest beside it for one fetch. */
async function scratch(): Promise<{ workDir: string; dest: string }> {
  const dir = await mkdtemp(path.join(root, "scratch-"));
  return { workDir: path.join(dir, "work"), dest: path.join(dir, "out.tar.gz") };
}

async function expectEmpty(workDir: string): Promise<void> {
  expect(await readdir(workDir)).toEqual([]);
}

describe("fetchGitSource over git://", () => {
  it("fetches a branch: the newest tree, the branch's commit", async () => {
    const { workDir, dest } = await scratch();
    const result = await fetchGitSource({ url: gitUrl, ref: "main", workDir, dest });
    expect(result.commit).toBe(newCommit);
    expect(result.commit).toBe(git(bare, "rev-parse", "main"));
    expect(result.ref).toBe("main");
    expect(tarList(dest)).toEqual(["README.md", "app.js", "new.txt"]);
    expect(tarRead(dest, "README.md")).toBe("version two\n");
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.bytes).toBe((await stat(dest)).size);
    await expectEmpty(workDir);
  });

  it("fetches an annotated tag: the older tree, peeled to its commit", async () => {
    const { workDir, dest } = await scratch();
    const result = await fetchGitSource({ url: gitUrl, ref: "v1", workDir, dest });
    expect(result.commit).toBe(oldCommit);
    expect(tarList(dest)).toEqual(["README.md", "app.js"]);
    expect(tarRead(dest, "README.md")).toBe("version one\n");
    await expectEmpty(workDir);
  });

  it("fetches a full commit sha that no branch points at", async () => {
    const { workDir, dest } = await scratch();
    const result = await fetchGitSource({ url: gitUrl, ref: oldCommit, workDir, dest });
    expect(result).toMatchObject({ commit: oldCommit, ref: oldCommit });
    expect(tarList(dest)).toEqual(["README.md", "app.js"]);
    await expectEmpty(workDir);
  });

  it("fetches an abbreviated sha (the fetch-everything fallback)", async () => {
    const { workDir, dest } = await scratch();
    const result = await fetchGitSource({ url: gitUrl, ref: oldCommit.slice(0, 7), workDir, dest });
    expect(result.commit).toBe(oldCommit);
    expect(tarRead(dest, "README.md")).toBe("version one\n");
    await expectEmpty(workDir);
  });

  it.each(["no-such-branch", "deadbeef", "0123456789abcdef0123456789abcdef01234567"])(
    "refuses the unknown ref %s with a ref error and leaves nothing behind",
    async (ref) => {
      const { workDir, dest } = await scratch();
      const error = await rejectionOf(fetchGitSource({ url: gitUrl, ref, workDir, dest }));
      expect(error.code).toBe("VALIDATION");
      expect(error.fieldErrors).toEqual({ ref: [`No branch, tag or commit named "${ref}" in the repository.`] });
      expect(error.message).toBe(error.fieldErrors!.ref![0]);
      expect((error.details as { stderr: string }).stderr.length).toBeGreaterThan(0);
      expect((error.details as { stderr: string }).stderr.length).toBeLessThanOrEqual(2048);
      await expectEmpty(workDir);
      expect(existsSync(dest)).toBe(false);
    },
  );

  it("refuses a repository the server does not have with a url error", async () => {
    const { workDir, dest } = await scratch();
    const url = `git://127.0.0.1:${daemonPort}/missing.git`;
    const error = await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest }));
    expect(error.fieldErrors?.url?.[0]).toMatch(/^Could not read the repository: .*not exported/);
    await expectEmpty(workDir);
    expect(existsSync(dest)).toBe(false);
  });

  it("refuses an unreachable port with a url error", async () => {
    const { workDir, dest } = await scratch();
    const url = `git://127.0.0.1:${await freePort()}/app.git`;
    const error = await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest }));
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors?.url?.[0]).toMatch(/^Could not read the repository: .*Connection refused/);
    expect(error.fieldErrors?.ref).toBeUndefined();
    await expectEmpty(workDir);
    expect(existsSync(dest)).toBe(false);
  });

  it("refuses a tree over maxBytes and removes the partial archive", async () => {
    const { workDir, dest } = await scratch();
    const error = await rejectionOf(fetchGitSource({ url: gitUrl, ref: "main", workDir, dest, maxBytes: 64 }));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toMatch(/^The repository's tree is larger than the .* MiB limit\.$/);
    expect(existsSync(dest)).toBe(false);
    await expectEmpty(workDir);
    // A limit the archive fits in is fine.
    const result = await fetchGitSource({ url: gitUrl, ref: "main", workDir, dest, maxBytes: 1024 * 1024 });
    expect(result.bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it("checks the URL and ref before running anything", async () => {
    const { workDir, dest } = await scratch();
    const url = `file://${bare}`;
    expect((await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest }))).fieldErrors?.url).toBeDefined();
    const badRef = fetchGitSource({ url: gitUrl, ref: "--upload-pack=touch /tmp/x", workDir, dest });
    expect((await rejectionOf(badRef)).fieldErrors?.ref).toBeDefined();
    expect(existsSync(workDir)).toBe(false);
  });

  describe("against a server that accepts and never answers", () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it("stops git at the time limit with a url error", async () => {
      const { workDir, dest } = await scratch();
      const started = Date.now();
      const url = `git://127.0.0.1:${port}/app.git`;
      const error = await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest, timeoutMs: 500 }));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error.fieldErrors?.url?.[0]).toMatch(/took longer than/);
      await expectEmpty(workDir);
    });

    it("stops git when the signal aborts, rejecting with its reason", async () => {
      const { workDir, dest } = await scratch();
      const controller = new AbortController();
      const reason = new Error("deploy cancelled");
      setTimeout(() => controller.abort(reason), 300);
      const url = `git://127.0.0.1:${port}/app.git`;
      await expect(fetchGitSource({ url, ref: "main", workDir, dest, signal: controller.signal })).rejects.toBe(reason);
      await expectEmpty(workDir);
      expect(existsSync(dest)).toBe(false);
    });
  });
});

describe("fetchGitSource over ssh with a deploy key", () => {
  let sshd: TestSshd;
  let deployKey: Awaited<ReturnType<typeof generateDeployKey>>;
  let url: string;

  beforeAll(async () => {
    // startSshd installs openssh-server with apt-get when it is missing: allow for that once.
    sshd = await startSshd();
    deployKey = await generateDeployKey("hostplane-test-deploy");
    // The helper's AuthorizedKeysFile is read on every login: authorising the deploy key is one more line.
    await appendFile(path.join(sshd.dir, "authorized_keys"), `\n${deployKey.publicKey}\n`);
    url = `ssh://root@127.0.0.1:${sshd.port}${bare}`;
  }, 180_000);

  afterAll(async () => {
    await sshd?.stop();
  });

  it("fetches a private repository with the authorised deploy key (host key accepted on first use)", async () => {
    const { workDir, dest } = await scratch();
    const result = await fetchGitSource({ url, ref: "main", workDir, dest, privateKey: deployKey.privateKey });
    expect(result.commit).toBe(newCommit);
    expect(tarList(dest)).toEqual(["README.md", "app.js", "new.txt"]);
    await expectEmpty(workDir);
  });

  it("fetches with a pinned host key and a key pasted with CRLFs and no final newline", async () => {
    const { workDir, dest } = await scratch();
    const knownHosts = `[127.0.0.1]:${sshd.port} ${sshd.hostKey.type} ${sshd.hostKey.key}`;
    const privateKey = deployKey.privateKey.trim().replace(/\n/g, "\r\n");
    const result = await fetchGitSource({ url, ref: "v1", workDir, dest, privateKey, knownHosts });
    expect(result.commit).toBe(oldCommit);
    await expectEmpty(workDir);
  });

  it("refuses without a key, with a url error", async () => {
    const { workDir, dest } = await scratch();
    const error = await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest }));
    expect(error.fieldErrors?.url?.[0]).toMatch(/^Could not read the repository: .*Permission denied \(publickey\)/);
    await expectEmpty(workDir);
    expect(existsSync(dest)).toBe(false);
  });

  it("refuses a key that is not authorised, without showing our paths", async () => {
    const { workDir, dest } = await scratch();
    const other = await generateDeployKey("not-authorised");
    const error = await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest, privateKey: other.privateKey }));
    expect(error.fieldErrors?.url?.[0]).toMatch(/Permission denied \(publickey\)/);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(workDir);
    await expectEmpty(workDir);
  });

  it("refuses a garbage key with a url error", async () => {
    const { workDir, dest } = await scratch();
    const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n";
    const error = await rejectionOf(fetchGitSource({ url, ref: "main", workDir, dest, privateKey }));
    expect(error.fieldErrors?.url).toBeDefined();
    expect(error.message).not.toContain(workDir);
    await expectEmpty(workDir);
  });

  it("refuses a host whose key does not match the pinned one", async () => {
    const { workDir, dest } = await scratch();
    const [type, key] = deployKey.publicKey.split(" ");
    const knownHosts = `[127.0.0.1]:${sshd.port} ${type} ${key}`;
    const error = await rejectionOf(
      fetchGitSource({ url, ref: "main", workDir, dest, privateKey: deployKey.privateKey, knownHosts }),
    );
    expect(error.fieldErrors?.url?.[0]).toMatch(/Host key verification failed/);
    await expectEmpty(workDir);
  });

  it("refuses an unknown ref over ssh with a ref error", async () => {
    const { workDir, dest } = await scratch();
    const error = await rejectionOf(
      fetchGitSource({ url, ref: "nope", workDir, dest, privateKey: deployKey.privateKey }),
    );
    expect(error.fieldErrors).toEqual({ ref: ['No branch, tag or commit named "nope" in the repository.'] });
    await expectEmpty(workDir);
  });
});
