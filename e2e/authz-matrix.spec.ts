// Authorization matrix: every server action in the build's action manifest and every route handler
// under app/, called over HTTP as anonymous, developer A, developer B (on A's objects), a suspended user
// a user whose session was opened with an admin's temporary password (it may only set a new password)
// and an admin. Refused calls must be refused with the right code and change nothing in the database;
// allowed callers must get past authorization. An action or route that is not in the matrix fails the test.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { Client } from "pg";
import { E2E_DATA_DIR } from "../playwright.config";
import { adminPage, signUp } from "./fixtures";

// React's own reply encoder, exactly what the browser uses to send action arguments.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply: (value: unknown[]) => Promise<string | FormData>;
};

type Scope = "public" | "user" | "owner" | "admin" | "temporary-password";
type Principal = "anonymous" | "developerA" | "developerB" | "suspended" | "pendingPassword" | "admin";
type Ctx = { envA: string; keyA: string; victimId: string; victimEmail: string; nodeId: string; regionId: string };

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

/** Per action: who may call it, and real-looking arguments aimed at A's objects or admin targets. */
const MATRIX: Record<string, { scope: Scope; args: (c: Ctx) => unknown[]; allowedArgs?: unknown[] }> = {
  "app/(auth)/register/actions.ts#registerAction": { scope: "public", args: () => [null, form({})] },
  "app/(dashboard)/account/actions.ts#changePasswordAction": {
    scope: "user",
    args: () => [null, form({ currentPassword: "x", newPassword: "y", confirmPassword: "y" })],
  },
  "app/(auth)/change-password/actions.ts#replaceTemporaryPasswordAction": {
    scope: "temporary-password",
    args: () => [null, form({ newPassword: "matrix-owned-password-1", confirmPassword: "matrix-owned-password-1" })],
  },
  "app/(dashboard)/account/actions.ts#addSshKeyAction": { scope: "user", args: () => [null, form({ name: "k" })] },
  "app/(dashboard)/account/actions.ts#removeSshKeyAction": { scope: "owner", args: (c) => [{ keyId: c.keyA }] },
  "app/(dashboard)/environments/new/actions.ts#checkNameAction": { scope: "user", args: () => ["some-name"] },
  "app/(dashboard)/environments/new/actions.ts#previewPlacementAction": {
    scope: "user",
    args: () => [{ input: {}, idempotencyKey: "6f1c3b1e-5a0b-4a8e-9a57-0d7f1c2b3a4d" }],
  },
  "app/(dashboard)/environments/new/actions.ts#createEnvironmentAction": {
    scope: "user",
    args: () => [{ input: {}, idempotencyKey: "6f1c3b1e-5a0b-4a8e-9a57-0d7f1c2b3a4e" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#setRunningAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, running: false }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#restartAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#scaleLayerAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, layerId: "layer-of-a", count: 2 }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#resizeLayerAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, layerId: "layer-of-a", reservedCloudlets: 2, dynamicCloudlets: 4 }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#deleteEnvironmentAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, confirmName: "matrix-a" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#retryOperationAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, operationId: "op-of-a" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#setHttpsRedirectAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, enabled: true }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#addCustomDomainAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, domain: "matrix-a.example.test" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#removeCustomDomainAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, domainId: "domain-of-a" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#addTcpEndpointAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, containerId: "container-of-a", containerPort: 5432 }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#removeTcpEndpointAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, endpointId: "endpoint-of-a" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#deployReleaseAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, releaseId: "release-of-a" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#deployGitAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, layerId: "layer-of-a", url: "https://git.example/app.git", ref: "main" }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#setDeploySettingsAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, layerId: "layer-of-a", healthPath: "/health", batch: 2 }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#deployKeyAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA }],
  },
  "app/(dashboard)/environments/[id]/actions.ts#saveVariablesAction": {
    scope: "owner",
    args: (c) => [{ environmentId: c.envA, layerId: null, variables: [{ name: "GREETING", value: "hi" }] }],
  },
  "app/(admin)/admin/regions/actions.ts#setTcpEndpointRangeAction": {
    scope: "admin",
    args: () => [{ from: 31000, to: 31999 }],
  },
  "app/(admin)/admin/regions/actions.ts#setRegionOutboundNatAction": {
    scope: "admin",
    args: (c) => [{ regionId: c.regionId, enabled: false }],
  },
  "app/(admin)/admin/regions/actions.ts#setRegionTcpEndpointsAction": {
    scope: "admin",
    args: (c) => [{ regionId: c.regionId, enabled: false }],
  },
  "app/(admin)/admin/users/actions.ts#setUserStatusAction": {
    scope: "admin",
    args: (c) => [{ userId: c.victimId, status: "SUSPENDED" }],
  },
  "app/(admin)/admin/users/actions.ts#setUserRoleAction": {
    scope: "admin",
    args: (c) => [{ userId: c.victimId, role: "ADMIN" }],
  },
  "app/(admin)/admin/users/actions.ts#resetPasswordAction": {
    scope: "admin",
    args: (c) => [{ userId: c.victimId }],
  },
  "app/(admin)/admin/users/actions.ts#setUserQuotaAction": {
    scope: "admin",
    args: (c) => [
      null,
      form({
        userId: c.victimId,
        maxEnvironments: "99",
        maxCloudletsPerContainer: "64",
        maxContainersPerLayer: "64",
        maxCloudletsTotal: "9999",
      }),
    ],
  },
  "app/(admin)/admin/users/actions.ts#setDefaultQuotaAction": {
    scope: "admin",
    args: () => [
      null,
      form({
        maxEnvironments: "99",
        maxCloudletsPerContainer: "64",
        maxContainersPerLayer: "64",
        maxCloudletsTotal: "9999",
      }),
    ],
  },
  "app/(admin)/admin/users/actions.ts#setSignupEnabledAction": {
    scope: "admin",
    args: () => [{ enabled: false }],
    // The admin's allowed call keeps sign-up on (as it is), so other specs can still sign up.
    allowedArgs: [{ enabled: true }],
  },
  "app/(admin)/admin/users/actions.ts#deleteUserAction": {
    scope: "admin",
    args: (c) => [null, form({ userId: c.victimId, confirmEmail: c.victimEmail })],
  },
  "app/(admin)/admin/nodes/new/actions.ts#testNodeConnectionAction": {
    scope: "admin",
    args: () => [null, form({ name: "hn-x", sshHost: "127.0.0.1" })],
  },
  "app/(admin)/admin/nodes/new/actions.ts#enrolNodeAction": {
    scope: "admin",
    args: () => [null, form({ name: "hn-x", sshHost: "127.0.0.1" })],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#setNodeStatusAction": {
    scope: "admin",
    args: (c) => [{ nodeId: c.nodeId, status: "MAINTENANCE" }],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#refreshNodeFactsAction": {
    scope: "admin",
    args: (c) => [{ nodeId: c.nodeId }],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#decommissionNodeAction": {
    scope: "admin",
    args: (c) => [null, form({ nodeId: c.nodeId, confirmName: "local" })],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#updateNodeAction": {
    scope: "admin",
    args: (c) => [null, form({ nodeId: c.nodeId, labels: "owned=yes" })],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#planEvacuationAction": {
    scope: "admin",
    args: (c) => [{ nodeId: c.nodeId }],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#evacuateNodeAction": { scope: "admin", args: (c) => [{ nodeId: c.nodeId }] },
  "app/(admin)/admin/nodes/[id]/actions.ts#rebuildNodeTemplateAction": {
    scope: "admin",
    args: (c) => [{ nodeId: c.nodeId, stackId: "nginx" }],
  },
  "app/(admin)/admin/nodes/[id]/actions.ts#deleteNodeTemplateAction": {
    scope: "admin",
    args: (c) => [{ nodeId: c.nodeId, stackId: "nginx" }],
  },
  "app/(admin)/admin/regions/actions.ts#createRegionAction": {
    scope: "admin",
    args: () => [null, form({ name: "owned-region" })],
  },
  "app/(admin)/admin/regions/actions.ts#renameRegionAction": {
    scope: "admin",
    args: (c) => [null, form({ regionId: c.regionId, name: "owned" })],
  },
  "app/(admin)/admin/regions/actions.ts#setRegionSubnetPoolAction": {
    scope: "admin",
    args: (c) => [null, form({ regionId: c.regionId, subnetPool: "10.99.0.0/16" })],
  },
  "app/(admin)/admin/regions/actions.ts#setDefaultRegionAction": {
    scope: "admin",
    args: (c) => [{ regionId: c.regionId }],
  },
  "app/(admin)/admin/regions/actions.ts#setRegionStatusAction": {
    scope: "admin",
    args: (c) => [{ regionId: c.regionId, status: "MAINTENANCE" }],
  },
  "app/(admin)/admin/regions/actions.ts#setRegionAllocationRatiosAction": {
    scope: "admin",
    args: (c) => [
      null,
      form({ regionId: c.regionId, cpuAllocationRatio: "2", ramAllocationRatio: "1", diskAllocationRatio: "1" }),
    ],
  },
};

/** The refusal each principal must get, by scope; null = allowed. */
function expectedRefusal(scope: Scope, who: Principal): "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | null {
  if (scope === "public") return null;
  // A temporary-password session is no session for anything but replacing that password.
  if (scope === "temporary-password") return who === "pendingPassword" ? null : "UNAUTHENTICATED";
  if (who === "anonymous" || who === "suspended" || who === "pendingPassword") return "UNAUTHENTICATED";
  if (who === "admin") return null;
  if (scope === "admin") return "FORBIDDEN";
  if (scope === "owner" && who === "developerB") return "NOT_FOUND";
  return null;
}

const REFUSAL_CODES = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"];

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

/** A digest of every row an action could change (volatile observation columns left out). */
async function snapshot(envA: string): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    users: `SELECT to_jsonb(t) - 'updatedAt' AS j, id FROM "User" t`,
    quotas: `SELECT to_jsonb(t) AS j, id FROM "Quota" t`,
    sshKeys: `SELECT to_jsonb(t) AS j, id FROM "SshKey" t`,
    settings: `SELECT to_jsonb(t) AS j, key AS id FROM "Setting" t`,
    regions: `SELECT to_jsonb(t) AS j, id FROM "Region" t`,
    nodes: `SELECT jsonb_build_object('id', id, 'name', name, 'status', status, 'labels', labels, 'ramMib', "ramMib",
              'cpuMhz', "cpuMhz", 'diskGib', "diskGib", 'maxContainers', "maxContainers", 'regionId', "regionId") AS j, id
            FROM "HardwareNode"`,
    envA: `SELECT to_jsonb(t) AS j, id FROM "Environment" t WHERE id = '${envA}'`,
    envAOperations: `SELECT to_jsonb(t) AS j, id FROM "Operation" t WHERE "environmentId" = '${envA}'`,
    variables: `SELECT to_jsonb(t) AS j, id FROM "Variable" t`,
    environmentsCount: `SELECT to_jsonb(count(*)) AS j, '1' AS id FROM "Environment"`,
  };
  return database(async (c) => {
    const out: Record<string, string> = {};
    for (const [name, sql] of Object.entries(tables)) {
      const r = await c.query(`SELECT md5(coalesce(string_agg(j::text, ',' ORDER BY id), '')) AS h FROM (${sql}) s`);
      out[name] = r.rows[0].h as string;
    }
    return out;
  });
}

