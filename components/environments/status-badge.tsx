import { Badge } from "@/components/ui/badge";
import { statusLabel, statusTone } from "./format";

/** Status as a badge: the text is always there, the colour only repeats it. */
export function StatusBadge({ status, busy }: { status: string; busy?: boolean }) {
  return (
    <Badge tone={statusTone(status)}>
      {busy && <span aria-hidden className="mr-1 size-2 animate-pulse rounded-full bg-current" />}
      {statusLabel(status)}
    </Badge>
  );
}
