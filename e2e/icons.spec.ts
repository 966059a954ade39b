import { expect, test } from "@playwright/test";

// Browsers ask for /favicon.ico on every first load; home screens read the manifest's icons.
test("the favicon, the app icons and the web manifest are served, and pages link them", async ({ page, request }) => {
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  const bytes = await favicon.body();
  expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // ICO header: reserved 0, type 1 (icon)

  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const body = (await manifest.json()) as { name: string; icons: { src: string; sizes: string; type: string }[] };
  expect(body.name).toBe("Hostplane");
  expect(body.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  for (const icon of body.icons) {
    const response = await request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()["content-type"], icon.src).toContain(icon.type);
  }

  await page.goto("/login");
  const href = (selector: string) => page.locator(selector).first().getAttribute("href");
  expect(await href('link[rel="icon"][href^="/favicon.ico"]')).toMatch(/^\/favicon\.ico/);
  expect(await href('link[rel="icon"][type="image/svg+xml"]')).toMatch(/^\/icon\.svg/);
  expect(await href('link[rel="apple-touch-icon"]')).toMatch(/^\/apple-touch-icon\.png/);
  expect(await href('link[rel="manifest"]')).toMatch(/^\/manifest\.webmanifest/);
  const apple = await request.get("/apple-touch-icon.png");
  expect(apple.status()).toBe(200);
  expect(apple.headers()["content-type"]).toBe("image/png");
});
