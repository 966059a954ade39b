// Sign-in hardening, headers and request checks against the real production server (issue 12).
import { readFileSync } from "node:fs";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { adminPage, E2E_ADMIN, formAlert, PASSWORD, signUp } from "./fixtures";

const baseURL = `http://localhost:${process.env.E2E_PORT ?? 3210}`;

async function client(): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL });
}

/** One credentials sign-in through next-auth's own endpoint, as its client does it. */
async function apiSignIn(
  api: APIRequestContext,
  email: string,
  password: string,
  options: { headers?: Record<string, string>; callbackUrl?: string } = {},
) {
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await api.post("/api/auth/callback/credentials", {
    form: { email, password, csrfToken, json: "true", callbackUrl: options.callbackUrl ?? "/environments" },
    headers: options.headers,
    maxRedirects: 0,
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string; error?: string };
  return { status: response.status(), retryAfter: response.headers()["retry-after"], body };
}

test("pages carry a nonce CSP, frame-ancestors 'none', nosniff and a Referrer-Policy, and still hydrate", async ({
  page,
  browser,
}) => {
  const response = await page.goto("/login");
  const headers = response!.headers();
  const csp = headers["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  // Every script tag Next.js renders carries this response's nonce (read from the HTML: browsers hide it).
  const raw = await page.request.get("/login");
  const rawNonce = /'nonce-([^']+)'/.exec(raw.headers()["content-security-policy"])![1];
  const tags = (await raw.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) expect(tag).toContain(`nonce="${rawNonce}"`);
  // A fresh nonce per request.
  const again = (await page.request.get("/login")).headers()["content-security-policy"];
  expect(again).not.toContain(rawNonce);
  expect(again).not.toBe(csp);
  const api = await page.request.get("/api/health");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["content-security-policy"]).toContain("default-src 'none'");

  // Every page renders and hydrates with no CSP violation (the admin sees every page there is).
  const admin = await adminPage(browser);
  const violations: string[] = [];
  admin.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  admin.on("pageerror", (e) => violations.push(String(e)));
  for (const path of [
    "/environments",
    "/environments/new",
    "/account",
    "/admin",
    "/admin/users",
    "/admin/nodes",
    "/admin/nodes/new",
    "/admin/regions",
    "/admin/audit",
    "/admin/containers",
  ]) {
    const r = await admin.goto(path);
    expect(r?.status(), path).toBe(200);
    // Hydrated: React has attached itself to the server-rendered DOM (impossible if CSP blocked its scripts).
    await expect
      .poll(
        () =>
          admin.evaluate(() => {
            const menu = document.querySelector('[aria-label="User menu"]');
            return Boolean(menu && Object.keys(menu).some((k) => k.startsWith("__reactFiber")));
          }),
        { message: `${path} hydrated` },
      )
      .toBe(true);
  }
  expect(violations).toEqual([]);
});

