import Link from "next/link";

/** "120 users · page 2 of 3 · ← Previous · Next →": links keep the page's filters (`params`). */
export function Pager({
  total,
  page,
  pageSize,
  noun,
  params,
}: {
  total: number;
  page: number;
  pageSize: number;
  /** Singular and plural, e.g. ["user", "users"]. */
  noun: [string, string];
  params: Record<string, string | undefined>;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) =>
    `?${new URLSearchParams(
      Object.entries({ ...params, page: p > 1 ? String(p) : undefined }).filter((e): e is [string, string] =>
        Boolean(e[1]),
      ),
    ).toString()}`;
  return (
    <nav aria-label="Pages" className="mt-3 flex flex-wrap items-center gap-3 text-sm">
      <span data-testid="pager-summary">
        {total} {total === 1 ? noun[0] : noun[1]} · page {Math.min(page, pages)} of {pages}
      </span>
      {page > 1 && (
        <Link className="underline" href={href(page - 1)} rel="prev">
          ← Previous
        </Link>
      )}
      {page < pages && (
        <Link className="underline" href={href(page + 1)} rel="next">
          Next →
        </Link>
      )}
    </nav>
  );
}

/** `?page=` as a page number: 1 when absent or not a number, at most 10,000. */
export function pageParam(value: string | undefined): number {
  return Math.max(1, Math.min(10_000, Number.parseInt(value ?? "1", 10) || 1));
}
