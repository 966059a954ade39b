// Deploying code from the browser: a developer creates a Node.js environment from the wizard, uploads an
// archive of a small app in the Deploy dialog, and the environment's URL answers the new version; a
// zip-slip archive is refused with its reason; a Git ref that does not exist is the ref field's error and
// the test's own git daemon's main deploys next; a variable saved in the Variables tab shows in the app's
// answer after the rolling restart; the Logs tab shows the line the app printed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { deleteEnvironmentFromPage, signUp } from "./fixtures";
import { commitAll, startGitDaemon, type TestGitDaemon } from "../scripts/test/git-daemon";

let tmp: string;
let daemon: TestGitDaemon | null = null;
let gitUrl = "";

/** The test's Git server: git daemon on loopback serving one repository whose main holds the app's "v2". */
test.beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "hp-e2e-deploy-"));
  const repos = path.join(tmp, "repos");
  mkdirSync(repos, { recursive: true });
  commitAll(appDir("v2"), path.join(repos, "app.git"), "v2");
  daemon = await startGitDaemon(repos);
  gitUrl = daemon.url("app.git");
});
test.afterAll(() => {
  daemon?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** An app that answers "<version> <GREETING>" and prints a line when it listens. */
function appDir(version: string): string {
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
  return dir;
}

function appArchive(version: string): string {
  const dir = appDir(version);
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
  await deploys.getByRole("button", { name: "Deploy to cp…" }).click();
  const dialog = page.getByRole("dialog", { name: "Deploy to cp" });
  await dialog.getByLabel("Archive for cp").setInputFiles(appArchive("v1"));
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(deploys.getByTestId("current-release-cp")).toHaveText("serves release 1", { timeout: 180_000 });
  await expect(deploys.getByRole("list", { name: "Releases of cp" })).toContainText("active");
  await expect.poll(() => answer(visitor, url), { timeout: 60_000, intervals: [1_000] }).toBe("v1 no greeting");

  // A zip-slip archive: refused with the reason, nothing deployed.
  const evilDir = path.join(tmp, "evil");
  mkdirSync(evilDir, { recursive: true });
  writeFileSync(path.join(evilDir, "x.js"), "1");
  const evil = path.join(tmp, "evil.tar.gz");
  execFileSync("tar", ["-czf", evil, "-P", "-C", evilDir, "--transform", "s,^,../../,", "x.js"]);
  await deploys.getByRole("button", { name: "Deploy to cp…" }).click();
  await dialog.getByLabel("Archive for cp").setInputFiles(evil);
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(dialog.getByTestId("deploy-error-cp")).toContainText("..");
  await expect(deploys.getByTestId("current-release-cp")).toHaveText("serves release 1");

  // Git: a ref that does not exist is the ref field's error; the branch deploys as release 2.
  await dialog.getByLabel("From a Git repository").check();
  await dialog.getByLabel("Git repository", { exact: true }).fill(gitUrl);
  await dialog.getByLabel("Branch, tag or commit").fill("no-such-branch");
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(dialog).toContainText('No branch, tag or commit named "no-such-branch"', { timeout: 30_000 });
  await dialog.getByLabel("Branch, tag or commit").fill("main");
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(deploys.getByTestId("current-release-cp")).toHaveText("serves release 2", { timeout: 180_000 });
  await expect.poll(() => answer(visitor, url), { timeout: 60_000, intervals: [1_000] }).toBe("v2 no greeting");

  // A variable: saved, rolled out, visible in the app's answer.
  await page.getByRole("tab", { name: "Variables" }).click();
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
    .toBe("v2 hello from the variables card");

  // Logs: the line the app printed, labelled with its container.
  await page.getByRole("tab", { name: "Logs" }).click();
  const logs = page.getByRole("region", { name: "Logs" });
  await expect(logs.getByTestId("log-lines")).toContainText("[cp-1] v2 is listening on 8080", { timeout: 30_000 });
  await logs.getByLabel("Search").fill("no such line anywhere");
  await logs.getByRole("button", { name: "Search" }).click();
  await expect(logs.getByTestId("log-lines")).toHaveText("No lines.");

  // The new tabs and the Deploy dialog, light and dark: no serious or critical axe violation.
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const tab of ["Releases", "Variables", "Logs"]) {
      await page.getByRole("tab", { name: tab }).click();
      await expect(page.getByRole("region", { name: tab === "Releases" ? "Deploys" : tab })).toBeVisible();
      await expectAccessible(page, `${tab} (${scheme})`);
    }
    await page.getByRole("tab", { name: "Releases" }).click();
    await page.getByRole("button", { name: "Deploy to cp…" }).click();
    await page.getByRole("dialog", { name: "Deploy to cp" }).getByLabel("From a Git repository").check();
    await expectAccessible(page, `Deploy dialog (${scheme})`);
    await page.getByRole("dialog", { name: "Deploy to cp" }).getByRole("button", { name: "Cancel" }).click();
  }

  // The test's containers go with the environment.
  await deleteEnvironmentFromPage(page, name);
  // The name answers 404 once its (only) container is destroyed.
  await expect
    .poll(async () => (await visitor.goto(url, { timeout: 10_000 }).catch(() => null))?.status(), {
      timeout: 120_000,
      intervals: [500],
    })
    .toBe(404);
});

async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(bad, label).toEqual([]);
}
