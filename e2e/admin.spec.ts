import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { E2E_LOCAL } from "../playwright.config";
import { startSshd, type TestSshd } from "../scripts/test/sshd";
import { adminPage, formAlert, signUp } from "./fixtures";
import { destroyManagedContainers } from "../lib/orchestrator/engines/lxc/test-hosts";

// The second hardware node is this machine again, reached over SSH on loopback with its own
// lxcpath, bridge name and /24, so it never touches the "local" node's paths.
const E2E_ROOT = "/var/lib/hostplane-e2e";
const nodeName = `e2e-ssh-${Date.now().toString(36).slice(-5)}`;
const NODE_LXC = `${E2E_ROOT}/${nodeName}`;
const NODE_BRIDGE = "hp-e2e1";
// The e2e panel's own local node (playwright.config.ts), never a real install's.
const LOCAL_LXC = E2E_LOCAL.lxcPath;
let sshd: TestSshd;
let nodeUrl: string | null = null;

// State shared by the serial worker tests below (maintenance → create → evacuate → delete).
let localUrl: string | null = null;
let localInMaintenance = false;
let developer: BrowserContext | null = null;
let environment: {
  url: string;
  name: string;
  containers: { name: string; displayName: string; ip: string }[];
  deleted: boolean;
} | null = null;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  sshd = await startSshd();
});

test.afterAll(async ({ browser }) => {
  test.setTimeout(180_000);
  // A test that failed midway: give "local" back to the specs that run after this one, and
  // delete the developer's environment through the UI (its containers may be on "local").
  try {
    if (localInMaintenance && localUrl) {
      const admin = await adminPage(browser);
      await admin.goto(localUrl);
      const end = admin.getByRole("button", { name: "End maintenance" });
      if (await end.isVisible()) {
        await end.click();
        await expect(admin.getByRole("button", { name: "Start maintenance" })).toBeVisible();
      }
      await admin.context().close();
    }
    if (environment && !environment.deleted && developer) {
      const page = await developer.newPage();
      if ((await page.goto(environment.url))?.status() === 200)
        await deleteEnvironment(page, environment.url, environment.name, { actionTimeout: 15_000 });
    }
  } catch (error) {
    console.warn(`admin.spec cleanup: ${(error as Error).message.split("\n")[0]}`);
  }
  await developer?.close().catch(() => undefined);
  // Only our own node's leftovers: containers in its lxcpath, the lxcpath, its bridge.
  destroyManagedContainers(NODE_LXC);
  await sshd?.stop();
  rmSync(NODE_LXC, { recursive: true, force: true });
  try {
    execFileSync("ip", ["link", "del", NODE_BRIDGE], { stdio: "ignore" });
  } catch {
    // never created, or already gone
  }
});

/** Containers the engine knows in one lxcpath: name → { state, ips }. */
function engineContainers(lxcPath: string): Map<string, { state: string; ips: string[] }> {
  const out = new Map<string, { state: string; ips: string[] }>();
  if (!existsSync(lxcPath)) return out;
  const text = execFileSync("lxc-ls", ["-f", "-P", lxcPath, "-F", "NAME,STATE,IPV4"], { encoding: "utf8" });
  for (const line of text.split("\n").slice(1)) {
    const [name, state, ...ips] = line.trim().split(/[\s,]+/);
    if (name?.startsWith("hp-")) out.set(name, { state, ips: ips.filter((x) => /^\d+\.\d+\.\d+\.\d+$/.test(x)) });
  }
  return out;
}

/** Each of `containers` runs in `lxcPath` with the address the page showed. */
function runningWithIps(lxcPath: string, containers: { name: string; ip: string }[]): string[] {
  const engine = engineContainers(lxcPath);
  return containers
    .filter((c) => engine.get(c.name)?.state === "RUNNING" && engine.get(c.name)!.ips.includes(c.ip))
    .map((c) => c.name);
}

