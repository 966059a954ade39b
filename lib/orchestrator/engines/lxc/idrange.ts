// The node's container id range, reserved for root in /etc/subuid and /etc/subgid. Where shadow's
// newuidmap / newgidmap are installed (Debian's `uidmap`, present on most Ubuntu hosts), LXC maps ids
// through them even when root starts the container, and they refuse a range root has not been given:
// every unprivileged create, start and template shift would fail with "uid range … not allowed".
// Reserving it also keeps useradd from handing the same host ids to a login user.
import type { NodeCommands } from "../command";
import type { IdMap } from "./config";

const SUBID_FILES = ["/etc/subuid", "/etc/subgid"] as const;

/** True when a line of an /etc/subuid-style file gives root (by name or uid 0) every id of the range. */
export function rootHoldsRange(content: string, idmap: IdMap): boolean {
  return content.split("\n").some((line) => {
    const [owner, start, count] = line.trim().split(":");
    if (owner !== "root" && owner !== "0") return false;
    const first = Number(start);
    const size = Number(count);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(size)) return false;
    return first <= idmap.hostBase && first + size >= idmap.hostBase + idmap.size;
  });
}

/** Appends root's range to each file that does not give it yet (a missing file is created). */
export async function ensureRootIdRange(commands: NodeCommands, idmap: IdMap): Promise<void> {
  for (const file of SUBID_FILES) {
    const current = await commands.run(["cat", "--", file]);
    const content = current.code === 0 ? current.stdout : "";
    if (rootHoldsRange(content, idmap)) continue;
    const separator = content === "" || content.endsWith("\n") ? "" : "\n";
    await commands.check(["tee", "-a", "--", file], { input: `${separator}root:${idmap.hostBase}:${idmap.size}\n` });
  }
}
