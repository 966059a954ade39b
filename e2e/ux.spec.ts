// Legible and safe (issue 16): names people read in the evacuation plan, confirmations before admin
// actions, the admin password reset with its forced change, keyboard access (skip link, focus after
// navigation, dialogs), and axe over every page as developer and admin, light and dark. With
// HOSTPLANE_PAGE_SCREENSHOTS=<dir> every page is also saved there 390 px wide and in dark mode.
//
// The environments these tests read live on two simulated hardware nodes (engine SIM) in a region of
// their own, written straight into the database: the pages and the evacuation planner read them like
// any other, and no real container is created.
import { mkdirSync } from "node:fs";
import { readFileSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Client } from "pg";
import { E2E_DATA_DIR } from "../playwright.config";
import { config } from "../lib/config";
import { adminPage, formAlert, PASSWORD, signIn, signUp } from "./fixtures";

test.describe.configure({ mode: "serial" });

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const { port, password } = JSON.parse(readFileSync(path.join(E2E_DATA_DIR, "postgres.json"), "utf8")) as {
    port: number;
    password: string;
  };
  const client = new Client({ host: "127.0.0.1", port, user: "postgres", password, database: "hostplane" });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const suffix = Date.now().toString(36);
const seed = {
  region: `ux-sim-${suffix}`,
  nodeA: `ux-sim-a-${suffix}`,
  nodeB: `ux-sim-b-${suffix}`,
  shop: `ux-shop-${suffix}`,
  blog: `ux-blog-${suffix}`,
  ids: {} as Record<string, string>,
};
let developerEmail = "";
let developer: Page | null = null;

/**
 * Two SIM nodes in a region of their own: A holds the containers, B is active but too small for the
 * shop's `web` layer (RAM) and lacks the `disk=ssd` label the blog's `db` layer asks for. So nothing on A
 * can move, for two different reasons.
 */
async function seedCluster(ownerEmail: string) {
  const id = (name: string) => (seed.ids[name] = `ux${name}${suffix}`);
  const [owner] = await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [ownerEmail]);
  await sql(`INSERT INTO "Region" (id, name, "updatedAt") VALUES ($1, $2, now())`, [id("region"), seed.region]);
  const node = (key: string, name: string, subnet: string, ramMib: number, reserved: number[]) =>
    sql(
      `INSERT INTO "HardwareNode" (id, name, "regionId", engine, subnet, "ramMib", "cpuMhz", "diskGib", "maxContainers",
         "reservedRamMib", "reservedCpuMhz", "reservedDiskGib", "reservedContainers", "reservedLimitCloudlets",
         "memTotalMib", "diskTotalGib", "lastSeenAt", "updatedAt")
       VALUES ($1, $2, $3, 'SIM', $4, $5, 16000, 100, 50, $6, $7, $8, $9, $10, $5, 100, now(), now())`,
      [id(key), name, seed.ids.region, subnet, ramMib, ...reserved],
    );
  await node("nodeA", seed.nodeA, `10.213.171.0/24`, 8192, [640, 2000, 3, 3, 5]);
  await node("nodeB", seed.nodeB, `10.213.172.0/24`, 128, [0, 0, 0, 0, 0]);
  const environment = (key: string, name: string) =>
    sql(
      `INSERT INTO "Environment" (id, name, "ownerId", "regionId", "desiredState", status, "updatedAt")
       VALUES ($1, $2, $3, $4, 'STOPPED', 'STOPPED', now())`,
      [id(key), name, owner.id, seed.ids.region],
    );
  await environment("shop", seed.shop);
  await environment("blog", seed.blog);
  const layer = (key: string, env: string, name: string, count: number, cloudlets: number, labels: object) =>
    sql(
      `INSERT INTO "Layer" (id, "environmentId", name, role, stack, count, "reservedCloudlets", "dynamicCloudlets",
         "diskGib", "labelSelector", "updatedAt")
       VALUES ($1, $2, $3, 'CUSTOM', 'busybox', $4, $5, $5, 1, $6, now())`,
      [id(key), seed.ids[env], name, count, cloudlets, JSON.stringify(labels)],
    );
  await layer("web", "shop", "web", 2, 2, {});
  await layer("db", "blog", "db", 1, 1, { disk: "ssd" });
  const container = (key: string, env: string, layerKey: string, ordinal: number, cloudlets: number) =>
    sql(
      `INSERT INTO "Container" (id, "environmentId", "layerId", ordinal, "hardwareNodeId", "desiredState",
         "observedState", "reservedCloudlets", "dynamicCloudlets", "diskGib", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, 'STOPPED', 'STOPPED', $6, $6, 1, now())`,
      [id(key), seed.ids[env], seed.ids[layerKey], ordinal, seed.ids.nodeA, cloudlets],
    );
  await container("web0", "shop", "web", 0, 2);
  await container("web1", "shop", "web", 1, 2);
  await container("db0", "blog", "db", 0, 1);
}