function pagePath(worker: string, c: Ctx): string {
  const route = worker
    .replace(/^app/, "")
    .replace(/\/\([^)]+\)/g, "")
    .replace(/\/page$/, "")
    .replace("/admin/nodes/[id]", `/admin/nodes/${c.nodeId}`)
    .replace("/environments/[id]", `/environments/${c.envA}`);
  return route || "/";
}

async function callAction(request: APIRequestContext, url: string, id: string, args: unknown[], cookie?: string) {
  const body = await encodeReply(args);
  const headers: Record<string, string> = { "next-action": id, accept: "text/x-component" };
  if (cookie) headers.cookie = cookie;
  const response =
    typeof body === "string"
      ? await request.post(url, {
          headers: { ...headers, "content-type": "text/plain;charset=UTF-8" },
          data: body,
          maxRedirects: 0,
        })
      : await request.post(url, { headers, multipart: body, maxRedirects: 0 });
  return { status: response.status(), text: await response.text() };
}

function codeOf(text: string): string | null {
  return /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? null;
}

async function principals(browser: Browser) {
  const make = async () => (await browser.newContext()).newPage();
  const a = await make();
  const b = await make();
  const s = await make();
  const victim = await make();
  const pending = await make();
  const emailA = await signUp(a);
  await signUp(b);
  const emailS = await signUp(s);
  const emailP = await signUp(pending);
  const victimEmail = await signUp(victim);
  const admin = await adminPage(browser);
  const anonymous = (await browser.newContext()).request;
  const ctx = await database(async (c) => {
    const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows[0];
    const userA = await q(`SELECT id FROM "User" WHERE email = $1`, [emailA]);
    await c.query(`UPDATE "User" SET status = 'SUSPENDED' WHERE email = $1`, [emailS]);
    // As after signing in with an admin's temporary password (the session stays, it may only set a password).
    await c.query(`UPDATE "User" SET "mustChangePassword" = true WHERE email = $1`, [emailP]);
    const region = await q(`SELECT id FROM "Region" ORDER BY "createdAt" LIMIT 1`);
    const node = await q(`SELECT id FROM "HardwareNode" ORDER BY "createdAt" LIMIT 1`);
    const victimRow = await q(`SELECT id FROM "User" WHERE email = $1`, [victimEmail]);
    // A's objects: an environment with no containers (nothing for the worker to do) and an SSH key.
    const env = await q(
      `INSERT INTO "Environment" (id, name, "ownerId", "regionId", "desiredState", status, "updatedAt")
       VALUES ('envmatrix' || substr(md5(random()::text), 1, 12), 'matrix-a', $1, $2, 'STOPPED', 'STOPPED', now())
       RETURNING id`,
      [userA.id, region.id],
    );
    const key = await q(
      `INSERT INTO "SshKey" (id, "userId", name, "publicKey", fingerprint)
       VALUES ('keymatrix' || substr(md5(random()::text), 1, 12), $1, 'a-key', 'ssh-ed25519 AAAA a', 'SHA256:matrix')
       RETURNING id`,
      [userA.id],
    );
    return {
      envA: env.id as string,
      keyA: key.id as string,
      victimId: victimRow.id as string,
      victimEmail,
      nodeId: node.id as string,
      regionId: region.id as string,
    };
  });
  const requests: Record<Principal, { request: APIRequestContext; cookie?: string }> = {
    // A forged session cookie gets past proxy.ts's convenience redirect, so the action's own check answers.
    anonymous: { request: anonymous, cookie: "next-auth.session-token=forged" },
    developerA: { request: a.request },
    developerB: { request: b.request },
    suspended: { request: s.request },
    pendingPassword: { request: pending.request },
    admin: { request: admin.request },
  };
  return { ctx, requests };
}

