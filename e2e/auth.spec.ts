import { expect, test } from "@playwright/test";
import { adminPage, formAlert, PASSWORD, signIn, signUp, uniqueEmail } from "./fixtures";

test("sign up, sign out, sign in again", async ({ page }) => {
  const email = await signUp(page);
  await expect(page.getByRole("heading", { name: "Environments", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Hardware nodes" })).toHaveCount(0);

  await page.getByLabel("User menu").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/environments");
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/environments$/);
});

test("sign-up refuses bad input next to the fields, keeps the name and email, and creates nothing", async ({
  page,
}) => {
  const email = uniqueEmail();
  await page.goto("/register");
  await page.getByLabel("Name").fill("Weak");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("password1");
  await page.getByRole("button", { name: "Create account" }).click();
  const message = "This password is one of the most common ones; choose another.";
  await expect(page.locator("#f-password-error")).toHaveText(message);
  // What was typed stays, and the message is said once, next to its field.
  await expect(page.getByLabel("Name")).toHaveValue("Weak");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByText(message)).toHaveCount(1);
  await signIn(page, email, "password1");
  await expect(formAlert(page)).toContainText("Wrong email or password.");
});

test("a wrong password shows an error, and repeated failures are throttled", async ({ page }) => {
  const email = await signUp(await (await page.context().browser()!.newContext()).newPage());
  for (let i = 0; i < 5; i++) {
    await signIn(page, email, `wrong-password-${i}`);
    await expect(formAlert(page)).toContainText("Wrong email or password.");
  }
  await signIn(page, email, PASSWORD);
  await expect(formAlert(page)).toContainText(/Too many failed sign-ins\. Try again in \d+ seconds?\./);
  await expect(page).toHaveURL(/\/login/);
});

test("a suspended developer is signed out on the next request", async ({ page, browser }) => {
  const email = await signUp(page);
  const admin = await adminPage(browser);
  await admin.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  const row = admin.getByTestId(`user-row-${email}`);
  await row.getByRole("button", { name: "Suspend" }).click();
  await admin
    .getByRole("dialog")
    .getByRole("button", { name: `Suspend ${email}` })
    .click();
  await expect(row.getByText("Suspended")).toBeVisible();

  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, email, PASSWORD);
  await expect(formAlert(page)).toContainText("suspended");
});

test("a developer cannot open admin pages or call admin server actions directly", async ({ page, browser }) => {
  const developerEmail = await signUp(page);
  for (const path of ["/admin", "/admin/users", "/admin/audit", "/admin/nodes"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  const csv = await page.request.get("/api/admin/audit");
  expect(csv.status()).toBe(403);

  // Learn the action id of "suspend user" from a real admin click on a throwaway account.
  const victimEmail = await signUp(await (await browser.newContext()).newPage());
  const admin = await adminPage(browser);
  await admin.goto(`/admin/users?q=${encodeURIComponent(victimEmail)}`);
  const row = admin.getByTestId(`user-row-${victimEmail}`);
  const actionRequest = admin.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await row.getByRole("button", { name: "Suspend" }).click();
  await admin
    .getByRole("dialog")
    .getByRole("button", { name: `Suspend ${victimEmail}` })
    .click();
  const request = await actionRequest;
  const actionId = request.headers()["next-action"];
  const body = JSON.parse(request.postData() ?? "[]") as [{ userId: string }];
  await expect(row.getByText("Suspended")).toBeVisible();
  await row.getByRole("button", { name: "Reactivate" }).click();
  await admin
    .getByRole("dialog")
    .getByRole("button", { name: `Reactivate ${victimEmail}` })
    .click();
  await expect(row.getByText("Active", { exact: true })).toBeVisible();

  // The developer replays it with their own session cookie: refused inside the action.
  const replay = await page.request.post("/admin/users", {
    headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: JSON.stringify([{ userId: body[0].userId, status: "SUSPENDED" }]),
  });
  expect(await replay.text()).toContain("Only administrators can do this.");
  await admin.reload();
  await expect(admin.getByTestId(`user-row-${victimEmail}`).getByText("Active", { exact: true })).toBeVisible();
  // The refusal is audited with the developer as actor and the action's name.
  await admin.goto(`/admin/audit?action=auth.denied&actor=${encodeURIComponent(developerEmail)}`);
  await expect(admin.getByRole("cell", { name: "auth.denied" }).first()).toBeVisible();
  await expect(admin.getByRole("cell", { name: "action user.status" }).first()).toBeVisible();
});

test("the audit log records sign-ins and exports CSV for admins", async ({ browser }) => {
  const admin = await adminPage(browser);
  await admin.goto("/admin/audit?action=auth.signin");
  await expect(admin.getByRole("cell", { name: "auth.signin" }).first()).toBeVisible();
  const csv = await admin.request.get("/api/admin/audit?action=auth.signin");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toMatch(/^time,actor,action,/);
});