function answersPing(ip: string): boolean {
  try {
    execFileSync("ping", ["-c1", "-W2", ip], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** The container cards of the environment page: name, IP and node as shown. */
async function shownContainers(page: Page) {
  const cards = page.locator('[data-testid^="container-hp-"]');
  const out: { name: string; displayName: string; ip: string; node: string }[] = [];
  for (let i = 0; i < (await cards.count()); i++) {
    const card = cards.nth(i);
    const node = (
      await card.locator("dt", { hasText: "Node" }).locator("xpath=following-sibling::dd[1]").innerText()
    ).trim();
    out.push({
      name: (await card.getAttribute("data-testid"))!.slice("container-".length),
      displayName: (await card.getByRole("button", { name: /^Details of / }).innerText()).trim(),
      ip: (await card.getByTestId("container-ip").innerText()).trim(),
      node,
    });
  }
  return out;
}

/** Deletes through the page's typed-name dialog; the page goes back to the list once it is accepted. */
async function deleteEnvironment(page: Page, url: string, name: string, options: { actionTimeout?: number } = {}) {
  const timeout = options.actionTimeout;
  await page.goto(url);
  await page.getByRole("button", { name: "Delete", exact: true }).click({ timeout });
  const confirm = page.getByRole("dialog");
  await expect(confirm.getByRole("button", { name: "Delete environment" })).toBeDisabled();
  await confirm.getByLabel(`Type ${name} to confirm`).fill(name, { timeout });
  await confirm.getByRole("button", { name: "Delete environment" }).click({ timeout });
  await expect(page).toHaveURL(/\/environments$/, { timeout: 30_000 });
}

test("an admin enrols a second hardware node over SSH after confirming its fingerprint", async ({ browser }) => {
  const admin = await adminPage(browser);
  await admin.goto("/admin/nodes/new");
  await admin.getByLabel("Name", { exact: true }).fill(nodeName);
  await admin.getByLabel("Engine", { exact: true }).selectOption("lxc");
  await admin.getByLabel("Transport", { exact: true }).selectOption("ssh");
  await admin.getByLabel("Host", { exact: true }).fill(sshd.host);
  await admin.getByLabel("Port", { exact: true }).fill(String(sshd.port));
  await admin.getByLabel("User", { exact: true }).fill("root");
  await admin.getByLabel("Private key", { exact: true }).fill(sshd.privateKey);
  await admin.getByLabel("LXC path", { exact: true }).fill(`${E2E_ROOT}/${nodeName}`);
  await admin.getByLabel("Bridge", { exact: true }).fill("hp-e2e1");
  await admin.getByLabel("Subnet (/24)", { exact: true }).fill("10.213.201.0/24");

  // Saving before the host key was seen and confirmed is refused, and nothing is stored.
  await admin.getByRole("button", { name: "Enrol node" }).click();
  await expect(admin.getByText("Test the connection first: the host key fingerprint must be confirmed.")).toBeVisible();

  await admin.getByRole("button", { name: "Test connection" }).click();
  await expect(admin.getByTestId("host-key-fingerprint")).toHaveText(sshd.hostKeyFingerprint, { timeout: 60_000 });
  await expect(admin.getByTestId("node-facts")).toContainText("lxc");
  await admin.getByRole("button", { name: "Enrol node" }).click();
  await expect(admin.locator("#f-confirmFingerprint-error")).toContainText("confirm");
  await admin.getByLabel("I confirm this fingerprint").check();
  await admin.getByRole("button", { name: "Enrol node" }).click();

  await expect(admin).toHaveURL(/\/admin\/nodes\/(?!new$)[a-z0-9]+$/, { timeout: 60_000 });
  nodeUrl = new URL(admin.url()).pathname;
  const memTotalKib = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))![1]);
  await expect(admin.getByTestId("node-capacity")).toContainText(
    `${Math.floor((memTotalKib * 1024) / 1024 ** 2)} MiB RAM`,
  );
  await expect(admin.getByText(sshd.hostKeyFingerprint)).toBeVisible();
  await expect(admin.getByText("PRIVATE KEY")).toHaveCount(0);

  await admin.goto("/admin/nodes");
  const row = admin.getByTestId(`node-row-${nodeName}`);
  await expect(row).toContainText("127.0.0.1");
  await expect(row).toContainText("Active");
  await expect(admin.getByTestId("node-row-local")).toBeVisible();

  // The overview lists both nodes under the default region; the other admin pages render.
  await admin.goto("/admin");
  await expect(admin.getByRole("heading", { name: "Region default" })).toBeVisible();
  await expect(admin.getByTestId(`node-row-${nodeName}`)).toBeVisible();
  await expect(admin.getByTestId("panel-version")).toHaveText(/^\d+\.\d+\.\d+/);
  for (const [path, heading] of [
    ["/admin/regions", "Regions"],
    ["/admin/containers", "All containers"],
    ["/admin/users", "Users"],
  ]) {
    await admin.goto(path);
    await expect(admin.getByRole("heading", { name: heading, exact: true })).toBeVisible();
  }
});

