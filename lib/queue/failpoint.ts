// Crash testing: HOSTPLANE_FAILPOINT="<step>[:<n>]" makes this process SIGKILL itself the n-th time
// (default 1st) it reaches that point. Used only by the crash-safety tests and the soak script.
import { config } from "@/lib/config";
const counts = new Map<string, number>();

export function failpoint(name: string): void {
  const spec = config.HOSTPLANE_FAILPOINT;
  if (!spec) return;
  const [target, nth] = spec.split(":");
  if (target !== name) return;
  const n = (counts.get(name) ?? 0) + 1;
  counts.set(name, n);
  if (n === Number(nth ?? 1)) {
    console.error(`[hostplane] failpoint ${name}#${n}: SIGKILL`);
    process.kill(process.pid, "SIGKILL");
  }
}
