// What a deploy does inside one container, through the engine's exec (any engine that runs
// commands in its containers): unpack and build a release, switch the served release, check it
// answers, prune old releases. Every script here is fixed text; release ids and paths reach it as
// positional arguments (allow-listed), never spliced into a shell line.
import { CURRENT_RELEASE, RELEASE_READY_MARKER, RELEASES_DIR, SERVICE_LOG, type StackDeploy } from "../stacks/recipes";
import type { ContainerEngine } from "./engines/types";

/** Release ids are cuids: the only form that may name a directory inside a container. */
const RELEASE_ID = /^[a-z0-9]{8,40}$/;

export function releaseDir(releaseId: string): string {
  if (!RELEASE_ID.test(releaseId)) throw new TypeError(`invalid release id ${JSON.stringify(releaseId)}`);
  return `${RELEASES_DIR}/${releaseId}`;
}

/**
 * Unpacks stdin into $1 and runs the build (the remaining arguments, with $1 appended), everything it
 * prints going to the log $2 (read while it runs); a ready release is left alone.
 */
const STAGE_SCRIPT = `set -eu
dir="$1"
log="$2"
shift 2
if [ -e "$dir/${RELEASE_READY_MARKER}" ]; then
  echo "release already unpacked and built"
  exit 0
fi
mkdir -p "$(dirname "$log")"
exec >"$log" 2>&1
rm -rf "$dir"
mkdir -p "$dir"
tar -xzf - -C "$dir" --no-same-owner
echo "unpacked $(find "$dir" -type f | wc -l) files"
if [ "$#" -gt 0 ]; then "$@" "$dir"; fi
touch "$dir/${RELEASE_READY_MARKER}"`;

/** Atomically repoints the served-release symlink at $1. */
const SWITCH_SCRIPT = `set -eu
ln -sfn "$1" ${CURRENT_RELEASE}.next
mv -Tf ${CURRENT_RELEASE}.next ${CURRENT_RELEASE}`;

/** Removes every release directory not named in the arguments. */
const PRUNE_SCRIPT = `cd ${RELEASES_DIR} || exit 0
for entry in * .[!.]*; do
  [ -e "$entry" ] || continue
  keep=no
  for kept in "$@"; do [ "$entry" = "$kept" ] && keep=yes; done
  [ "$keep" = yes ] || rm -rf -- "$entry"
done`;

export class DeployStepError extends Error {
  constructor(
    message: string,
    /** What the build or the service printed: shown with the failed release. */
    readonly output: string,
  ) {
    super(message);
    this.name = "DeployStepError";
  }
}

const OUTPUT_LIMIT = 64 * 1024;

function tail(text: string, limit = OUTPUT_LIMIT): string {
  return text.length > limit ? `…${text.slice(text.length - limit)}` : text;
}

/** The build's log inside the container (a dot entry of the releases directory: pruned with it). */
function buildLog(releaseId: string): string {
  releaseDir(releaseId); // allow-listed
  return `${RELEASES_DIR}/.build-${releaseId}.log`;
}

const BUILD_POLL_MS = 1_500;

/**
 * Unpacks the release archive (a checked, normalised .tar.gz on the panel's machine, streamed to
 * the container) and builds it inside the container. Idempotent: a release already built is kept.
 * What the build prints reaches `onOutput` while it runs (the log is read every 1.5 s, through the
 * engine like everything else), then the rest when it ends.
 */