test("a developer gets 404 on admin pages and 'Only administrators' from an admin action", async ({
  page,
  browser,
}) => {
  // Serial mode: this runs only after the enrolment test passed, which sets nodeUrl.
  expect(nodeUrl, "the node enrolled by the previous test").toBeTruthy();
  await signUp(page);
  for (const path of [
    "/admin",
    "/admin/nodes",
    "/admin/nodes/new",
    nodeUrl!,
    "/admin/regions",
    "/admin/containers",
    "/admin/users",
    "/admin/audit",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }

  // Learn the action id of "start maintenance" from a real admin click, then undo it.
  const admin = await adminPage(browser);
  await admin.goto(nodeUrl!);
  const actionRequest = admin.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await admin.getByRole("button", { name: "Start maintenance" }).click();
  const request = await actionRequest;
  const body = JSON.parse(request.postData() ?? "[]") as [{ nodeId: string }];
  await expect(admin.getByRole("button", { name: "End maintenance" })).toBeVisible();
  await admin.getByRole("button", { name: "End maintenance" }).click();
  await expect(admin.getByRole("button", { name: "Start maintenance" })).toBeVisible();

  const replay = await page.request.post(nodeUrl!, {
    headers: {
      "next-action": request.headers()["next-action"],
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
    },
    data: JSON.stringify([{ nodeId: body[0].nodeId, status: "MAINTENANCE" }]),
  });
  expect(await replay.text()).toContain("Only administrators can do this.");
  await admin.reload();
  await expect(admin.getByRole("button", { name: "Start maintenance" })).toBeVisible();
});

test("lowering a quota shows on the account page and refuses the next creation with the quota message", async ({
  page,
  browser,
}) => {
  const email = await signUp(page);
  await page.goto("/account");
  await expect(page.getByText("0 / 10")).toBeVisible();

  const admin = await adminPage(browser);
  await admin.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  const row = admin.getByTestId(`user-row-${email}`);
  await row.getByText("Edit quota").click();
  const field = row.getByLabel("Max environments", { exact: true });
  await field.fill("many");
  await row.getByRole("button", { name: "Save quota" }).click();
  await expect(row.getByText("Enter the environment limit as a whole number.")).toBeVisible();
  await expect(field).toHaveValue("many");
  await page.reload();
  await expect(page.getByText("0 / 10")).toBeVisible();

  await field.fill("3");
  await row.getByRole("button", { name: "Save quota" }).click();
  await expect(row.getByText("Quota saved.", { exact: false })).toBeVisible();
  await page.reload();
  await expect(page.getByText("0 / 3")).toBeVisible();

  // The developer has the wizard open and valid; meanwhile the admin lowers the quota to nothing.
  await page.goto("/environments/new");
  const name = `quota-${Date.now().toString(36)}`;
  await page.getByLabel("Environment name").fill(name);
  await expect(page.getByText("✓ Available.")).toBeVisible();
  await page.getByRole("button", { name: "+ Custom" }).click();
  await page.getByTestId("layer-custom").getByLabel("Stack").selectOption("busybox");
  await expect(page.getByTestId("placement-preview")).toContainText("Every container fits");
  await expect(page.getByRole("button", { name: "Create environment" })).toBeEnabled();

  await admin.reload();
  await row.getByText("Edit quota").click();
  await row.getByLabel("Max environments", { exact: true }).fill("0");
  await row.getByRole("button", { name: "Save quota" }).click();
  await expect(row.getByText("Quota saved.", { exact: false })).toBeVisible();

  // The wizard's submit is refused by the server with the quota message; nothing is created.
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(formAlert(page)).toContainText("Over your quota: at most 0 environments (you have 0).");
  await expect(page).toHaveURL(/\/environments\/new$/);
  // Reloaded, the wizard knows the new quota and does not offer the submit at all.
  await page.reload();
  await page.getByLabel("Environment name").fill(name);
  await page.getByRole("button", { name: "+ Custom" }).click();
  await expect(page.getByTestId("quota-problems")).toContainText("At most 0 environments (you have 0).");
  await expect(page.getByRole("button", { name: "Create environment" })).toBeDisabled();
  await page.goto("/environments");
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
  await page.goto("/account");
  await expect(page.getByText("0 / 0")).toBeVisible();
  await admin.goto(`/admin/containers?owner=${encodeURIComponent(email)}`);
  await expect(admin.getByRole("cell", { name: "No containers." })).toBeVisible();
  await admin.context().close();
});

test("with 'local' in maintenance, a new environment lands on the SSH node", async ({ browser }) => {
  expect(nodeUrl, "the node enrolled by the first test").toBeTruthy();
  test.setTimeout(240_000);
  const admin = await adminPage(browser);
  await admin.goto("/admin/nodes");
  await admin.getByTestId("node-row-local").getByRole("link", { name: "local", exact: true }).click();
  await expect(admin.getByRole("heading", { name: "Node local" })).toBeVisible();
  localUrl = new URL(admin.url()).pathname;
  await admin.getByRole("button", { name: "Start maintenance" }).click();
  localInMaintenance = true;
  await expect(
    admin.getByText("Maintenance on: running containers keep running, nothing new is placed here."),
  ).toBeVisible();
  await expect(admin.getByRole("button", { name: "End maintenance" })).toBeVisible();
  await admin.goto("/admin/nodes");
  await expect(admin.getByTestId("node-row-local")).toContainText("Maintenance");
  await expect(admin.getByTestId(`node-row-${nodeName}`)).toContainText("Active");

  developer = await browser.newContext();
  const page = await developer.newPage();
  await signUp(page);
  await page.goto("/environments/new");
  const name = `evac-${Date.now().toString(36)}`;
  await page.getByLabel("Environment name").fill(name);
  await expect(page.getByText("✓ Available.")).toBeVisible();
  await page.getByRole("button", { name: "+ Custom" }).click();
  const layer = page.getByTestId("layer-custom");
  await layer.getByLabel("Stack").selectOption("busybox");
  await expect(layer.getByLabel("Stack").locator("option:checked")).toHaveText(/^Custom \(busybox\)/);
  await layer.getByRole("button", { name: "Increase Containers" }).click();
  await expect(page.getByTestId("topology-summary")).toContainText("Containers2");
  const preview = page.getByTestId("placement-preview");
  await expect(preview).toContainText("Every container fits");
  await expect(preview).toContainText(nodeName);
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page).toHaveURL(/\/environments\/c[a-z0-9]+$/, { timeout: 30_000 });
  environment = { url: new URL(page.url()).pathname, name, containers: [], deleted: false };
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 120_000 });
  await expect(page.getByTestId("operation-CREATE").first()).toContainText("Succeeded");

  // The page shows both containers on the SSH node, and the engine there has them with those IPs.
  const shown = await shownContainers(page);
  expect(shown).toHaveLength(2);
  for (const c of shown) {
    expect(c.node, c.name).toBe(nodeName);
    expect(c.ip, c.name).toMatch(/^10\.213\.201\.\d+$/);
  }
  environment.containers = shown.map(({ name: n, displayName, ip }) => ({ name: n, displayName, ip }));
  await expect.poll(() => runningWithIps(NODE_LXC, environment!.containers).length, { timeout: 30_000 }).toBe(2);
  const onLocal = engineContainers(LOCAL_LXC);
  for (const c of shown) expect(onLocal.has(c.name), c.name).toBe(false);
  await admin.context().close();
});

