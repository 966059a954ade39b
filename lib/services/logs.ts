// Logs of an environment: each container's service log (what the app and the stack's service print
// on stdout/stderr, and the init's start/restart lines) read through the engine, merged per layer
// with every line labelled by its container; and the deploy logs (the build and health-check output
// kept with each release). Retention is bounded per container: the worker trims a log past
// HOSTPLANE_LOG_MAX_KIB to its newer half.
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { containerNameFor } from "@/lib/orchestrator/engines";
import { SERVICE_LOG } from "@/lib/stacks/recipes";
import { containerDisplayName } from "@/lib/words";
import { engineFor } from "./node-engine";
import { logIgnored } from "@/lib/log";
import type { LogQuery, LogView } from "@/lib/validation/logs";

/** Last `lines` lines of the log, only those containing `search` (fixed string, any case) when given. */
const READ_SCRIPT = `f="$1"; n="$2"; q="$3"
[ -f "$f" ] || exit 0
if [ -n "$q" ]; then grep -F -i -e "$q" -- "$f" | tail -n "$n"; else tail -n "$n" -- "$f"; fi`;

/** Past $2 bytes, keeps the newer half in place (same inode: the service's O_APPEND descriptor stays valid). */
const TRIM_SCRIPT = `f="$1"; max="$2"
[ -f "$f" ] || exit 0
size=$(wc -c < "$f")
[ "$size" -gt "$max" ] || exit 0
tail -c $((max / 2)) -- "$f" > "$f.trim" && cat -- "$f.trim" > "$f"
rm -f -- "$f.trim"
echo "trimmed $size"`;

const REAL_ENGINES = ["LXC", "VIRTUOZZO"] as const;

export async function readLogs(viewer: { id: string; role: string }, query: LogQuery): Promise<LogView | null> {
  const env = await db.environment.findFirst({
    where: { id: query.environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    include: {
      layers: {
        orderBy: { position: "asc" },
        include: {
          containers: {
            where: { desiredState: { not: "DELETED" } },
            orderBy: { ordinal: "asc" },
            include: { hardwareNode: true },
          },
        },
      },
    },
  });
  if (!env) return null;
  const layers = env.layers.filter((l) => !query.layerId || l.id === query.layerId);
  const sources = layers.map((l) => ({
    id: l.id,
    name: l.name,
    containers: l.containers.map((c) => ({ id: c.id, displayName: containerDisplayName(l.name, c.ordinal) })),
  }));
  if (query.source === "deploy") {
    const releases = await db.release.findMany({
      where: { environmentId: env.id, layerId: { in: layers.map((l) => l.id) }, output: { not: null } },
      orderBy: { number: "desc" },
      take: 10,
      include: { layer: { select: { name: true } } },
    });
    const entries = releases
      .reverse()
      .flatMap((r) =>
        (r.output ?? "")
          .split("\n")
          .filter((line) => !query.search || line.toLowerCase().includes(query.search.toLowerCase()))
          .map((line) => ({ source: `${r.layer.name} release ${r.number}`, line })),
      )
      .slice(-query.lines);
    return { layers: sources, entries, unavailable: [] };
  }
  const containers = layers.flatMap((l) =>
    l.containers
      .filter((c) => !query.containerId || c.id === query.containerId)
      .map((c) => ({ ...c, label: containerDisplayName(l.name, c.ordinal) })),
  );
  const unavailable: string[] = [];
  const blocks = await Promise.all(
    containers.map(async (c) => {
      if (
        c.observedState !== "RUNNING" ||
        !c.hardwareNode ||
        !(REAL_ENGINES as readonly string[]).includes(c.hardwareNode.engine)
      ) {
        unavailable.push(`${c.label}: ${c.observedState === "RUNNING" ? "no log on this engine" : "not running"}`);
        return [];
      }
      const result = await engineFor(c.hardwareNode)
        .exec(containerNameFor(c.id), ["sh", "-c", READ_SCRIPT, "sh", SERVICE_LOG, String(query.lines), query.search], {
          timeoutMs: 10_000,
        })
        .catch((error: Error) => ({ code: 1, stdout: "", stderr: error.message }));
      if (result.code !== 0 && !result.stdout) {
        unavailable.push(`${c.label}: ${result.stderr.split("\n")[0] || `exit ${result.code}`}`);
        return [];
      }
      return result.stdout
        .split("\n")
        .filter((line, i, all) => line !== "" || i < all.length - 1)
        .map((line) => ({ source: c.label, line }));
    }),
  );
  return { layers: sources, entries: blocks.flat(), unavailable };
}

/** The worker's retention pass: every running container's service log stays under HOSTPLANE_LOG_MAX_KIB. */
export async function trimServiceLogs(): Promise<{ checked: number; trimmed: number }> {
  const rows = await db.container.findMany({
    where: { observedState: "RUNNING", hardwareNode: { engine: { in: [...REAL_ENGINES] } } },
    include: { hardwareNode: true },
  });
  const max = String(config.HOSTPLANE_LOG_MAX_KIB * 1024);
  let trimmed = 0;
  for (const c of rows) {
    const result = await engineFor(c.hardwareNode!)
      .exec(containerNameFor(c.id), ["sh", "-c", TRIM_SCRIPT, "sh", SERVICE_LOG, max], { timeoutMs: 30_000 })
      .catch(logIgnored("trimming a service log"));
    if (result && result.stdout.startsWith("trimmed")) trimmed++;
  }
  return { checked: rows.length, trimmed };
}
