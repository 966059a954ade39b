// Deploy sources from Git: checking what a tenant typed (a repository URL and a branch, tag or commit), making deploy
// keys, and fetching one commit's tree as a plain .tar.gz (normalizeArchive in ./archive checks and rewrites it after).
//
// Git is run as a program (argv arrays, never a shell string) in a fresh bare repository inside a private temp dir,
// with nothing of this machine's Git or SSH configuration: no system or global config, no hooks, no credential
// helpers, no prompts, no agent, only the transport the URL names. The only string a shell ever sees is
// GIT_SSH_COMMAND (Git runs it through `sh -c`); it is built from constants and paths of ours that are checked to
// hold only characters no shell treats specially.
import { execFile, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";

const MiB = 1024 * 1024;
const MAX_URL_LENGTH = 2048;
const MAX_REF_LENGTH = 255;
const DEFAULT_TIMEOUT_MS = 120_000;
// What `details` carries of git's stderr, and what is kept of it while git runs.
const DETAILS_STDERR_BYTES = 2048;
const KEPT_STDERR_BYTES = 64 * 1024;
const MAX_STDOUT_BYTES = 1 * MiB;

export type GitTransport = "https" | "http" | "ssh" | "git";

export interface ParsedGitUrl {
  /** The URL exactly as given (after the checks): this is what git is handed. */
  url: string;
  transport: GitTransport;
  /** Host name, IPv4 address or bracketed IPv6 address, lower-cased; no user, no port. */
  host: string;
  /** http:// and git:// are neither encrypted nor authenticated: allowed, but worth a warning in the UI. */
  insecure: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs

const URL_HELP =
  "Use an https, ssh or git URL (for example https://github.com/you/app.git or git@github.com:you/app.git).";
const URL_CREDENTIALS = "Put credentials in a deploy key, not in the URL.";

function badUrl(message: string = URL_HELP): AppError {
  return new AppError("VALIDATION", message, { fieldErrors: { url: [message] } });
}

// A DNS name (letters, digits, hyphens and underscores in dot-separated labels that neither start nor end with a
// hyphen), or a bracketed IPv6 address. Nothing here can be read by ssh or curl as an option.
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const HOST_IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const SSH_USER = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/;
const SCP_LIKE = /^([^@/:]+)@(\[[^\]/]*\]|[^/:@[\]]*):(.*)$/;
const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HELPER_SYNTAX = /^[A-Za-z][A-Za-z0-9+.-]*::/;

function checkHost(host: string): string {
  if (host === "") throw badUrl("The URL has no host name.");
  if (host.startsWith("-") || !(HOST_NAME.test(host) || HOST_IPV6.test(host))) throw badUrl(URL_HELP);
  return host.toLowerCase();
}

/**
 * Checks a repository URL a tenant typed. Accepted: https://…, http://… (insecure), ssh://[user@]host[:port]/path,
 * git://host[:port]/path and scp-like user@host:path (ssh). Refused with AppError VALIDATION (fieldErrors.url):
 * local paths, file://, `<transport>::` helpers (ext::), anything starting with "-", whitespace, control or
 * non-ASCII characters, backslashes, over 2048 characters, an empty or odd host, and credentials in the URL.
 */
export function parseGitUrl(url: string): ParsedGitUrl {
  if (typeof url !== "string" || url === "") throw badUrl("Enter the repository's URL.");
  if (url.length > MAX_URL_LENGTH) throw badUrl(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  if (/[\u0000-\u0020\u007f]/.test(url) || /\s/.test(url)) {
    throw badUrl("The URL must not contain spaces or control characters.");
  }
  // Non-ASCII (percent-encode it) and backslashes (read as "/" by some URL parsers, not by others) are refused, so
  // that this check, git and curl all see the same host.
  if (/[^\u0021-\u007e]/.test(url) || url.includes("\\")) throw badUrl(URL_HELP);
  if (url.startsWith("-") || HELPER_SYNTAX.test(url)) throw badUrl(URL_HELP);

  const scheme = SCHEME_URL.exec(url);
  if (scheme) {
    const transport = scheme[1]!.toLowerCase();
    if (transport !== "https" && transport !== "http" && transport !== "ssh" && transport !== "git") {
      throw badUrl(URL_HELP);
    }
    const rest = url.slice(scheme[0].length);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
    const pathAndMore = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
    let hostPort = authority;
    const at = authority.lastIndexOf("@");
    if (at !== -1) {
      const userinfo = authority.slice(0, at);
      hostPort = authority.slice(at + 1);
      // A user name on https is a token as often as not; only ssh has a user that is not a secret.
      if (transport !== "ssh" || userinfo.includes(":")) throw badUrl(URL_CREDENTIALS);
      if (!SSH_USER.test(userinfo)) throw badUrl(URL_HELP);
    }
    const hostAndPort = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(hostPort);
    if (!hostAndPort) throw badUrl(URL_HELP);
    const host = checkHost(hostAndPort[1]!);
    if (hostAndPort[2] !== undefined) {
      const port = Number(hostAndPort[2]);
      if (!(port >= 1 && port <= 65535)) throw badUrl("The URL's port must be between 1 and 65535.");
    }
    if (!pathAndMore.startsWith("/") || /^\/*(?:[?#]|$)/.test(pathAndMore)) {
      throw badUrl("The URL has no repository path.");
    }
    if (pathAndMore.includes("#")) throw badUrl(URL_HELP);
    // A last sanity check with the WHATWG parser: whatever it cannot read, git and curl should not be asked to.
    try {
      new URL(url);
    } catch {
      throw badUrl(URL_HELP);
    }
    return { url, transport, host, insecure: transport === "http" || transport === "git" };
  }

  // scp-like: user@host:path. Git reads it so only when no "/" comes before the first ":" (the regex requires it).
  const scp = SCP_LIKE.exec(url);
  if (scp) {
    const [, user, rawHost, repoPath] = scp;
    if (!SSH_USER.test(user!)) throw badUrl(URL_HELP);
    const host = checkHost(rawHost!);
    if (repoPath === "" || repoPath!.startsWith("-")) throw badUrl("The URL has no repository path.");
    return { url, transport: "ssh", host, insecure: false };
  }
  // Local paths, file://, "host:path" without a user and everything else.
  throw badUrl(URL_HELP);
}

/**
 * The URL for display and logs: any password in the userinfo is removed, and on http(s) the whole userinfo (a
 * user name there is usually a token). ssh users ("git@") are kept. Never throws; not a validator.
 */
export function redactGitUrl(url: string): string {
  const scheme = SCHEME_URL.exec(url);
  if (!scheme) return url;
  const transport = scheme[1]!.toLowerCase();
  const start = scheme[0].length;
  const rest = url.slice(start);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf("@");
  if (at === -1) return url;
  const userinfo = authority.slice(0, at);
  const tail = rest.slice(at);
  const colon = userinfo.indexOf(":");
  if (transport === "http" || transport === "https") return `${scheme[0]}${tail.slice(1)}`;
  return `${scheme[0]}${colon === -1 ? userinfo : userinfo.slice(0, colon)}${tail}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Refs

function badRef(message: string): AppError {
  return new AppError("VALIDATION", message, { fieldErrors: { ref: [message] } });
}

const COMMIT_LIKE = /^[0-9a-fA-F]{4,40}$/;

/**
 * A branch, tag or commit (4–40 hex digits) by the rules of `git check-ref-format`, plus: no leading "-" (an
 * option) or "+" (a forced refspec). Returns the ref unchanged; AppError VALIDATION with fieldErrors.ref otherwise.
 */
export function validateGitRef(ref: string): string {
  if (typeof ref !== "string" || ref === "") throw badRef("Enter a branch, tag or commit.");
  if (ref.length > MAX_REF_LENGTH)
    throw badRef(`The branch, tag or commit is longer than ${MAX_REF_LENGTH} characters.`);
  const invalid = () => badRef(`${JSON.stringify(ref)} is not a valid branch, tag or commit name.`);
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref) || /\s/.test(ref)) throw invalid();
  if (ref.startsWith("-") || ref.startsWith("+") || ref.startsWith("/")) throw invalid();
  if (ref.endsWith("/") || ref.endsWith(".") || ref.endsWith(".lock")) throw invalid();
  if (ref.includes("..") || ref.includes("@{") || ref.includes("//") || ref === "@") throw invalid();
  if (ref.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) throw invalid();
  return ref;
}

// ---------------------------------------------------------------------------------------------------------------
// Deploy keys

const KEY_COMMENT = /^[A-Za-z0-9._@-]{1,64}$/;

function minimalEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    LANG: "C",
    LC_ALL: "C",
  };
}

/** A minimal env as child_process types it (Next.js's types make NODE_ENV required, which git must not see). */
function processEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return env as NodeJS.ProcessEnv;
}

function execFileText(file: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: processEnv(env), timeout: 30_000, killSignal: "SIGKILL", encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} failed: ${String(stderr).trim() || error.message}`));
        else resolve(String(stdout));
      },
    );
  });
}

