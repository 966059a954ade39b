// Every environment at a URL: a developer creates NGINX + 2 × Node.js from the wizard, Chromium opens
// the environment's *.localhost name on the e2e panel's own ingress (Caddy on a high port) and sees both
// app containers across reloads; a custom domain bound on the environment page answers too (a second
// Chromium maps it to loopback), and so does an app server published as a TCP endpoint; stopped → the
// ingress's "stopped" page, deleted → its 404 page.
import { chromium, expect, test, type Page } from "@playwright/test";
import config, { E2E_INGRESS } from "../playwright.config";
import { deleteEnvironmentFromPage, signUp } from "./fixtures";

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

  // A custom domain: names under the platform's domain are refused, an own one is bound and answers.
  const domains = page.getByRole("region", { name: "Custom domains" });
  await domains.getByLabel("Domain").fill(`shop.${name}.localhost`);
  await domains.getByRole("button", { name: "Add domain" }).click();
  await expect(domains.getByTestId("domain-error-domain")).toContainText("Names under localhost are the platform's");
  const shop = `shop-${name}.example.test`;
  await domains.getByLabel("Domain").fill(shop);
  await domains.getByRole("button", { name: "Add domain" }).click();
  await expect(domains.getByTestId("custom-domains")).toContainText(shop);
  await expect(domains.getByTestId("custom-domains")).toContainText(new URL(url).hostname);
  const launch = config.use?.launchOptions ?? {};
  const mapped = await chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), `--host-resolver-rules=MAP ${shop} 127.0.0.1`],
  });
  try {
    const shopPage = await mapped.newPage();
    const shopUrl = `http://${shop}:${E2E_INGRESS.http}/`;
    await expect
      .poll(
        async () => {
          const response = await shopPage.goto(shopUrl, { timeout: 10_000 }).catch(() => null);
          const text = await shopPage
            .locator("body")
            .textContent({ timeout: 5_000 })
            .catch(() => "");
          return `${response?.status()} ${text?.trim()}`;
        },
        { timeout: 60_000, intervals: [500] },
      )
      .toMatch(/^200 hello from hp-/);
    await domains.getByRole("button", { name: `Remove ${shop}` }).click();
    await expect(domains.getByTestId("custom-domains")).toHaveCount(0);
    await expect
      .poll(async () => (await shopPage.goto(shopUrl, { timeout: 10_000 }).catch(() => null))?.status(), {
        timeout: 60_000,
        intervals: [500],
      })
      .toBe(404);
  } finally {
    await mapped.close();
  }

  // A TCP endpoint: an app server's port 8080 on a node port, reachable at the address the card shows.
  const endpoints = page.getByRole("region", { name: "TCP endpoints" });
  // The only select in the card; its options are the containers as people read them.
  await endpoints.getByRole("combobox").selectOption({ label: "cp #1" });
  await expect(endpoints.getByRole("textbox", { name: "Container port" })).toHaveValue("8080");
  await endpoints.getByRole("button", { name: "Publish" }).click();
  const published = endpoints.getByTestId("tcp-endpoints").locator("code").first();
  await expect(published).toHaveText(/^\d+\.\d+\.\d+\.\d+:\d+$/, { timeout: 30_000 });
  const hostPort = (await published.textContent())!.trim();
  await expect
    .poll(
      async () =>
        fetch(`http://${hostPort}/`, { signal: AbortSignal.timeout(5_000) })
          .then((r) => r.text())
          .catch((e: Error) => e.message),
      { timeout: 60_000, intervals: [500] },
    )
    .toMatch(/^hello from hp-/);

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByTestId("env-status")).toHaveText("Stopped", { timeout: 120_000 });
  const stopped = await visitor.goto(url, { timeout: 30_000 });
  expect(stopped?.status()).toBe(503);
  await expect(visitor.getByRole("heading", { name: "This environment is stopped" })).toBeVisible();

  await deleteEnvironmentFromPage(page, name);
  await expect
    .poll(async () => (await visitor.goto(url, { timeout: 10_000 }).catch(() => null))?.status(), {
      timeout: 60_000,
      intervals: [500],
    })
    .toBe(404);
  await expect(visitor.getByRole("heading", { name: "No environment at this address" })).toBeVisible();
});