test("a throttled sign-in answers 429 with Retry-After; the form shows the same message", async ({ page }) => {
  const email = await signUp(await (await page.context().browser()!.newContext()).newPage());
  // Throttling is per account and client address: the API client and the browser both use IPv4 here
  // ("localhost" may be ::1 for one and 127.0.0.1 for the other).
  const ipv4 = baseURL.replace("localhost", "127.0.0.1");
  const api = await playwrightRequest.newContext({ baseURL: ipv4 });
  for (let i = 0; i < 5; i++) expect((await apiSignIn(api, email, `wrong-${i}-password`)).status).toBe(401);
  const throttled = await apiSignIn(api, email, PASSWORD);
  expect(throttled.status).toBe(429);
  expect(Number(throttled.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(throttled.retryAfter)).toBeLessThanOrEqual(30);
  expect(throttled.body.error).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds?\.$/);
  expect(new URL(throttled.body.url!).searchParams.get("error")).toBe(throttled.body.error);

  await page.goto(`${ipv4}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(formAlert(page)).toContainText(/Too many failed sign-ins\. Try again in \d+ seconds?\./);
  await api.dispose();
});

test("50 parallel wrong sign-ins check at most 5; rotating X-Forwarded-For changes nothing", async ({ browser }) => {
  const email = await signUp(await (await browser.newContext()).newPage());
  const api = await client();
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const statuses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      api
        .post("/api/auth/callback/credentials", {
          form: { email, password: i === 49 ? PASSWORD : `wrong-guess-${i}`, csrfToken, json: "true" },
          // Each attempt claims another client address: without a trusted proxy this is ignored.
          headers: { "x-forwarded-for": `198.51.100.${i}` },
          maxRedirects: 0,
        })
        .then((r) => r.status()),
    ),
  );
  const tally = statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});
  console.log(`[bench] 50 parallel sign-ins over HTTP, rotating X-Forwarded-For: ${JSON.stringify(tally)}`);
  const checked = (tally[401] ?? 0) + (tally[200] ?? 0);
  expect(checked).toBeLessThanOrEqual(5);
  expect(tally[429]).toBe(50 - checked);

  // The audit log holds the socket's address, never the forged ones.
  const admin = await adminPage(browser);
  const csv = await (await admin.request.get(`/api/admin/audit?action=auth.signin`)).text();
  const rows = csv.split("\n").filter((line) => line.includes(email));
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.join("\n")).not.toContain("198.51.100.");
  // …and it is the real socket address (stamped by scripts/next-server.mjs), not "unknown".
  expect(rows.join("\n")).toMatch(/127\.0\.0\.1|::1/);
  await api.dispose();
});

test("callbackUrl and sign-out redirects stay on this origin", async ({ browser }) => {
  const email = await signUp(await (await browser.newContext()).newPage());
  const payloads = [
    "/\\evil.example",
    "/\t/evil.example",
    "//evil.example",
    "https://evil.example/",
    "/\\/evil.example",
  ];
  for (const callbackUrl of payloads) {
    const api = await client();
    const result = await apiSignIn(api, email, PASSWORD, { callbackUrl });
    expect(result.status, callbackUrl).toBe(200);
    expect(new URL(result.body.url!).origin, callbackUrl).toBe(baseURL);
    expect(result.body.url, callbackUrl).toBe(`${baseURL}/environments`);
    await api.dispose();
  }
  // The sign-in page itself refuses the payload and goes to the environments list.
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/\\evil.example")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${baseURL}/environments`);
});

test("signing out ends the session on the server: the old cookie no longer works", async ({ browser }) => {
  const email = await signUp(await (await browser.newContext()).newPage());
  const api = await client();
  expect((await apiSignIn(api, email, PASSWORD)).status).toBe(200);
  const state = await api.storageState();
  const session = state.cookies.find((c) => c.name === "next-auth.session-token")!;
  expect(session).toBeTruthy();
  const replay = { cookie: `next-auth.session-token=${session.value}` };
  const bare = await client();
  expect((await bare.get("/api/environments/none/containers/none", { headers: replay })).status()).toBe(404);

  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await api.post("/api/auth/signout", { form: { csrfToken, json: "true" }, maxRedirects: 0 });
  // The same token, replayed after sign-out: treated as signed out (401), not as the user (404).
  expect((await bare.get("/api/environments/none/containers/none", { headers: replay })).status()).toBe(401);
  await api.dispose();
  await bare.dispose();
});

test("server-action bodies: over 1 MB → 413, empty or malformed → 400, never 500", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signUp(page);
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const actionId = Object.entries(manifest.node).find(([, v]) => v.exportedName === "checkNameAction")![0];
  const post = (data: string | Buffer, headers: Record<string, string> = {}) =>
    page.request.post("/environments/new", {
      headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", ...headers },
      data,
    });
  const ok = await post(JSON.stringify(["my-env"]));
  expect(ok.status()).toBe(200);
  expect(await ok.text()).toContain('"available":true');

  const big = await post(JSON.stringify(["x".repeat(1024 * 1024 + 10)]));
  expect(big.status()).toBe(413);
  expect(await big.text()).toBe("The request is larger than 1 MB.");
  for (const [body, message] of [
    ["", "The request body is empty."],
    ["{not json", "The request body is not valid JSON."],
    ['{"a":1}', "The request body must be a JSON array of arguments."],
  ]) {
    const r = await post(body);
    expect(r.status(), JSON.stringify(body)).toBe(400);
    expect(await r.text()).toBe(message);
  }
  const multipart = await post("--x\r\ngarbage", { "content-type": "multipart/form-data; boundary=zzz" });
  expect(multipart.status()).toBe(400);
});

test("/api/health answers only 'ok' to anonymous callers and the detail to admins", async ({ browser }) => {
  const anonymous = await client();
  const r = await anonymous.get("/api/health");
  expect(r.status()).toBe(200);
  expect(await r.text()).toBe("ok");
  const admin = await adminPage(browser);
  const detail = await (await admin.request.get("/api/health")).json();
  expect(detail).toMatchObject({ ok: true, database: "reachable", migrations: "current", pending: [] });
  expect(E2E_ADMIN.email).toBeTruthy();
  await anonymous.dispose();
});