/**
 * A new ed25519 key pair made by ssh-keygen in a private temp dir (removed afterwards). `comment` is allow-listed
 * ([A-Za-z0-9._@-], 1–64 characters). Returns the OpenSSH public line (no newline), the private key file's text and
 * the "SHA256:…" fingerprint as `ssh-keygen -lf` prints it.
 */
export async function generateDeployKey(
  comment: string,
): Promise<{ publicKey: string; privateKey: string; fingerprint: string }> {
  if (typeof comment !== "string" || !KEY_COMMENT.test(comment)) {
    const message = "The key comment may hold only letters, digits, '.', '_', '@' and '-' (at most 64).";
    throw new AppError("VALIDATION", message, { fieldErrors: { comment: [message] } });
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "hp-deploy-key-"));
  try {
    await chmod(dir, 0o700);
    const file = path.join(dir, "id_deploy");
    const env = minimalEnv(dir);
    await execFileText("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], env);
    const privateKey = await readFile(file, "utf8");
    const publicKey = (await readFile(`${file}.pub`, "utf8")).trim();
    const listed = (await execFileText("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`], env)).trim();
    const fingerprint = listed.split(/\s+/)[1] ?? "";
    if (!fingerprint.startsWith("SHA256:")) throw new Error(`ssh-keygen -l printed no fingerprint: ${listed}`);
    return { publicKey, privateKey, fingerprint };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fetching

export interface FetchGitSourceOptions {
  url: string;
  /** Branch, tag or commit (full or abbreviated sha). */
  ref: string;
  /** A directory of ours; the fetch happens in a fresh temp dir inside it, always removed at the end. */
  workDir: string;
  /** Where the .tar.gz of the commit's tree is written; removed again on any failure. */
  dest: string;
  /** OpenSSH private key (deploy key) for ssh URLs; ignored for the others. */
  privateKey?: string;
  /** known_hosts lines for ssh URLs; without them the host key is accepted on first use. */
  knownHosts?: string;
  /** Wall-clock limit for the whole fetch, all git runs together (default 120 s). */
  timeoutMs?: number;
  /** Largest archive written to dest, in bytes (compressed). */
  maxBytes?: number;
  signal?: AbortSignal;
}

// Every git run: no hooks, no local or ext:: transports, no submodules, no credential helpers or prompts, no
// background gc or maintenance (a detached gc would outlive the temp dir).
const HARDENING = [
  "core.hooksPath=/dev/null",
  "protocol.file.allow=never",
  "protocol.ext.allow=never",
  "submodule.recurse=false",
  "fetch.recurseSubmodules=false",
  "core.askPass=true",
  "credential.helper=",
  "gc.auto=0",
  "maintenance.auto=false",
  "fetch.writeCommitGraph=false",
  "core.fsmonitor=false",
  "protocol.version=2",
];

// Characters no POSIX shell treats specially inside a word: what GIT_SSH_COMMAND's paths may hold.
const SHELL_SAFE_PATH = /^\/[A-Za-z0-9._/+-]*$/;

const REF_NOT_FOUND =
  /couldn't find remote ref|not our ref|no such remote ref|unadvertised object|remote ref does not exist|no matching remote head/i;

// ssh's and git's own lines, most telling first; the generic "Could not read from remote repository" comes last.
const TELLING_LINES = [
  /Host key verification failed/i,
  /REMOTE HOST IDENTIFICATION HAS CHANGED/i,
  /Permission denied/i,
  /Authentication failed/i,
  /Connection refused/i,
  /Could not resolve (host|hostname)/i,
  /timed out/i,
  /No route to host/i,
  /Network is unreachable/i,
  /not exported|not found|does not appear to be a git repository|does not exist/i,
  /unable to access/i,
];

const BOILERPLATE_LINES = [
  /^Please make sure you have the correct access rights/i,
  /^and the repository exists\.?$/i,
  /^(hint|warning):/i,
  /^From /,
  /^\* /,
  /^@+$/,
];

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

class GitRunError extends Error {
  constructor(
    readonly step: string,
    readonly result: RunResult,
  ) {
    super(`git ${step} exited with ${result.code}`);
  }
}

/** Everything a single fetch's git runs share: the temp dir, env, deadline, abort signal and collected stderr. */
interface Session {
  tmp: string;
  env: Record<string, string>;
  configArgs: string[];
  deadline: number;
  signal?: AbortSignal;
  stderrLog: string;
}

class TimedOut extends Error {}

/** "12 MiB", "1.5 MiB", "0.25 MiB" (as archive.ts words its limits). */
function mib(bytes: number): string {
  const n = bytes / MiB;
  if (Number.isInteger(n) || n >= 10) return `${Math.round(n)} MiB`;
  if (n >= 1) return `${Number(n.toFixed(1))} MiB`;
  return `${Number(n.toPrecision(2))} MiB`;
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * Runs git with the session's config and env in a process group of its own, so that the deadline or the abort
 * signal can kill it together with ssh and the remote helpers it started. `consume`, when given, is handed stdout
 * (and may fail the run, e.g. when it is too large); otherwise stdout is collected (at most 1 MiB).
 */
function runGit(session: Session, args: string[], consume?: (stdout: Readable) => Promise<void>): Promise<RunResult> {
  if (session.signal?.aborted) return Promise.reject(session.signal.reason);
  const remaining = session.deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new TimedOut());
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn("git", [...session.configArgs, ...args], {
      env: processEnv(session.env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      windowsHide: true,
    });
    let stdout = "";
    let stderr = "";
    let failure: unknown;
    const fail = (error: unknown) => {
      if (failure === undefined) failure = error;
      killGroup(child.pid);
    };
    const timer = setTimeout(() => fail(new TimedOut()), remaining);
    const onAbort = () => fail(session.signal?.reason ?? new Error("aborted"));
    session.signal?.addEventListener("abort", onAbort, { once: true });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-KEPT_STDERR_BYTES);
    });
    let written: Promise<void> = Promise.resolve();
    if (consume) {
      written = consume(child.stdout).catch((error: unknown) => fail(error));
    } else {
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        if (stdout.length < MAX_STDOUT_BYTES) stdout += chunk;
      });
    }
    child.once("error", (error) => fail(error));
    child.once("close", (code) => {
      clearTimeout(timer);
      session.signal?.removeEventListener("abort", onAbort);
      void written.then(() => {
        session.stderrLog = (session.stderrLog + stderr).slice(-KEPT_STDERR_BYTES);
        if (failure !== undefined) reject(failure);
        else resolve({ code, stdout, stderr });
      });
    });
  });
}

