// Deploying code from the browser: a developer creates a Node.js environment from the wizard, uploads an
// archive of a small app in the Deploys card, and the environment's URL answers the new version; a
// zip-slip archive is refused with the field's message; a variable saved in the Variables card shows in
// the app's answer after the rolling restart; the Logs card shows the line the app printed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./fixtures";

let tmp: string;
test.beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "hp-e2e-deploy-"));
});
test.afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An app that answers "<version> <GREETING>" and prints a line when it listens. */
function appArchive(version: string): string {
  const dir = path.join(tmp, version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "e2eapp", version: "1.0.0", main: "server.js" }),
  );
  writeFileSync(
    path.join(dir, "server.js"),
    `const http = require("node:http");
const { PORT, GREETING } = process.env;
http.createServer((req, res) => res.end("${version} " + (GREETING || "no greeting") + "\\n"))
  .listen(Number(PORT), () => console.log("${version} is listening on " + PORT));
`,
  );
  const archive = path.join(tmp, `${version}.tar.gz`);
  execFileSync("tar", ["-czf", archive, "-C", dir, "."]);
  return archive;
}

async function answer(page: Page, url: string): Promise<string> {
  return page
    .evaluate((u) => fetch(u, { cache: "no-store", signal: AbortSignal.timeout(5_000) }).then((r) => r.text()), url)
    .catch(() => "")
    .then((t) => t.trim());
}

test("deploy an archive from the environment page, set a variable, read the app's log", async ({ page, browser }) => {
  test.setTimeout(900_000);
  await signUp(page);
  await page.goto("/environments/new");
  const name = `dep${Date.now().toString(36)}`;
  await page.getByLabel("Environment name").fill(name);
  await expect(page.getByText("✓ Available.")).toBeVisible();
  await page.getByRole("button", { name: "+ Application server" }).click();
  await page.getByTestId("layer-cp").getByLabel("Stack").selectOption("nodejs");
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page).toHaveURL(/\/environments\/c[a-z0-9]+$/, { timeout: 30_000 });
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 600_000 });
  const url = (await page.getByTestId("environment-url").textContent())!.trim();
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(url, { timeout: 30_000 }).catch(() => null);

  // Upload: the release deploys and the URL answers the new version.
  const deploys = page.getByRole("region", { name: "Deploys" });
  await expect(deploys.getByTestId("current-release-cp")).toHaveText("serves the stack's sample");
  await deploys.getByLabel("Archive for cp").setInputFiles(appArchive("v1"));
  await deploys.getByRole("button", { name: "Deploy to cp" }).click();
  await expect(deploys.getByTestId("current-release-cp")).toHaveText("serves release 1", { timeout: 180_000 });
  await expect(deploys.getByRole("list", { name: "Releases of cp" })).toContainText("active");
  await expect.poll(() => answer(visitor, url), { timeout: 60_000, intervals: [1_000] }).toBe("v1 no greeting");

  // A zip-slip archive: refused with the reason, nothing deployed.
  const evilDir = path.join(tmp, "evil");
  mkdirSync(evilDir, { recursive: true });
  writeFileSync(path.join(evilDir, "x.js"), "1");
  const evil = path.join(tmp, "evil.tar.gz");
  execFileSync("tar", ["-czf", evil, "-P", "-C", evilDir, "--transform", "s,^,../../,", "x.js"]);
  await deploys.getByLabel("Archive for cp").setInputFiles(evil);
  await deploys.getByRole("button", { name: "Deploy to cp" }).click();
  await expect(deploys.getByTestId("deploy-error-cp")).toContainText("..");
  await expect(deploys.getByTestId("current-release-cp")).toHaveText("serves release 1");

  // A variable: saved, rolled out, visible in the app's answer.
  const variables = page.getByRole("region", { name: "Variables" });
  const scope = variables.getByTestId("variables-environment");
  await scope.getByRole("button", { name: "Add a variable" }).click();
  await scope.getByLabel("Variable name 1 of the environment").fill("1NOPE");
  await scope.getByRole("button", { name: "Save and restart application layers" }).click();
  await expect(scope.getByRole("alert")).toBeVisible();
  await scope.getByLabel("Variable name 1 of the environment").fill("GREETING");
  await scope.getByLabel("Value of GREETING (the environment)").fill("hello from the variables card");
  await scope.getByRole("button", { name: "Save and restart application layers" }).click();
  await expect
    .poll(() => answer(visitor, url), { timeout: 120_000, intervals: [1_000] })
    .toBe("v1 hello from the variables card");

  // Logs: the line the app printed, labelled with its container.
  const logs = page.getByRole("region", { name: "Logs" });
  await expect(logs.getByTestId("log-lines")).toContainText("[cp-1] v1 is listening on 8080", { timeout: 30_000 });
  await logs.getByLabel("Search").fill("no such line anywhere");
  await logs.getByRole("button", { name: "Search" }).click();
  await expect(logs.getByTestId("log-lines")).toHaveText("No lines.");
});
