import { describe, expect, it, vi } from "vitest";
import { decideGitHubLink, GITHUB_EMAILS_URL, verifiedPrimaryEmail } from "./github";

function fakeFetch(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch & {
    mock: { calls: [string, RequestInit][] };
  };
}

describe("verifiedPrimaryEmail", () => {
  it("asks GitHub's /user/emails with the user's token and returns the verified primary address", async () => {
    const f = fakeFetch(200, [
      { email: "other@example.com", primary: false, verified: true },
      { email: "Me@Example.com", primary: true, verified: true },
    ]);
    expect(await verifiedPrimaryEmail("gho_token", f)).toBe("me@example.com");
    const [url, init] = f.mock.calls[0];
    expect(url).toBe(GITHUB_EMAILS_URL);
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer gho_token");
  });

  it("returns null for an unverified primary, a verified non-primary only, an error or a strange body", async () => {
    expect(await verifiedPrimaryEmail("t", fakeFetch(200, [{ email: "a@b.c", primary: true, verified: false }]))).toBe(
      null,
    );
    expect(await verifiedPrimaryEmail("t", fakeFetch(200, [{ email: "a@b.c", primary: false, verified: true }]))).toBe(
      null,
    );
    expect(await verifiedPrimaryEmail("t", fakeFetch(401, { message: "Bad credentials" }))).toBeNull();
    expect(await verifiedPrimaryEmail("t", fakeFetch(200, { email: "a@b.c" }))).toBeNull();
  });
});

describe("decideGitHubLink", () => {
  const a = { id: "u1", githubId: null };
  it("uses the account already linked to this GitHub id, whatever the email", () => {
    expect(decideGitHubLink({ byGithubId: { id: "u9", githubId: "42" }, verifiedEmail: null, byEmail: a })).toEqual({
      kind: "existing",
      userId: "u9",
    });
  });
  it("links an existing account only by a verified primary email", () => {
    expect(decideGitHubLink({ byGithubId: null, verifiedEmail: "a@b.c", byEmail: a })).toEqual({
      kind: "link",
      userId: "u1",
    });
    expect(decideGitHubLink({ byGithubId: null, verifiedEmail: null, byEmail: null })).toEqual({
      kind: "refuse",
      error: "GitHubEmail",
    });
  });
  it("never re-links an account linked to another GitHub id, and creates one otherwise", () => {
    expect(
      decideGitHubLink({ byGithubId: null, verifiedEmail: "a@b.c", byEmail: { id: "u1", githubId: "7" } }),
    ).toEqual({ kind: "refuse", error: "GitHubLinked" });
    expect(decideGitHubLink({ byGithubId: null, verifiedEmail: "a@b.c", byEmail: null })).toEqual({
      kind: "create",
      email: "a@b.c",
    });
  });
});