async function mustRunGit(
  session: Session,
  step: string,
  args: string[],
  consume?: (stdout: Readable) => Promise<void>,
): Promise<RunResult> {
  const result = await runGit(session, args, consume);
  if (result.code !== 0) throw new GitRunError(step, result);
  return result;
}

/** Our temp paths and key path never reach a user: the key becomes "the deploy key", the rest "…". */
function scrub(text: string, tmp: string): string {
  return text.split(path.join(tmp, "id_deploy")).join("the deploy key").split(tmp).join("…");
}

/** The one line of git's stderr that says what went wrong, shortened, without our paths. */
function shortGitError(stderr: string, tmp: string): string {
  const lines = scrub(stderr, tmp)
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !BOILERPLATE_LINES.some((pattern) => pattern.test(line)));
  let index = -1;
  for (const pattern of TELLING_LINES) {
    index = lines.findIndex((line) => pattern.test(line));
    if (index !== -1) break;
  }
  if (index === -1) index = lines.findIndex((line) => /^(fatal|error):/i.test(line));
  if (index === -1) index = lines.length - 1;
  if (index === -1) return "git failed without saying why";
  let line = lines[index]!;
  // "fatal: unable to connect to host:" is followed by the reason on the next line; say both.
  if (index > 0 && lines[index - 1]!.endsWith(":") && !/^(fatal|error):/i.test(line)) {
    line = `${lines[index - 1]} ${line}`;
  }
  line = line.replace(/^(fatal|error): /i, "").replace(/[\s.:]+$/, "");
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function stderrDetails(session: Session): { stderr: string } {
  return { stderr: scrub(session.stderrLog, session.tmp).slice(-DETAILS_STDERR_BYTES) };
}

