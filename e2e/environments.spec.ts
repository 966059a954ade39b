// The developer dashboard end to end, with real LXC containers on this machine: the wizard, live
// progress, scale, cloudlets (checked in the container's cgroup), stop/start, delete; placement
// and quota refusals; cross-tenant isolation of pages, the events stream and server actions.
import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { E2E_DATA_DIR, E2E_LOCAL } from "../playwright.config";
import { deleteEnvironmentFromPage, signUp } from "./fixtures";
import { destroyManagedContainers } from "../lib/orchestrator/engines/lxc/test-hosts";
import { config } from "../lib/config";

/** README screenshots are refreshed on request only (HOSTPLANE_SCREENSHOTS=1), so test runs leave the tree clean. */
async function readmeScreenshot(page: Page, file: string, fullPage = false) {
  if (config.HOSTPLANE_SCREENSHOTS) await page.screenshot({ path: file, fullPage });
}

const LOCAL_LXC = E2E_LOCAL.lxcPath;
// Two more hardware nodes on this machine (own lxcpath, bridge hp-t…, /24), so an HA layer of 3
// can have every container on a different node.
const EXTRA_NODES = [
  { name: "e2e-hn2", lxcPath: "/var/lib/hostplane/lxc/hp-te2e2", bridge: "hp-te2e2", subnet: "10.213.252.0/24" },
  { name: "e2e-hn3", lxcPath: "/var/lib/hostplane/lxc/hp-te2e3", bridge: "hp-te2e3", subnet: "10.213.253.0/24" },
];
const LXC_PATHS = [LOCAL_LXC, ...EXTRA_NODES.map((n) => n.lxcPath)];

