// Every environment at a URL: a developer creates NGINX + 2 × Node.js from the wizard, Chromium opens
// the environment's *.localhost name on the e2e panel's own ingress (Caddy on a high port) and sees both
// app containers across reloads; stopped → the ingress's "stopped" page, deleted → its 404 page.
import { expect, test, type Page } from "@playwright/test";
import { E2E_INGRESS } from "../playwright.config";
import { signUp } from "./fixtures";

async function addLayer(page: Page, role: string, layerName: string, stack: string) {
  await page.getByRole("button", { name: `+ ${role}` }).click();
  await page.getByTestId(`layer-${layerName}`).getByLabel("Stack").selectOption(stack);
}

test("the environment answers at <env>-<handle>.localhost through the ingress, then stopped and deleted pages", async ({
  page,
  browser,
}) => {
  test.setTimeout(900_000);
  await signUp(page);
  await page.goto("/environments/new");
  const name = `web${Date.now().toString(36)}`;
  await page.getByLabel("Environment name").fill(name);
  await expect(page.getByText("✓ Available.")).toBeVisible();
  await addLayer(page, "Load balancer", "bl", "nginx");
  await addLayer(page, "Application server", "cp", "nodejs");
  await page.getByTestId("layer-cp").getByRole("button", { name: "Increase Containers" }).click();
  await expect(page.getByTestId("placement-preview")).toContainText("Every container fits");
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page).toHaveURL(/\/environments\/c[a-z0-9]+$/, { timeout: 30_000 });
  // The first Debian stacks on this node build their templates: minutes, not seconds.
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 600_000 });

  const url = (await page.getByTestId("environment-url").textContent())!.trim();
  expect(url).toMatch(new RegExp(`^http://${name}-[a-z][a-z0-9]*\\.localhost:${E2E_INGRESS.http}/$`));
  // Reachability is measured when the page renders: reload until the apps behind the balancer answer.
  await expect
    .poll(
      async () => {
        await page.reload({ timeout: 60_000 });
        return page.getByTestId("environment-reachability").textContent({ timeout: 10_000 });
      },
      { timeout: 180_000, intervals: [2_000] },
    )
    .toContain("200");

  // Chromium resolves *.localhost to loopback by itself: no DNS, no host rules.
  const visitor = await (await browser.newContext()).newPage();
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        // Each try is bounded: a navigation or fetch that stalls is one failed try, not a hung test.
        const response = await visitor.goto(url, { timeout: 10_000 }).catch(() => null);
        if (!response) return seen.size;
        const text =
          (
            await visitor
              .locator("body")
              .textContent({ timeout: 5_000 })
              .catch(() => "")
          )?.trim() ?? "";
        if (response.status() === 200 && /^hello from hp-/.test(text)) seen.add(text);
        // A navigation also fetches /favicon.ico, so with two app servers in round robin every page load
        // could land on the same one: one more request from the page shifts the rotation.
        const fetched = await visitor
          .evaluate(() => fetch("/", { cache: "no-store", signal: AbortSignal.timeout(5_000) }).then((r) => r.text()))
          .catch(() => "");
        if (/^hello from hp-/.test(fetched.trim())) seen.add(fetched.trim());
        return seen.size;
      },
      { timeout: 90_000, intervals: [300] },
    )
    .toBe(2);

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByTestId("env-status")).toHaveText("Stopped", { timeout: 120_000 });
  const stopped = await visitor.goto(url, { timeout: 30_000 });
  expect(stopped?.status()).toBe(503);
  await expect(visitor.getByRole("heading", { name: "This environment is stopped" })).toBeVisible();

  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog").getByLabel(`Type ${name} to confirm`).fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Delete environment" }).click();
  await expect(page).toHaveURL(/\/environments$/, { timeout: 120_000 });
  await expect
    .poll(async () => (await visitor.goto(url, { timeout: 10_000 }).catch(() => null))?.status(), {
      timeout: 60_000,
      intervals: [500],
    })
    .toBe(404);
  await expect(visitor.getByRole("heading", { name: "No environment at this address" })).toBeVisible();
});