test("every server action and route handler refuses whoever may not call it, and changes nothing", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  const actions = Object.entries(manifest.node).map(([id, v]) => ({
    id,
    key: `${v.filename}#${v.exportedName}`,
    worker: Object.keys(v.workers)[0],
  }));
  // Every action in the build is in the matrix, and the matrix names no action the build lacks.
  expect(actions.map((a) => a.key).sort()).toEqual(Object.keys(MATRIX).sort());

  const { ctx, requests } = await principals(browser);
  const who: Principal[] = ["anonymous", "suspended", "pendingPassword", "developerB", "developerA", "admin"];
  const tally = { refused: 0, allowed: 0 };
  for (const action of actions) {
    const entry = MATRIX[action.key];
    const url = pagePath(action.worker, ctx);
    for (const principal of who) {
      const expected = expectedRefusal(entry.scope, principal);
      const { request, cookie } = requests[principal];
      const label = `${action.key} as ${principal}`;
      if (expected) {
        const before = await snapshot(ctx.envA);
        const result = await callAction(request, url, action.id, entry.args(ctx), cookie);
        expect(result.status, label).toBe(200);
        expect(codeOf(result.text), `${label}: ${result.text.slice(0, 300)}`).toBe(expected);
        expect(await snapshot(ctx.envA), `${label} changed the database`).toEqual(before);
        tally.refused++;
      } else {
        // Allowed callers send an empty argument: they must get past authorization (to validation),
        // which changes nothing either.
        const empty = entry.allowedArgs ?? (entry.args(ctx)[0] === null ? [null, form({})] : [{}]);
        const result = await callAction(request, url, action.id, empty, cookie);
        expect(result.status, label).toBe(200);
        const code = codeOf(result.text);
        expect(REFUSAL_CODES.includes(code ?? ""), `${label}: ${result.text.slice(0, 300)}`).toBe(false);
        tally.allowed++;
      }
    }
  }
  console.log(`[matrix] ${actions.length} actions × ${who.length} principals: ${JSON.stringify(tally)}`);

  // Route handlers: every app/**/route.ts is listed here with what each principal gets.
  const routeFiles: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") routeFiles.push(p);
    }
  };
  walk("app");
  const ROUTES: Record<
    string,
    { url: (c: Ctx) => string; post?: boolean; expect: Record<Principal, number | "stream"> }
  > = {
    "app/api/admin/audit/route.ts": {
      url: () => "/api/admin/audit",
      expect: { anonymous: 401, suspended: 401, pendingPassword: 401, developerB: 403, developerA: 403, admin: 200 },
    },
    "app/api/admin/ingress/ca/route.ts": {
      url: () => "/api/admin/ingress/ca",
      expect: { anonymous: 401, suspended: 401, pendingPassword: 401, developerB: 403, developerA: 403, admin: 200 },
    },
    "app/api/auth/[...nextauth]/route.ts": {
      url: () => "/api/auth/csrf",
      expect: { anonymous: 200, suspended: 200, pendingPassword: 200, developerB: 200, developerA: 200, admin: 200 },
    },
    "app/api/environments/[id]/containers/[containerId]/route.ts": {
      url: (c) => `/api/environments/${c.envA}/containers/none`,
      expect: { anonymous: 401, suspended: 401, pendingPassword: 401, developerB: 404, developerA: 404, admin: 404 },
    },
    // An upload aimed at A's environment (a layer that does not exist): refused before the body is read,
    // or for the owner and admins, past authorization to "layer not found".
    "app/api/environments/[id]/layers/[layerId]/deploy/route.ts": {
      url: (c) => `/api/environments/${c.envA}/layers/none/deploy?file=app.tar.gz`,
      post: true,
      expect: { anonymous: 401, suspended: 401, pendingPassword: 401, developerB: 404, developerA: 404, admin: 404 },
    },
    "app/api/environments/[id]/logs/route.ts": {
      url: (c) => `/api/environments/${c.envA}/logs?lines=10`,
      expect: { anonymous: 401, suspended: 401, pendingPassword: 401, developerB: 404, developerA: 200, admin: 200 },
    },
    "app/api/environments/[id]/events/route.ts": {
      url: (c) => `/api/environments/${c.envA}/events`,
      expect: {
        anonymous: 401,
        suspended: 401,
        pendingPassword: 401,
        developerB: 404,
        developerA: "stream",
        admin: "stream",
      },
    },
    "app/api/events/route.ts": {
      url: () => "/api/events",
      expect: {
        anonymous: 401,
        suspended: 401,
        pendingPassword: 401,
        developerB: "stream",
        developerA: "stream",
        admin: "stream",
      },
    },
    "app/api/health/route.ts": {
      url: () => "/api/health",
      expect: { anonymous: 200, suspended: 200, pendingPassword: 200, developerB: 200, developerA: 200, admin: 200 },
    },
  };
  expect(routeFiles.sort()).toEqual(Object.keys(ROUTES).sort());
  for (const [file, route] of Object.entries(ROUTES)) {
    for (const principal of who) {
      const { request, cookie } = requests[principal];
      const expected = route.expect[principal];
      const before = await snapshot(ctx.envA);
      const headers: Record<string, string> = cookie ? { cookie } : {};
      const options = { headers, timeout: 5000, maxRetries: 0, maxRedirects: 0 };
      const response = await (
        route.post
          ? request.post(route.url(ctx), {
              ...options,
              headers: { ...options.headers, "x-hostplane-upload": "1", "content-type": "application/octet-stream" },
              data: Buffer.from("not an archive"),
            })
          : request.get(route.url(ctx), options)
      ).catch((e: Error) => e);
      const label = `${file} as ${principal}`;
      if (expected === "stream") {
        // An open event stream never completes: a timeout, a 200 event-stream, or 429 when the caller already
        // holds as many streams as allowed (its open tabs count), is the allowed outcome.
        if (!(response instanceof Error)) expect([200, 429], label).toContain(response.status());
      } else {
        expect(response instanceof Error ? response.message : response.status(), label).toBe(expected);
        if (file.endsWith("health/route.ts") && !(response instanceof Error)) {
          const text = await response.text();
          if (principal === "admin") expect(JSON.parse(text), label).toMatchObject({ ok: true });
          else expect(text, label).toBe("ok");
        }
      }
      if (expected !== 200 && expected !== "stream")
        expect(await snapshot(ctx.envA), `${label} changed the database`).toEqual(before);
    }
  }
});