async function database<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const { port, password } = JSON.parse(readFileSync(path.join(E2E_DATA_DIR, "postgres.json"), "utf8")) as {
    port: number;
    password: string;
  };
  const client = new Client({ host: "127.0.0.1", port, user: "postgres", password, database: "hostplane" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Every container the engine knows in our lxcpaths: name → { state, ips }. */
function engineContainers(): Map<string, { state: string; ips: string[]; lxcPath: string }> {
  const out = new Map<string, { state: string; ips: string[]; lxcPath: string }>();
  for (const p of LXC_PATHS) {
    if (!existsSync(p)) continue;
    const text = execFileSync("lxc-ls", ["-P", p, "-f", "-F", "NAME,STATE,IPV4"], { encoding: "utf8" });
    for (const line of text.split("\n").slice(1)) {
      const [name, state, ...ips] = line.trim().split(/[\s,]+/);
      if (name?.startsWith("hp-"))
        out.set(name, { state, ips: ips.filter((x) => /^\d+\.\d+\.\d+\.\d+$/.test(x)), lxcPath: p });
    }
  }
  return out;
}

function memoryLimitOf(name: string, lxcPath: string): number {
  const pid = execFileSync("lxc-info", ["-P", lxcPath, "-n", name, "-p", "-H"], { encoding: "utf8" }).trim();
  const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
    .split("\n")
    .find((l) => l.split(":")[1]?.split(",").includes("memory"))!;
  return Number(
    readFileSync(path.join("/sys/fs/cgroup/memory", line.split(":")[2], "memory.limit_in_bytes"), "utf8").trim(),
  );
}

async function shownContainers(page: Page) {
  const cards = page.locator('[data-testid^="container-hp-"]');
  const out: { name: string; displayName: string; ip: string; layer: string }[] = [];
  for (const layer of ["bl", "cp"]) {
    const layerCards = page.getByTestId(`layer-row-${layer}`).locator('[data-testid^="container-hp-"]');
    for (let i = 0; i < (await layerCards.count()); i++) {
      const card = layerCards.nth(i);
      out.push({
        name: (await card.getAttribute("data-testid"))!.slice("container-".length),
        displayName: (await card.getByRole("button", { name: /^Details of / }).innerText()).trim(),
        ip: (await card.getByTestId("container-ip").innerText()).trim(),
        layer,
      });
    }
  }
  expect(out.length).toBe(await cards.count());
  return out;
}

async function addBusyboxLayer(page: Page, role: string, layerName: string) {
  await page.getByRole("button", { name: `+ ${role}` }).click();
  await page.getByTestId(`layer-${layerName}`).getByLabel("Stack").selectOption("busybox");
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  for (const n of EXTRA_NODES) mkdirSync(n.lxcPath, { recursive: true });
  await database(async (c) => {
    const local = (await c.query(`SELECT * FROM "HardwareNode" WHERE name = 'local'`)).rows[0];
    expect(local, "the e2e server enrols the local LXC node (scripts/serve.ts ensureLocalNode)").toBeTruthy();
    for (const n of EXTRA_NODES) {
      await c.query(
        `INSERT INTO "HardwareNode" (id, name, "regionId", engine, transport, "lxcPath", bridge, subnet, "ramMib", "cpuMhz", "diskGib", "maxContainers", cores, "mhzPerCore", "updatedAt")
         VALUES ($1, $2, $3, 'LXC', 'LOCAL', $4, $5, $6, $7, $8, $9, 50, $10, $11, now()) ON CONFLICT (name) DO NOTHING`,
        [
          `e2e-${n.name}`,
          n.name,
          local.regionId,
          n.lxcPath,
          n.bridge,
          n.subnet,
          local.ramMib,
          local.cpuMhz,
          local.diskGib,
          local.cores,
          local.mhzPerCore,
        ],
      );
    }
  });
});

test.afterAll(async () => {
  // The extra nodes' engines go below (lxcpaths, bridges): take them out of placement first, so later
  // specs put their environments on the panel's own node, not on a node whose bridge is gone.
  await database((c) =>
    c.query(`UPDATE "HardwareNode" SET status = 'MAINTENANCE' WHERE name = ANY($1::text[])`, [
      EXTRA_NODES.map((n) => n.name),
    ]),
  );
  // Only our own test nodes' leftovers: containers in their lxcpaths, their bridges.
  for (const n of EXTRA_NODES) {
    destroyManagedContainers(n.lxcPath);
    rmSync(n.lxcPath, { recursive: true, force: true });
    try {
      execFileSync("ip", ["link", "del", n.bridge], { stdio: "ignore" });
    } catch {
      // not there
    }
  }
});

test("create, watch, scale, resize, stop, start and delete an environment with real containers", async ({ page }) => {
  test.setTimeout(420_000);
  await page.setViewportSize({ width: 1360, height: 900 });
  await signUp(page);
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
  await page.getByRole("link", { name: "Create your first environment" }).click();
  await expect(page).toHaveURL(/\/environments\/new$/);

  const name = `shop-${Date.now().toString(36)}`;
  await page.getByLabel("Environment name").fill(name);
  await expect(page.getByText("✓ Available.")).toBeVisible();
  await addBusyboxLayer(page, "Load balancer", "bl");
  await addBusyboxLayer(page, "Application server", "cp");
  const cp = page.getByTestId("layer-cp");
  await cp.getByRole("button", { name: "Increase Containers" }).click();
  await cp.getByRole("switch").click();
  await expect(cp.getByRole("switch")).toHaveAttribute("aria-checked", "true");
  const preview = page.getByTestId("placement-preview");
  await expect(preview).toContainText("Every container fits");
  await expect(preview).toContainText("cp #2");
  await expect(page.getByTestId("topology-summary")).toContainText("Containers3");
  await readmeScreenshot(page, "docs/screenshots/wizard.png", true);

  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page).toHaveURL(/\/environments\/c[a-z0-9]+$/, { timeout: 30_000 });
  const environmentId = page.url().split("/").pop()!;
  await expect(page.getByRole("status").filter({ hasText: "Live" }).first()).toBeVisible();
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 120_000 });
  await expect(page.getByTestId("operation-CREATE").first()).toContainText("Succeeded");

  // The engine has the three containers, running, with the addresses the page shows.
  const shown = await shownContainers(page);
  expect(shown.map((c) => c.layer)).toEqual(["bl", "cp", "cp"]);
  const engine = engineContainers();
  for (const c of shown) {
    expect(engine.get(c.name), c.name).toBeTruthy();
    expect(engine.get(c.name)!.state).toBe("RUNNING");
    expect(engine.get(c.name)!.ips).toContain(c.ip);
  }
  // HA: the two app containers are on different hardware nodes.
  expect(new Set(shown.filter((c) => c.layer === "cp").map((c) => engine.get(c.name)!.lxcPath)).size).toBe(2);
  await readmeScreenshot(page, "docs/screenshots/topology.png", true);
  await page.getByRole("tab", { name: "Graph" }).click();
  await expect(page.getByTestId("topology-graph")).toContainText(shown[0].ip);
  await readmeScreenshot(page, "docs/screenshots/topology-graph.png");
  await page.getByRole("tab", { name: "Topology" }).click();

  // Container drawer.
  // People's names on the cards (bl-1, cp-1, cp-2), the engine's name in the drawer.
  expect(shown.map((c) => c.displayName).sort()).toEqual(["bl-1", "cp-1", "cp-2"]);
  await page.getByRole("button", { name: `Details of ${shown[0].displayName}` }).click();
  await expect(page.getByTestId("container-drawer")).toContainText(shown[0].ip);
  await expect(page.getByTestId("container-drawer")).toContainText(shown[0].name);
  await expect(page.getByTestId("container-drawer")).toContainText("Recent events");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("container-drawer")).toHaveCount(0);

  // Scale the app layer to 3.
  const cpRow = page.getByTestId("layer-row-cp");
  await cpRow.getByRole("button", { name: "Increase Containers in cp" }).click();
  await cpRow.getByRole("button", { name: "Scale" }).click();
  await expect(page.getByTestId("toast").first()).toContainText("Scale cp to 3 containers: requested.");
  await expect(page.getByTestId("operation-SCALE").first()).toContainText("Succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 60_000 });
  await expect(cpRow.locator('[data-testid^="container-hp-"]')).toHaveCount(3);
  const scaled = await shownContainers(page);
  await expect
    .poll(() => scaled.filter((c) => engineContainers().get(c.name)?.state === "RUNNING").length, { timeout: 30_000 })
    .toBe(4);

  // Change the app layer's cloudlets: the memory cgroup limit follows the dynamic limit.
  await cpRow.getByRole("button", { name: "Cloudlets…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reserved cloudlets", { exact: true }).fill("2");
  await dialog.getByLabel("Dynamic limit (cloudlets)").fill("6");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("operation-RESIZE").first()).toContainText("Succeeded", { timeout: 60_000 });
  await expect(cpRow).toContainText("2 reserved / 6 limit cloudlets each");
  const appContainer = scaled.find((c) => c.layer === "cp")!;
  const where = engineContainers().get(appContainer.name)!;
  expect(memoryLimitOf(appContainer.name, where.lxcPath)).toBe(6 * 128 * 1024 * 1024);

  // Stop, then start.
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByTestId("env-status")).toHaveText("Stopped", { timeout: 60_000 });
  await expect
    .poll(() => scaled.every((c) => engineContainers().get(c.name)?.state === "STOPPED"), { timeout: 30_000 })
    .toBe(true);
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 60_000 });
  await expect
    .poll(() => scaled.every((c) => engineContainers().get(c.name)?.state === "RUNNING"), { timeout: 30_000 })
    .toBe(true);

  // The list shows it; screenshot for the README.
  await page.goto("/environments");
  await expect(page.getByTestId(`env-row-${name}`)).toContainText("Running");
  await expect(page.getByTestId(`env-row-${name}`)).toContainText("4");
  await readmeScreenshot(page, "docs/screenshots/environments-list.png", true);

  // Delete with the typed-name confirmation: back to the list, containers gone from the engine.
  await page.goto(`/environments/${environmentId}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm.getByRole("button", { name: "Delete environment" })).toBeDisabled();
  await confirm.getByLabel(`Type ${name} to confirm`).fill(name);
  await confirm.getByRole("button", { name: "Delete environment" }).click();
  await expect(page).toHaveURL(/\/environments$/, { timeout: 90_000 });
  await expect.poll(() => scaled.filter((c) => engineContainers().has(c.name)).length, { timeout: 30_000 }).toBe(0);
  // The containers go first; the row goes with the operation's last step (release, then finalize) a moment later.
  // From then on its page sends the developer who deleted it to the list (anyone else gets a 404).
  await expect
    .poll(
      async () => {
        await page.goto(`/environments/${environmentId}`);
        return new URL(page.url()).pathname;
      },
      { timeout: 30_000 },
    )
    .toBe("/environments");
});

test("the preview explains what cannot be placed; over-quota and invalid input are refused and nothing is created", async ({
  page,
}) => {
  await signUp(page);
  await page.goto("/environments/new");
  await page.getByLabel("Environment name").fill("Bad_Name");
  await expect(page.locator("#env-name-hint")).toContainText("lower-case letters");
  await page.getByLabel("Environment name").fill("big");
  await addBusyboxLayer(page, "Custom", "custom");
  const layer = page.getByTestId("layer-custom");
  await layer.getByLabel("Reserved cloudlets", { exact: true }).fill("64");
  await layer.getByLabel("Containers", { exact: true }).fill("16");
  const preview = page.getByTestId("placement-preview");
  await expect(preview).toContainText("Cannot be placed");
  await expect(preview).toContainText(/local: needs \d+ (MiB RAM|MHz CPU)/);
  await expect(page.getByTestId("quota-problems")).toContainText("at most 16 cloudlets per container");
  await expect(page.getByTestId("quota-problems")).toContainText("At most 64 reserved cloudlets in total");
  await expect(page.getByRole("button", { name: "Create environment" })).toBeDisabled();

  // A client that skips the wizard's checks: the server refuses with the same messages.
  await layer.getByLabel("Reserved cloudlets", { exact: true }).fill("1");
  await layer.getByLabel("Dynamic limit (cloudlets)").fill("2");
  await layer.getByLabel("Containers", { exact: true }).fill("1");
  await expect(preview).toContainText("Every container fits");
  let rewrite: (input: {
    name: string;
    layers: { count: number; reservedCloudlets: number; dynamicCloudlets: number }[];
  }) => void = () => {};
  await page.route("**/environments/new", async (route) => {
    const request = route.request();
    if (
      request.method() !== "POST" ||
      !request.headers()["next-action"] ||
      !request.postData()?.includes("idempotencyKey")
    )
      return route.continue();
    const body = JSON.parse(request.postData()!) as [Parameters<typeof rewrite>[0]];
    rewrite(body[0]);
    await route.continue({ postData: JSON.stringify(body) });
  });
  rewrite = (input) => Object.assign(input.layers[0], { count: 1, reservedCloudlets: 1, dynamicCloudlets: 20 });
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page.locator('p[role="alert"]').first()).toContainText(
    'Over your quota: layer "custom": at most 16 cloudlets per container (asked 20).',
  );
  await expect(page).toHaveURL(/\/environments\/new$/);
  rewrite = (input) => {
    input.name = "Bad_Name!";
  };
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page.locator('p[role="alert"]').first()).toContainText("Check the highlighted fields.");
  await expect(page.locator("#env-name-hint")).toContainText("lower-case letters");
  await page.unroute("**/environments/new");
  await page.goto("/environments");
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
});

test("another developer gets 404 for the page and the events stream, and replayed actions are refused", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  await signUp(page);
  await page.goto("/environments/new");
  const name = `xt-${Date.now().toString(36)}`;
  await page.getByLabel("Environment name").fill(name);
  await addBusyboxLayer(page, "Custom", "custom");
  await expect(page.getByTestId("placement-preview")).toContainText("Every container fits");
  await page.getByRole("button", { name: "Create environment" }).click();
  await expect(page).toHaveURL(/\/environments\/c[a-z0-9]+$/, { timeout: 30_000 });
  const environmentId = page.url().split("/").pop()!;
  await expect(page.getByTestId("env-status")).toHaveText("Running", { timeout: 120_000 });
  const events = await page.request
    .get(`/api/environments/${environmentId}/events`, { timeout: 5000, maxRetries: 0 })
    .catch((e: Error) => e);
  // The owner's stream stays open (no complete response); a timeout here is the expected outcome.
  expect(events instanceof Error ? "open" : events.status()).not.toBe(404);

  // Learn the stop action's id from the owner's own click.
  const stopRequest = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  const actionId = (await stopRequest).headers()["next-action"];
  await expect(page.getByTestId("env-status")).toHaveText("Stopped", { timeout: 60_000 });

  const other = await (await browser.newContext()).newPage();
  await signUp(other);
  expect((await other.goto(`/environments/${environmentId}`))?.status()).toBe(404);
  expect((await other.request.get(`/api/environments/${environmentId}/events`)).status()).toBe(404);
  expect((await other.request.get(`/api/environments/${environmentId}/containers/x`)).status()).toBe(404);
  const anonymous = await (await browser.newContext()).request.get(`/api/environments/${environmentId}/events`);
  expect(anonymous.status()).toBe(401);
  const replay = await other.request.post(`/environments/${environmentId}`, {
    headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: JSON.stringify([{ environmentId, running: true }]),
  });
  expect(await replay.text()).toContain("Environment not found.");
  await page.reload();
  await expect(page.getByTestId("env-status")).toHaveText("Stopped");

  await deleteEnvironmentFromPage(page, name, 90_000);
});

test("account: add an SSH key (fingerprint as ssh-keygen shows it), refuse a bad one, remove it", async ({ page }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hp-e2e-key-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "e2e@laptop", "-f", path.join(dir, "id")]);
    const pub = readFileSync(path.join(dir, "id.pub"), "utf8");
    const fingerprint = execFileSync("ssh-keygen", ["-lf", path.join(dir, "id.pub")], { encoding: "utf8" }).split(
      " ",
    )[1];
    await signUp(page);
    await page.goto("/account");
    await page.getByLabel("Public key").fill("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC");
    await page.getByRole("button", { name: "Add key" }).click();
    await expect(page.locator("#f-publicKey-error")).toBeVisible();
    await page.getByLabel("Public key").fill(pub);
    await page.getByRole("button", { name: "Add key" }).click();
    await expect(page.getByTestId("ssh-keys")).toContainText(fingerprint);
    await expect(page.getByTestId("ssh-keys")).toContainText("e2e@laptop");
    await page.getByRole("button", { name: "Remove key e2e@laptop" }).click();
    await expect(page.getByTestId("ssh-keys")).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
