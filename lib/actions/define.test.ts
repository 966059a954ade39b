import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import type { AuditInput } from "@/lib/services/audit";
import { defineAction, runAction, spreadInput, VALIDATION_MESSAGE, type ActionActor } from "./define";

const admin: ActionActor = { id: "u-admin", email: "admin@example.test", role: "ADMIN" };
const developer: ActionActor = { id: "u-dev", email: "dev@example.test", role: "DEVELOPER" };

function harness() {
  const audits: AuditInput[] = [];
  const paths: string[] = [];
  return {
    audits,
    paths,
    dependencies: { audit: async (input: AuditInput) => void audits.push(input) },
    call: (actor: ActionActor | null, raw: unknown, extra: { claimedUserId?: string } = {}) => ({
      actor,
      input: raw,
      ip: "10.9.9.9",
      revalidate: (path: string) => void paths.push(path),
      ...extra,
    }),
  };
}

const ZRename = z.object({ id: z.string().min(1), name: z.string().trim().min(2, "Too short."), enabled: z.boolean() });

function renameAction(auth: "public" | "user" | "admin", run = vi.fn(async () => ({ renamed: true }))) {
  return {
    run,
    definition: defineAction({
      name: "thing.rename",
      auth,
      input: ZRename,
      run,
      revalidate: (input) => [`/things/${input.id}`, "/things"],
    }),
  };
}

const valid = { id: "t1", name: "  new name ", enabled: false };

afterEach(() => vi.restoreAllMocks());

describe("runAction: auth modes", () => {
  it("admin: runs for an admin with the parsed input, the actor and the IP", async () => {
    const h = harness();
    const { definition, run } = renameAction("admin");
    const result = await runAction(definition, h.call(admin, valid), h.dependencies);
    expect(result).toEqual({ ok: true, data: { renamed: true } });
    expect(run).toHaveBeenCalledWith({
      actor: admin,
      input: { id: "t1", name: "new name", enabled: false },
      ip: "10.9.9.9",
    });
    expect(h.audits).toEqual([]);
  });

  it("admin: refuses a signed-in developer with FORBIDDEN, runs nothing and records auth.denied", async () => {
    const h = harness();
    const { definition, run } = renameAction("admin");
    const result = await runAction(definition, h.call(developer, valid), h.dependencies);
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN", error: "Only administrators can do this." });
    expect(run).not.toHaveBeenCalled();
    expect(h.paths).toEqual([]);
    expect(h.audits).toEqual([
      {
        actorId: developer.id,
        actorEmail: developer.email,
        action: "auth.denied",
        targetType: "action",
        targetId: "thing.rename",
        result: "FAILURE",
        ip: "10.9.9.9",
        detail: { action: "thing.rename", required: "admin", reason: "not-admin" },
      },
    ]);
  });

  it("user: refuses a missing session with UNAUTHENTICATED and records it without an actor", async () => {
    const h = harness();
    const { definition, run } = renameAction("user");
    const result = await runAction(definition, h.call(null, valid), h.dependencies);
    expect(result).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(run).not.toHaveBeenCalled();
    expect(h.audits).toHaveLength(1);
    expect(h.audits[0]).toMatchObject({
      actorId: null,
      action: "auth.denied",
      result: "FAILURE",
      detail: { action: "thing.rename", required: "user", reason: "no-session" },
    });
  });

  it("user: a refused token of a suspended account names the claimed user in the denied row", async () => {
    const h = harness();
    const { definition } = renameAction("admin");
    const result = await runAction(definition, h.call(null, valid, { claimedUserId: "u-suspended" }), h.dependencies);
    expect(result).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(h.audits[0]?.detail).toEqual({
      action: "thing.rename",
      required: "admin",
      reason: "session-revoked",
      claimedUserId: "u-suspended",
    });
  });

  it("user: a developer is admitted", async () => {
    const h = harness();
    const { definition } = renameAction("user");
    expect(await runAction(definition, h.call(developer, valid), h.dependencies)).toMatchObject({ ok: true });
  });

  it("public: runs without a session and records nothing", async () => {
    const h = harness();
    const { definition, run } = renameAction("public");
    expect(await runAction(definition, h.call(null, valid), h.dependencies)).toMatchObject({ ok: true });
    expect(run).toHaveBeenCalledWith(expect.objectContaining({ actor: null }));
    expect(h.audits).toEqual([]);
  });

  it("auth is checked before validation: a refused caller learns nothing about the input rules", async () => {
    const h = harness();
    const { definition } = renameAction("admin");
    const result = await runAction(definition, h.call(developer, { id: "" }), h.dependencies);
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(result.ok || result.fieldErrors).toBeUndefined();
  });

  it("a failing audit write does not change the refusal", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { definition } = renameAction("admin");
    const call = harness().call(developer, valid);
    const result = await runAction(definition, call, {
      audit: async () => {
        throw new Error("database down");
      },
    });
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });
});

