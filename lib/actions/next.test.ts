import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

const session = vi.hoisted(() => ({
  user: null as null | { id: string; email: string; name: string; role: "ADMIN" | "DEVELOPER" },
  claims: null as null | { uid?: string },
  audits: [] as unknown[],
  paths: [] as string[],
}));

vi.mock("@/lib/auth/session", () => ({
  getSessionUser: async () => session.user,
  clientIp: async () => "10.3.3.3",
}));
vi.mock("@/lib/auth/options", () => ({ authOptions: {} }));
vi.mock("next-auth", () => ({ getServerSession: async () => session.claims }));
vi.mock("next/cache", () => ({ revalidatePath: (path: string) => void session.paths.push(path) }));
vi.mock("@/lib/services/audit", () => ({ recordAudit: async (input: unknown) => void session.audits.push(input) }));

const { defineAction } = await import("./define");
const { serverActions } = await import("./next");

const definitions = {
  rename: defineAction({
    name: "thing.rename",
    auth: "user",
    input: z.object({ id: z.string(), name: z.string().trim().min(1) }),
    run: async ({ actor, input }) => ({ by: actor.id, ...input }),
    revalidate: (input) => [`/things/${input.id}`],
  }),
  notADefinition: 42,
};

beforeEach(() => {
  session.user = { id: "u1", email: "u1@example.test", name: "U", role: "DEVELOPER" };
  session.claims = null;
  session.audits = [];
  session.paths = [];
});

describe("serverActions", () => {
  it("binds each definition as <name>Action and nothing else", () => {
    const actions = serverActions(definitions);
    expect(Object.keys(actions)).toEqual(["renameAction"]);
  });

  it("takes a plain object, or (previous state, FormData) from a form, with the same result", async () => {
    const { renameAction } = serverActions(definitions);
    const form = new FormData();
    form.set("id", "t1");
    form.set("name", " new ");
    const expected = { ok: true, data: { by: "u1", id: "t1", name: "new" } };
    expect(await renameAction({ id: "t1", name: " new " })).toEqual(expected);
    expect(await renameAction(null, form)).toEqual(expected);
    expect(await renameAction(form)).toEqual(expected);
    expect(session.paths).toEqual(["/things/t1", "/things/t1", "/things/t1"]);
  });

  it("a session refused for a suspended account records the user the token names", async () => {
    session.user = null;
    session.claims = { uid: "u-suspended" };
    const { renameAction } = serverActions(definitions);
    expect(await renameAction({ id: "t1", name: "x" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(session.audits).toEqual([
      expect.objectContaining({
        action: "auth.denied",
        ip: "10.3.3.3",
        detail: expect.objectContaining({
          action: "thing.rename",
          reason: "session-revoked",
          claimedUserId: "u-suspended",
        }),
      }),
    ]);
    expect(session.paths).toEqual([]);
  });
});