async function removeCluster() {
  if (!seed.ids.region) return;
  await sql(`DELETE FROM "Environment" WHERE id = ANY($1)`, [[seed.ids.shop, seed.ids.blog]]);
  await sql(`DELETE FROM "HardwareNode" WHERE id = ANY($1)`, [[seed.ids.nodeA, seed.ids.nodeB]]);
  await sql(`DELETE FROM "Region" WHERE id = $1`, [seed.ids.region]);
}

test.beforeAll(async ({ browser }) => {
  developer = await (await browser.newContext()).newPage();
  developerEmail = await signUp(developer, { name: "Ux Developer" });
  await seedCluster(developerEmail);
});

test.afterAll(async () => {
  await removeCluster();
});

test("the evacuation plan of an impossible evacuation names environments, layers and containers, groups them by reason, and offers no start button", async ({
  browser,
}) => {
  const admin = await adminPage(browser);
  await admin.goto(`/admin/nodes/${seed.ids.nodeA}`);
  await expect(admin.getByRole("heading", { name: `Node ${seed.nodeA}` })).toBeVisible();
  await admin.getByRole("button", { name: "Evacuate…" }).click();
  const plan = admin.getByTestId("evacuation-plan");
  await expect(plan).toBeVisible();
  const groups = plan.getByTestId("evacuation-blocked");
  await expect(groups).toHaveCount(2);
  // RAM for the shop's web layer (2 containers), labels for the blog's db layer (1 container).
  const web = groups.filter({ hasText: "not enough allocatable RAM" });
  await expect(web).toContainText("Cannot move 2 containers");
  await expect(web.getByRole("listitem").filter({ hasText: `${seed.shop} · layer web · web-1` })).toHaveCount(1);
  await expect(web.getByRole("listitem").filter({ hasText: `${seed.shop} · layer web · web-2` })).toHaveCount(1);
  const db = groups.filter({ hasText: "labels do not match" });
  await expect(db).toContainText("Cannot move 1 container:");
  await expect(db.getByRole("listitem").filter({ hasText: `${seed.blog} · layer db · db-1` })).toHaveCount(1);
  // No ids anywhere: names only (the engine name is hover text).
  await expect(plan).not.toContainText(seed.ids.web0);
  await expect(plan).not.toContainText("hp-");
  await expect(plan.getByTestId("evacuation-summary")).toContainText(
    "This evacuation cannot start: 3 containers have nowhere to go.",
  );
  // The server refuses an incomplete plan, so there is nothing to start.
  await expect(plan.getByRole("button", { name: /move|start|evacuat/i })).toHaveCount(0);
  await expect(plan.getByRole("button", { name: "Close plan" })).toBeVisible();
  await admin.context().close();
});