export async function stageRelease(options: {
  engine: ContainerEngine;
  name: string;
  releaseId: string;
  archivePath: string;
  deploy: StackDeploy;
  timeoutMs?: number;
  onOutput?: (text: string) => Promise<void>;
}): Promise<{ output: string }> {
  const { engine, name } = options;
  const dir = releaseDir(options.releaseId);
  const log = buildLog(options.releaseId);
  let offset = 0;
  const readMore = async () => {
    const more = await engine.exec(name, ["tail", "-c", `+${offset + 1}`, log]).catch(() => null);
    if (!more || more.code !== 0 || !more.stdout) return;
    offset += Buffer.byteLength(more.stdout);
    await options.onOutput?.(more.stdout);
  };
  let running = true;
  // The wait between reads ends at once when the build does (a short build is not held up by it).
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const follower = (async () => {
    while (running) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, BUILD_POLL_MS).unref()), stopped]);
      if (running && options.onOutput) await readMore();
    }
  })();
  let result: Awaited<ReturnType<ContainerEngine["exec"]>>;
  try {
    result = await engine.exec(
      name,
      ["sh", "-c", STAGE_SCRIPT, "sh", dir, log, ...(options.deploy.buildCommand ?? [])],
      {
        inputFile: options.archivePath,
        timeoutMs: options.timeoutMs ?? 15 * 60_000,
      },
    );
  } finally {
    running = false;
    wake();
    await follower;
  }
  // What the script printed before its own log began (or instead of it: an already built release).
  const direct = [result.stdout, result.stderr].filter(Boolean).join("\n");
  if (options.onOutput) {
    await readMore();
    if (direct) await options.onOutput(direct.endsWith("\n") ? direct : `${direct}\n`);
  }
  const logged = await engine.exec(name, ["tail", "-c", String(OUTPUT_LIMIT), log]).catch(() => null);
  const output = tail([direct, logged?.code === 0 ? logged.stdout : ""].filter(Boolean).join("\n"));
  if (result.code !== 0) throw new DeployStepError(`the build failed in ${name} (exit code ${result.code})`, output);
  return { output };
}

/** Points the container at a release (null: the stack's sample) and restarts its service when the stack needs it. */
export async function switchRelease(options: {
  engine: ContainerEngine;
  name: string;
  releaseId: string | null;
  deploy: StackDeploy;
}): Promise<void> {
  const target = options.releaseId ? releaseDir(options.releaseId) : options.deploy.sampleDir;
  if (options.releaseId) {
    const ready = await options.engine.exec(options.name, ["test", "-e", `${target}/${RELEASE_READY_MARKER}`]);
    if (ready.code !== 0)
      throw new DeployStepError(`release ${options.releaseId} is not unpacked in ${options.name}`, ready.stderr);
  }
  const result = await options.engine.exec(options.name, ["sh", "-c", SWITCH_SCRIPT, "sh", target]);
  if (result.code !== 0)
    throw new DeployStepError(`switching ${options.name} failed (exit code ${result.code})`, result.stderr);
  if (options.deploy.restart) await options.engine.restart(options.name);
}

/** Which release directory the container serves now (null: the sample or nothing). */
export async function servedRelease(engine: ContainerEngine, name: string): Promise<string | null> {
  const result = await engine.exec(name, ["readlink", CURRENT_RELEASE]);
  const target = result.code === 0 ? result.stdout.trim() : "";
  return target.startsWith(`${RELEASES_DIR}/`) ? target.slice(RELEASES_DIR.length + 1) : null;
}

/** Deletes the release directories that are no longer kept. */
export async function pruneReleases(options: { engine: ContainerEngine; name: string; keep: string[] }): Promise<void> {
  for (const id of options.keep) releaseDir(id);
  await options.engine.exec(options.name, ["sh", "-c", PRUNE_SCRIPT, "sh", ...options.keep]);
}

/** The last lines the container's service printed (its start-up error, for a failed health check). */
export async function serviceLogTail(engine: ContainerEngine, name: string, lines = 40): Promise<string> {
  const result = await engine
    .exec(name, ["tail", "-n", String(lines), SERVICE_LOG])
    .catch(() => ({ code: 1, stdout: "", stderr: "" }));
  return result.code === 0 ? result.stdout : "";
}

/**
 * Waits until http://ip:port<path> answers below 400, or the timeout passes. Returns the last
 * status or error as the reason when it never does.
 */
export async function waitForHttp(options: {
  ip: string;
  port: number;
  path: string;
  timeoutMs: number;
}): Promise<{ ok: true; status: number; ms: number } | { ok: false; reason: string }> {
  const started = Date.now();
  const url = `http://${options.ip}:${options.port}${options.path}`;
  let reason = "no answer";
  while (Date.now() - started < options.timeoutMs) {
    try {
      const left = Math.max(500, options.timeoutMs - (Date.now() - started));
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(5000, left)), redirect: "manual" });
      await response.body?.cancel();
      if (response.status < 400) return { ok: true, status: response.status, ms: Date.now() - started };
      reason = `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      reason = cause ?? (error as Error).name ?? "request failed";
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { ok: false, reason: `${url} did not answer below HTTP 400 within ${options.timeoutMs / 1000} s (${reason})` };
}
