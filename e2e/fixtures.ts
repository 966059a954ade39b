import { expect, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";

export { E2E_ADMIN };
export const PASSWORD = "violet-harbour-2048";

let counter = 0;
export function uniqueEmail(prefix = "dev"): string {
  return `${prefix}-${Date.now().toString(36)}-${counter++}@e2e.test`;
}

export async function signUp(page: Page, options: { email?: string; name?: string; password?: string } = {}) {
  const email = options.email ?? uniqueEmail();
  await page.goto("/register");
  await page.getByLabel("Name").fill(options.name ?? "E2E Developer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(options.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/environments$/);
  return email;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function adminPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/environments$/);
  return page;
}

/** The form's own message (Next.js also renders an empty role=alert route announcer). */
export function formAlert(page: Page) {
  return page.locator('p[role="alert"]').first();
}

/** On an environment's page: Delete, type the name to confirm, and wait for the list (the deletion runs on). */
export async function deleteEnvironmentFromPage(page: Page, name: string, timeout = 120_000) {
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog").getByLabel(`Type ${name} to confirm`).fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Delete environment" }).click();
  await expect(page).toHaveURL(/\/environments$/, { timeout });
}
