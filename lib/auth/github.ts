// GitHub sign-in: which Hostplane account a GitHub identity may use. An account is linked by GitHub's
// numeric user id, or — the first time — by the GitHub account's primary email if GitHub has verified it
// (fetched from /user/emails with the user's token; the profile's public email proves nothing).
export type GitHubEmail = { email?: unknown; primary?: unknown; verified?: unknown };

export const GITHUB_EMAILS_URL = "https://api.github.com/user/emails";

/** The verified primary email of the token's GitHub user (lower-cased), or null. */
export async function verifiedPrimaryEmail(
  accessToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string | null> {
  const response = await fetchImpl(GITHUB_EMAILS_URL, {
    headers: {
      Authorization: `Bearer ${accessToken}`,
      Accept: "application/vnd.github+json",
      "User-Agent": "hostplane",
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return null;
  const list: unknown = await response.json();
  if (!Array.isArray(list)) return null;
  const primary = (list as GitHubEmail[]).find(
    (e) => e && e.primary === true && e.verified === true && typeof e.email === "string" && e.email.includes("@"),
  );
  return primary ? (primary.email as string).trim().toLowerCase() : null;
}

type Account = { id: string; githubId: string | null };

export type GitHubLinkDecision =
  | { kind: "existing"; userId: string }
  | { kind: "link"; userId: string }
  | { kind: "create"; email: string }
  | { kind: "refuse"; error: "GitHubEmail" | "GitHubLinked" };

/** Pure: given the account with this GitHub id, the account with the verified email, decide. */
export function decideGitHubLink(options: {
  byGithubId: Account | null;
  verifiedEmail: string | null;
  byEmail: Account | null;
}): GitHubLinkDecision {
  if (options.byGithubId) return { kind: "existing", userId: options.byGithubId.id };
  if (!options.verifiedEmail) return { kind: "refuse", error: "GitHubEmail" };
  if (options.byEmail) {
    // Already linked to another GitHub identity: never re-linked silently.
    if (options.byEmail.githubId) return { kind: "refuse", error: "GitHubLinked" };
    return { kind: "link", userId: options.byEmail.id };
  }
  return { kind: "create", email: options.verifiedEmail };
}