test("the admin ends maintenance, evacuates the SSH node onto 'local' (same IPs) and decommissions it", async ({
  browser,
}) => {
  expect(environment && localUrl, "the environment of the previous test").toBeTruthy();
  test.setTimeout(300_000);
  const env = environment!;
  const admin = await adminPage(browser);
  await admin.goto(localUrl!);
  await admin.getByRole("button", { name: "End maintenance" }).click();
  await expect(admin.getByText("Maintenance ended: the node takes new containers again.")).toBeVisible();
  localInMaintenance = false;
  await expect(admin.getByRole("button", { name: "Start maintenance" })).toBeVisible();

  // The plan preview lists each container with its target before anything moves.
  await admin.goto(nodeUrl!);
  await expect(admin.getByRole("heading", { name: "Containers on this node (2)" })).toBeVisible();
  await admin.getByRole("button", { name: "Evacuate…" }).click();
  const plan = admin.getByTestId("evacuation-plan");
  await expect(plan).toBeVisible();
  const moves = plan.getByRole("listitem");
  await expect(moves).toHaveCount(2);
  // People's names (environment, layer, cp-1), the engine's name only on hover.
  for (const c of env.containers) {
    expect(c.displayName).toMatch(/^[a-z][a-z0-9-]*-\d+$/);
    await expect(
      moves.filter({ hasText: new RegExp(`${env.name} · layer \\S+ · ${c.displayName} → local`) }),
    ).toHaveCount(1);
  }
  await expect(plan).not.toContainText("Cannot move");
  await expect(plan).not.toContainText("hp-");
  expect(runningWithIps(NODE_LXC, env.containers)).toHaveLength(2); // the preview moved nothing
  // The button says what will happen, and asks once more before it happens.
  await plan.getByRole("button", { name: "Move 2 containers to local", exact: true }).click();
  const confirm = admin.getByRole("dialog", { name: `Evacuate ${nodeName}?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Move 2 containers to local", exact: true }).click();
  await expect(admin.getByText(/Evacuation started \(operation [a-z0-9]+\)\./)).toBeVisible();
  await expect(admin.getByRole("button", { name: "Start maintenance" })).toBeDisabled();

  // Progress: the node's EVACUATE operation succeeds once its MIGRATE operations have.
  const operation = (kind: string) =>
    admin.getByRole("row").filter({ has: admin.getByRole("cell", { name: kind, exact: true }) });
  await expect(async () => {
    await admin.reload();
    await expect(operation("EVACUATE")).toContainText("succeeded", { timeout: 1000 });
  }).toPass({ timeout: 120_000, intervals: [1000, 2000] });
  await expect(operation("MIGRATE").first()).toContainText("succeeded");
  await expect(operation("MIGRATE").filter({ hasText: "failed" })).toHaveCount(0);
  await expect(admin.getByRole("heading", { name: "Containers on this node (0)" })).toBeVisible();

  // The containers run on "local" now, with the same addresses, reachable from the host.
  await expect.poll(() => runningWithIps(LOCAL_LXC, env.containers).length, { timeout: 90_000 }).toBe(2);
  await expect
    .poll(() => env.containers.filter((c) => engineContainers(NODE_LXC).has(c.name)).length, { timeout: 30_000 })
    .toBe(0);
  for (const c of env.containers)
    await expect.poll(() => answersPing(c.ip), { message: `ping ${c.ip}`, timeout: 30_000 }).toBe(true);
  const page = await developer!.newPage();
  await page.goto(env.url);
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 60_000 });
  await expect(async () => {
    const shown = await shownContainers(page);
    expect(shown.map((c) => `${c.name} ${c.ip} ${c.node}`).sort()).toEqual(
      env.containers.map((c) => `${c.name} ${c.ip} local`).sort(),
    );
  }).toPass({ timeout: 30_000 });
  await page.close();

  // The node stays EVACUATING until it is decommissioned with its name typed.
  await admin.goto("/admin/nodes");
  await expect(admin.getByTestId(`node-row-${nodeName}`)).toContainText("Evacuating");
  await admin.goto(nodeUrl!);
  await admin.getByLabel(`Type ${nodeName} to confirm`).fill("local");
  await admin.getByRole("button", { name: "Decommission" }).click();
  await expect(admin.getByText(`Type ${nodeName} exactly to confirm.`)).toBeVisible();
  await admin.getByLabel(`Type ${nodeName} to confirm`).fill(nodeName);
  await admin.getByRole("button", { name: "Decommission" }).click();
  await expect(admin).toHaveURL(/\/admin\/nodes$/, { timeout: 30_000 });
  await expect(admin.getByTestId("node-row-local")).toContainText("Active");
  await expect(admin.getByTestId(`node-row-${nodeName}`)).toHaveCount(0);
  expect((await admin.goto(nodeUrl!))?.status()).toBe(404);
  nodeUrl = null;
  await admin.context().close();
});

test("the developer deletes the evacuated environment and its containers leave the engine", async ({ browser }) => {
  expect(environment && developer, "the environment of the previous tests").toBeTruthy();
  test.setTimeout(180_000);
  const env = environment!;
  const page = await developer!.newPage();
  await deleteEnvironment(page, env.url, env.name);
  env.deleted = true;
  // Two-phase delete: the list shows it as deleting until the engine confirms the containers are gone.
  await expect(async () => {
    await page.goto("/environments");
    await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 90_000, intervals: [500, 1000] });
  await expect
    .poll(
      () =>
        env.containers.filter((c) => engineContainers(LOCAL_LXC).has(c.name) || engineContainers(NODE_LXC).has(c.name))
          .length,
      { timeout: 60_000 },
    )
    .toBe(0);
  // Its page sends the developer who deleted it back to the list; to anyone else it is a 404.
  await page.goto(env.url);
  await expect(page).toHaveURL(/\/environments$/);
  const admin = await adminPage(browser);
  expect((await admin.goto(env.url))?.status()).toBe(404);
  await admin.context().close();
});