function refNotFound(session: Session, ref: string): AppError {
  const message = `No branch, tag or commit named ${JSON.stringify(ref)} in the repository.`;
  return new AppError("VALIDATION", message, { fieldErrors: { ref: [message] }, details: stderrDetails(session) });
}

function unreadable(session: Session, stderr: string): AppError {
  const reason = /Load key .*(invalid format|error in libcrypto)/i.test(stderr)
    ? "the deploy key is not a valid OpenSSH private key"
    : shortGitError(stderr, session.tmp);
  const message = `Could not read the repository: ${reason}.`;
  return new AppError("VALIDATION", message, { fieldErrors: { url: [message] }, details: stderrDetails(session) });
}

/** The GIT_SSH_COMMAND string: constants and our own paths only, each checked to need no quoting. */
function sshCommand(options: { knownHostsFile: string; keyFile?: string; strict: boolean }): string {
  for (const file of [options.knownHostsFile, options.keyFile]) {
    if (file !== undefined && !SHELL_SAFE_PATH.test(file)) {
      throw new Error(`fetchGitSource: the work dir path ${JSON.stringify(file)} holds characters a shell would read`);
    }
  }
  const argv = [
    "ssh",
    "-F",
    "/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    `StrictHostKeyChecking=${options.strict ? "yes" : "accept-new"}`,
    "-o",
    `UserKnownHostsFile=${options.knownHostsFile}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    "ConnectTimeout=15",
    "-o",
    "LogLevel=ERROR",
  ];
  if (options.keyFile) argv.push("-i", options.keyFile);
  return argv.join(" ");
}

/** A Transform that counts bytes and fails once more than `maxBytes` have passed. */
function byteLimit(maxBytes: number | undefined, counted: { bytes: number }, tooLarge: () => Error): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counted.bytes += chunk.length;
      if (maxBytes !== undefined && counted.bytes > maxBytes) callback(tooLarge());
      else callback(null, chunk);
    },
  });
}

/**
 * Fetches one commit of a repository and writes its tree as a .tar.gz to `dest` (`git archive`; the caller passes
 * it to normalizeArchive). Only that commit is fetched (`--depth 1`) for a branch, tag or full sha; an abbreviated
 * sha (or a server that refuses unadvertised commits) falls back to fetching all branches and tags and resolving
 * the ref locally. Everything happens in a fresh 0700 temp dir under `workDir` that is removed at the end; a
 * failure leaves no partial `dest` either.
 *
 * User-caused failures are AppError VALIDATION: the ref not found (fieldErrors.ref), the repository unreadable
 * (not found, refused, auth or host key failures, the time limit; fieldErrors.url), the archive over `maxBytes`.
 * `details.stderr` holds the end of git's stderr, with our paths removed. An abort rejects with the signal's reason.
 */
export async function fetchGitSource(
  options: FetchGitSourceOptions,
): Promise<{ commit: string; ref: string; bytes: number }> {
  const parsed = parseGitUrl(options.url);
  const ref = validateGitRef(options.ref);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError("fetchGitSource: timeoutMs must be positive");
  if (options.maxBytes !== undefined && !(options.maxBytes > 0)) {
    throw new RangeError("fetchGitSource: maxBytes must be positive");
  }
  options.signal?.throwIfAborted();
  const deadline = Date.now() + timeoutMs;
  const workDir = path.resolve(options.workDir);
  const dest = path.resolve(options.dest);
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const tmp = await mkdtemp(path.join(workDir, "git-"));
  let destStarted = false;
  try {
    await chmod(tmp, 0o700);
    const repo = path.join(tmp, "repo.git");
    const env: Record<string, string> = {
      ...minimalEnv(tmp),
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_ASKPASS: "/bin/true",
      SSH_ASKPASS: "/bin/true",
      GIT_PROTOCOL_FROM_USER: "0",
    };
    if (parsed.transport === "ssh") {
      const knownHostsFile = path.join(tmp, "known_hosts");
      await writeFile(knownHostsFile, options.knownHosts ? `${options.knownHosts.trim()}\n` : "", { mode: 0o600 });
      let keyFile: string | undefined;
      if (options.privateKey) {
        keyFile = path.join(tmp, "id_deploy");
        // ssh refuses a key file without a final newline, and pasted keys often have CRLFs.
        const key = `${options.privateKey.replace(/\r\n?/g, "\n").trim()}\n`;
        await writeFile(keyFile, key, { mode: 0o600 });
      }
      env.GIT_SSH_COMMAND = sshCommand({ knownHostsFile, keyFile, strict: Boolean(options.knownHosts?.trim()) });
      env.GIT_SSH_VARIANT = "ssh";
    }
    const configArgs = [
      ...HARDENING,
      // Only the transport the URL names (and so no redirect from https to http).
      "protocol.allow=never",
      `protocol.${parsed.transport}.allow=always`,
    ].flatMap((setting) => ["-c", setting]);
    const session: Session = { tmp, env, configArgs, deadline, signal: options.signal, stderrLog: "" };

    try {
      await mustRunGit(session, "init", ["init", "-q", "--bare", "--template=", repo]);
      env.GIT_DIR = repo;

      let commit: string;
      const shallow = await runGit(session, [
        "fetch",
        "--depth",
        "1",
        "--no-tags",
        "--end-of-options",
        parsed.url,
        ref,
      ]);
      if (shallow.code === 0) {
        const resolved = await runGit(session, ["rev-parse", "--verify", "--quiet", "FETCH_HEAD^{commit}"]);
        if (resolved.code !== 0) throw refNotFound(session, ref);
        commit = resolved.stdout.trim();
      } else if (REF_NOT_FOUND.test(shallow.stderr) && COMMIT_LIKE.test(ref)) {
        // An abbreviated sha is no ref a server knows, and servers on protocol v0 refuse unadvertised commits:
        // fetch every branch and tag and look the commit up here.
        const full = await runGit(session, [
          "fetch",
          "--no-tags",
          "--end-of-options",
          parsed.url,
          "+refs/heads/*:refs/heads/*",
          "+refs/tags/*:refs/tags/*",
        ]);
        if (full.code !== 0) {
          throw REF_NOT_FOUND.test(full.stderr) ? refNotFound(session, ref) : unreadable(session, full.stderr);
        }
        const resolved = await runGit(session, [
          "rev-parse",
          "--verify",
          "--quiet",
          "--end-of-options",
          `${ref}^{commit}`,
        ]);
        if (resolved.code !== 0) throw refNotFound(session, ref);
        commit = resolved.stdout.trim();
      } else if (REF_NOT_FOUND.test(shallow.stderr)) {
        throw refNotFound(session, ref);
      } else {
        throw unreadable(session, shallow.stderr);
      }
      if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit))
        throw new Error(`git rev-parse printed ${JSON.stringify(commit)}`);

      const counted = { bytes: 0 };
      const limitMessage =
        options.maxBytes !== undefined
          ? `The repository's tree is larger than the ${mib(options.maxBytes)} limit.`
          : "";
      destStarted = true;
      await mustRunGit(
        session,
        "archive",
        ["archive", "--format=tar.gz", "--end-of-options", commit],
        // Counted as it is written, so that the limit stops git early instead of after the whole archive.
        (stdout) =>
          pipeline(
            stdout,
            byteLimit(options.maxBytes, counted, () => new AppError("VALIDATION", limitMessage)),
            createWriteStream(dest, { mode: 0o600 }),
          ),
      );
      const bytes = (await stat(dest)).size;
      if (options.maxBytes !== undefined && bytes > options.maxBytes) throw new AppError("VALIDATION", limitMessage);
      return { commit, ref, bytes };
    } catch (error) {
      if (error instanceof TimedOut) {
        const message = `Could not read the repository: it took longer than ${Math.round(timeoutMs / 1000)} s.`;
        throw new AppError("VALIDATION", message, { fieldErrors: { url: [message] }, details: stderrDetails(session) });
      }
      if (error instanceof GitRunError) {
        throw new Error(`${error.message}: ${scrub(error.result.stderr, tmp).slice(-DETAILS_STDERR_BYTES)}`);
      }
      throw error;
    }
  } catch (error) {
    if (destStarted) await rm(dest, { force: true });
    throw error;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
