// Live pages (issue 16) on the events feed (issue 12): an environment created through the API in the
// background shows up in an already open list without a reload, its status follows, and one user's
// open streams are capped (the 21st gets 429 with Retry-After).
import http from "node:http";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { Client } from "pg";
import { E2E_DATA_DIR } from "../playwright.config";
import { signUp } from "./fixtures";

// React's own reply encoder, exactly what the browser uses to send action arguments.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply: (value: unknown[]) => Promise<string | FormData>;
};

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const { port, password } = JSON.parse(readFileSync(path.join(E2E_DATA_DIR, "postgres.json"), "utf8")) as {
    port: number;
    password: string;
  };
  const client = new Client({ host: "127.0.0.1", port, user: "postgres", password, database: "hostplane" });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Calls a server action the way the browser does, with the page's session. */
async function callAction(page: Page, pagePath: string, name: string, args: unknown[]) {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === name)?.[0];
  expect(id, `${name} is in the build`).toBeTruthy();
  const response = await page.request.post(pagePath, {
    headers: { "next-action": id!, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
    data: (await encodeReply(args)) as string,
  });
  const text = await response.text();
  expect(text, `${name}: ${text.slice(0, 300)}`).toContain('"ok":true');
  return text;
}

/** A one-container busybox environment created through the server action, as another tab would. */
async function createInBackground(page: Page, prefix: string): Promise<string> {
  const [region] = await query<{ id: string }>(
    `SELECT id FROM "Region" WHERE "isDefault" ORDER BY "createdAt" LIMIT 1`,
  );
  const name = `${prefix}-${Date.now().toString(36)}`;
  await callAction(page, "/environments/new", "createEnvironmentAction", [
    {
      name,
      regionId: region.id,
      layers: [{ name: "cp", stack: "busybox", count: 1, reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 }],
      idempotencyKey: randomUUID(),
    },
  ]);
  return name;
}

test("an environment created through the API in the background appears in the open list within 2 s, and its status follows", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signUp(page);
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-live", "live");
  // A marker on the window survives in-place updates and would be lost by any reload.
  await page.evaluate(() => Object.assign(window, { __notReloaded: true }));
  const streams: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/events")) streams.push(r.url());
  });

  const name = await createInBackground(page, "live");
  const row = page.getByTestId(`env-row-${name}`);
  await expect(row).toBeVisible({ timeout: 2000 });
  await expect(row).toContainText("Creating");
  await expect(row).toContainText("Running", { timeout: 180_000 });
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
  expect(streams, "the open tab kept its one stream").toEqual([]);

  // Deleted in the background too: the row goes away from the same open page.
  const [env] = await query<{ id: string }>(`SELECT id FROM "Environment" WHERE name = $1`, [name]);
  await callAction(page, `/environments/${env.id}`, "deleteEnvironmentAction", [
    { environmentId: env.id, confirmName: name },
  ]);
  await expect(row).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
});

type Opened = { status: number; headers: http.IncomingHttpHeaders; body: string; close: () => void };
function openStream(url: string, cookie: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie, accept: "text/event-stream" } }, (res) => {
      const close = () => req.destroy();
      if (res.statusCode !== 200) {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, close }));
        return;
      }
      res.once("data", () => resolve({ status: 200, headers: res.headers, body: "", close }));
    });
    req.on("error", reject);
  });
}

test("one user's 21st open stream gets 429 with Retry-After and a clear error; closing one frees a slot", async ({
  page,
  baseURL,
}) => {
  await signUp(page);
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-live", "live"); // stream 1: the tab
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const url = `${baseURL}/api/events`;
  const open: Opened[] = [];
  try {
    for (let i = 2; i <= 20; i++) {
      const s = await openStream(url, cookie);
      open.push(s);
      expect(s.status, `stream ${i}`).toBe(200);
      expect(s.headers["content-type"]).toMatch(/^text\/event-stream/);
    }
    const refused = await openStream(url, cookie);
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("30");
    expect(JSON.parse(refused.body)).toMatchObject({
      code: "TOO_MANY_STREAMS",
      scope: "user",
      limit: 20,
      error: "Too many open live views: at most 20 per account. Close some tabs and try again.",
    });
    open.pop()!.close();
    await expect
      .poll(async () => {
        const s = await openStream(url, cookie);
        if (s.status === 200) open.push(s);
        return s.status;
      })
      .toBe(200);
  } finally {
    for (const s of open) s.close();
  }
});

test("with the events feed unreachable, an open environment page still follows its operation to the end", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signUp(page);
  // No stream ever connects: only the page's own refresh while an operation is in progress can update it.
  await page.route("**/api/events**", (route) => route.abort());
  const name = await createInBackground(page, "quiet");
  const [env] = await query<{ id: string }>(`SELECT id FROM "Environment" WHERE name = $1`, [name]);
  await page.goto(`/environments/${env.id}`);
  const create = page.getByTestId("operation-CREATE").locator("summary");
  // Still in progress when the page rendered (real containers take a while): what follows is a refresh.
  await expect(create).toBeVisible();
  expect(await create.textContent()).not.toContain("Succeeded");
  await expect(create).toContainText("Succeeded", { timeout: 180_000 });
  await expect(page.getByTestId("env-status")).toHaveText("Running");

  await callAction(page, `/environments/${env.id}`, "deleteEnvironmentAction", [
    { environmentId: env.id, confirmName: name },
  ]);
  await expect
    .poll(async () => (await query(`SELECT id FROM "Environment" WHERE id = $1`, [env.id])).length, {
      timeout: 120_000,
    })
    .toBe(0);
});