describe("runAction: validation", () => {
  it("returns VALIDATION with field errors keyed by path, and runs nothing", async () => {
    const h = harness();
    const { definition, run } = renameAction("user");
    const result = await runAction(definition, h.call(developer, { id: "", name: "x", enabled: true }), h.dependencies);
    expect(result).toEqual({
      ok: false,
      error: VALIDATION_MESSAGE,
      code: "VALIDATION",
      fieldErrors: { id: [expect.any(String)], name: ["Too short."] },
    });
    expect(run).not.toHaveBeenCalled();
    expect(h.paths).toEqual([]);
  });

  it('booleans are strict: the string "false" is refused, not read as true', async () => {
    const h = harness();
    const { definition, run } = renameAction("user");
    const result = await runAction(definition, h.call(developer, { ...valid, enabled: "false" }), h.dependencies);
    expect(result).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { enabled: expect.any(Array) } });
    expect(run).not.toHaveBeenCalled();
  });

  it("a non-object input is a validation error on the form, not a crash", async () => {
    const h = harness();
    const { definition } = renameAction("user");
    const result = await runAction(definition, h.call(developer, "nonsense"), h.dependencies);
    expect(result).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { _form: expect.any(Array) } });
  });
});

describe("runAction: errors and revalidation", () => {
  it("maps an AppError to its code, message, field errors and details", async () => {
    const h = harness();
    const { definition } = renameAction(
      "user",
      vi.fn(async () => {
        throw new AppError("CONFLICT", "Name taken.", { fieldErrors: { name: ["Taken."] }, details: { other: "t2" } });
      }),
    );
    const result = await runAction(definition, h.call(developer, valid), h.dependencies);
    expect(result).toEqual({
      ok: false,
      error: "Name taken.",
      code: "CONFLICT",
      fieldErrors: { name: ["Taken."] },
      details: { other: "t2" },
    });
    expect(h.paths).toEqual([]);
  });

  it("shows a generic message for an unexpected error and logs the real one", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const h = harness();
    const { definition } = renameAction(
      "user",
      vi.fn(async () => {
        throw new Error("connection to 10.0.0.5:5432 refused");
      }),
    );
    const result = await runAction(definition, h.call(developer, valid), h.dependencies);
    expect(result).toEqual({ ok: false, error: GENERIC_ERROR_MESSAGE });
    expect(JSON.stringify(result)).not.toContain("5432");
    expect(log).toHaveBeenCalled();
  });

  it("lets Next.js redirects propagate instead of turning them into errors", async () => {
    const h = harness();
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/login;307;" });
    const { definition } = renameAction(
      "user",
      vi.fn(async () => {
        throw redirect;
      }),
    );
    await expect(runAction(definition, h.call(developer, valid), h.dependencies)).rejects.toBe(redirect);
  });

  it("revalidates the definition's paths on success only", async () => {
    const h = harness();
    const { definition } = renameAction("user");
    await runAction(definition, h.call(developer, valid), h.dependencies);
    expect(h.paths).toEqual(["/things/t1", "/things"]);

    const failing = harness();
    const { definition: broken } = renameAction(
      "user",
      vi.fn(async () => {
        throw new AppError("NOT_FOUND", "Gone.");
      }),
    );
    await runAction(broken, failing.call(developer, valid), failing.dependencies);
    expect(failing.paths).toEqual([]);
  });

  it("revalidateOnError refreshes after a failed run too (the run stored what went wrong)", async () => {
    const h = harness();
    const definition = defineAction({
      name: "node.refresh-facts",
      auth: "admin",
      input: z.object({ nodeId: z.string() }),
      run: async () => {
        throw new AppError("ENGINE_FAILED", "No answer.");
      },
      revalidate: ["/admin/nodes"],
      revalidateOnError: true,
    });
    expect(await runAction(definition, h.call(admin, { nodeId: "n1" }), h.dependencies)).toMatchObject({
      code: "ENGINE_FAILED",
    });
    expect(h.paths).toEqual(["/admin/nodes"]);
    // Invalid input never reached the run: nothing to refresh.
    await runAction(definition, h.call(admin, {}), h.dependencies);
    expect(h.paths).toEqual(["/admin/nodes"]);
  });
});

describe("spreadInput", () => {
  it("passes the input's fields beside the actor and the IP", async () => {
    const service = vi.fn(async (o: { actor: ActionActor; nodeId: string; ip?: string | null }) => o.nodeId);
    const run = spreadInput(service);
    expect(await run({ actor: admin, input: { nodeId: "n1" }, ip: "10.1.1.1" })).toBe("n1");
    expect(service).toHaveBeenCalledWith({ actor: admin, nodeId: "n1", ip: "10.1.1.1" });
  });

  it("the input cannot override the actor", async () => {
    const service = vi.fn(async (o: { actor: ActionActor; userId: string }) => o.actor.id);
    const run = spreadInput(service);
    const sneaky = { userId: "x", actor: admin } as unknown as { userId: string };
    expect(await run({ actor: developer, input: sneaky, ip: null })).toBe(developer.id);
  });
});
