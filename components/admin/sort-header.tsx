import Link from "next/link";

/** A table header that sorts by a URL parameter: a real link, so it works with the keyboard. */
export function SortHeader({
  label,
  sortKey,
  current,
  dir,
  params,
  className = "",
}: {
  label: string;
  sortKey: string;
  current: string;
  dir: "asc" | "desc";
  params: Record<string, string | undefined>;
  className?: string;
}) {
  const active = current === sortKey;
  const nextDir = active && dir === "asc" ? "desc" : "asc";
  const query = new URLSearchParams(
    Object.entries({ ...params, sort: sortKey, dir: nextDir, page: undefined }).filter(([, v]) => v) as [
      string,
      string,
    ][],
  );
  return (
    <th
      scope="col"
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
      className={`px-3 py-2 ${className}`}
    >
      <Link
        href={`?${query.toString()}`}
        className="inline-flex items-center gap-1 hover:underline"
        aria-label={`${label}: sort ${nextDir === "asc" ? "ascending" : "descending"}`}
      >
        {label}
        <span aria-hidden>{active ? (dir === "asc" ? "▲" : "▼") : "↕"}</span>
      </Link>
    </th>
  );
}