test("suspending a user asks for confirmation first; Cancel changes nothing and gives focus back", async ({
  browser,
}) => {
  const victim = await (await browser.newContext()).newPage();
  const email = await signUp(victim);
  const admin = await adminPage(browser);
  await admin.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  const row = admin.getByTestId(`user-row-${email}`);
  const suspend = row.getByRole("button", { name: "Suspend" });
  await suspend.click();
  const dialog = admin.getByRole("dialog", { name: `Suspend ${email}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Their open sessions end at once");
  // Focus is inside the dialog and Tab keeps it there.
  for (let i = 0; i < 5; i++) {
    await admin.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(suspend).toBeFocused();
  await expect(row.getByText("Active", { exact: true })).toBeVisible();
  await victim.goto("/account");
  await expect(victim).toHaveURL(/\/account$/);

  await suspend.click();
  await dialog.getByRole("button", { name: `Suspend ${email}` }).click();
  await expect(row.getByText("Suspended", { exact: true })).toBeVisible();
  await victim.goto("/account");
  await expect(victim).toHaveURL(/\/login/);
  await admin.context().close();
});

test("an admin's password reset lets the user in once with the temporary password and forces a change", async ({
  browser,
}) => {
  const user = await (await browser.newContext()).newPage();
  const email = await signUp(user);
  const admin = await adminPage(browser);
  await admin.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  const row = admin.getByTestId(`user-row-${email}`);
  await expect(row.getByTestId("last-sign-in")).not.toContainText("never");
  await row.getByRole("button", { name: "Reset password" }).click();
  await admin
    .getByRole("dialog", { name: `Reset the password of ${email}?` })
    .getByRole("button", {
      name: "Reset password",
    })
    .click();
  const shown = admin.getByRole("dialog", { name: `Temporary password for ${email}` });
  const temporary = (await shown.getByTestId("temporary-password").innerText()).trim();
  expect(temporary).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toBeHidden();
  await expect(row).toContainText("password reset pending");

  // The reset ended the user's session; the old password no longer works.
  await user.goto("/environments");
  await expect(user).toHaveURL(/\/login/);
  await signIn(user, email, PASSWORD);
  await expect(formAlert(user)).toContainText("Wrong email or password.");

  // The temporary password signs in once, onto the change page, and nothing else opens.
  await signIn(user, email, temporary);
  await expect(user).toHaveURL(/\/change-password$/);
  await expect(user.getByRole("heading", { name: "Set a new password" })).toBeVisible();
  await user.goto("/environments");
  await expect(user).toHaveURL(/\/change-password$/);
  expect((await user.request.get("/api/environments/none/containers/none")).status()).toBe(401);
  await axeCheck(user, "change-password");

  const second = await (await browser.newContext()).newPage();
  await signIn(second, email, temporary);
  await expect(formAlert(second)).toContainText("already used or has expired");

  // The policy still applies; the form keeps the page and says why, once.
  await user.getByLabel("New password", { exact: true }).fill("password1");
  await user.getByLabel("Repeat new password").fill("password1");
  await user.getByRole("button", { name: "Set password and continue" }).click();
  await expect(user.locator("#f-newPassword-error")).toContainText("common");
  const fresh = "lantern-orchard-5521";
  await user.getByLabel("New password", { exact: true }).fill(fresh);
  await user.getByLabel("Repeat new password").fill(fresh);
  await user.getByRole("button", { name: "Set password and continue" }).click();
  await expect(user).toHaveURL(/\/environments$/);
  await user.goto("/account");
  await expect(user).toHaveURL(/\/account$/);

  await signIn(second, email, fresh);
  await expect(second).toHaveURL(/\/environments$/);
  await admin.reload();
  await expect(admin.getByTestId(`user-row-${email}`)).not.toContainText("password reset pending");
  await admin.context().close();
});

test("keyboard only: the first Tab reaches the skip link, which moves to the main content; navigating focuses the heading", async ({
  browser,
}) => {
  const page = developer!;
  await page.goto("/environments");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main")).toBeFocused();
  // The next Tab lands inside the content, past the navigation.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest("#main")))).toBe(true);

  // A client-side navigation puts focus on the new page's heading.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();

  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto("/login");
  await anonymous.keyboard.press("Tab");
  await expect(anonymous.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await anonymous.context().close();
});

// ---- axe and screenshots over every page ----

async function axeCheck(page: Page, label: string, soft = false) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  // Soft over the page tour: one run lists every page's violations.
  (soft ? expect.soft : expect)(bad, `${label}: serious or critical axe violations`).toEqual([]);
}

async function visit(browser: Browser, who: "developer" | "admin" | "anonymous", pages: [string, string][]) {
  for (const scheme of ["light", "dark"] as const) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    if (who === "developer") await signIn(page, developerEmail, PASSWORD);
    if (who === "admin") await signIn(page, "admin@e2e.test", "e2e-admin-passphrase-91");
    if (who !== "anonymous") await expect(page).toHaveURL(/\/environments$/);
    else await context.clearCookies();
    for (const [name, url] of pages) {
      await page.setViewportSize({ width: 1280, height: 800 });
      const response = await page.goto(url);
      expect(response?.status(), `${who} ${url}`).toBeLessThan(400);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await axeCheck(page, `${who} ${url} (${scheme})`, true);
      const dir = config.HOSTPLANE_PAGE_SCREENSHOTS;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        if (scheme === "dark")
          await page.screenshot({ path: path.join(dir, `${who}-${name}-dark.png`), fullPage: true });
        else {
          await page.setViewportSize({ width: 390, height: 844 });
          await page.screenshot({ path: path.join(dir, `${who}-${name}-phone.png`), fullPage: true });
        }
      }
      if (scheme === "light") {
        // Usable at 390 px: nothing but tables (which scroll in their own box) is wider than the screen.
        await page.setViewportSize({ width: 390, height: 844 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect.soft(overflow, `${who} ${url} is wider than a phone`).toBeLessThanOrEqual(1);
      }
    }
    await context.close();
  }
}

test("axe finds no serious or critical violation on any page, as developer, admin and signed out, light and dark", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  await visit(browser, "anonymous", [
    ["login", "/login"],
    ["register", "/register"],
  ]);
  const environmentPages: [string, string][] = [
    ["environments", "/environments"],
    ["environment-new", "/environments/new"],
    ["environment", `/environments/${seed.ids.shop}`],
    ["account", "/account"],
  ];
  await visit(browser, "developer", environmentPages);
  await visit(browser, "admin", [
    ...environmentPages.filter(([name]) => name !== "environment"),
    ["environment", `/environments/${seed.ids.shop}`],
    ["cluster", "/admin"],
    ["nodes", "/admin/nodes"],
    ["node", `/admin/nodes/${seed.ids.nodeA}`],
    ["node-new", "/admin/nodes/new"],
    ["regions", "/admin/regions"],
    ["containers", "/admin/containers"],
    ["users", "/admin/users"],
    ["audit", "/admin/audit"],
  ]);
});
