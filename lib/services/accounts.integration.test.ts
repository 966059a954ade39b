import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { resolveSession, resolveSessionUser } from "@/lib/auth/resolve-session";
import { THROTTLE_IP_LIMIT } from "@/lib/auth/throttle";
import {
  authenticate,
  changePassword,
  createUser,
  replaceTemporaryPassword,
  resetPassword,
  setUserStatus,
} from "./users";
import { ensureFirstAdmin } from "./bootstrap";

const password = "granite-otter-41";
let n = 0;
const email = () => `user${Date.now()}-${n++}@example.test`;

afterAll(async () => {
  await disconnectDb();
});

describe("accounts against a real PostgreSQL", () => {
  beforeEach(async () => {
    await db.loginThrottle.deleteMany({});
  });

  it("creates a user with an argon2id hash, a quota and an audit event; emails are unique", async () => {
    const e = email();
    const user = await createUser({ email: e, name: "Ada", password });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { quota: true } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.quota?.maxEnvironments).toBeGreaterThan(0);
    expect(await db.auditEvent.count({ where: { action: "user.signup", targetId: user.id } })).toBe(1);
    await expect(createUser({ email: e, name: "Ada again", password })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.user.count({ where: { email: e } })).toBe(1);
  });

  it("refuses a common password and writes nothing", async () => {
    const e = email();
    await expect(createUser({ email: e, name: "Bob", password: "iloveyou" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    expect(await db.user.count({ where: { email: e } })).toBe(0);
  });

  it("signs in with the right password, refuses the wrong one and records both", async () => {
    const e = email();
    await createUser({ email: e, name: "Cy", password });
    await expect(authenticate({ email: e, password: "wrong-password-1", ip: "10.0.0.1" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    const ok = await authenticate({ email: e, password, ip: "10.0.0.1" });
    expect(ok.email).toBe(e);
    expect(await db.auditEvent.count({ where: { actorEmail: e, action: "auth.signin", result: "FAILURE" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorEmail: e, action: "auth.signin", result: "SUCCESS" } })).toBe(1);
  });

  it("backs off per account and address after 5 attempts, even for the right password; other addresses sign in", async () => {
    const e = email();
    await createUser({ email: e, name: "Di", password });
    for (let i = 0; i < 5; i++) {
      await expect(authenticate({ email: e, password: `nope-nope-${i}`, ip: "10.1.0.1" })).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
      });
    }
    const throttled = authenticate({ email: e, password, ip: "10.1.0.1" });
    await expect(throttled).rejects.toMatchObject({
      code: "THROTTLED",
      message: expect.stringMatching(/Too many failed sign-ins\. Try again in (2\d|30) seconds\./),
      details: { retryAfterMs: expect.any(Number) },
    });
    // The attacker's address is slowed down; the owner, elsewhere, is not locked out.
    await expect(authenticate({ email: e, password, ip: "10.1.0.2" })).resolves.toMatchObject({ email: e });
    // Success from 10.1.0.2 cleared nothing of 10.1.0.1's attempts.
    const pair = (ip: string) => db.loginThrottle.findUnique({ where: { key: `acct:${e}|${ip}` } });
    expect((await pair("10.1.0.1"))?.attempts).toBe(5);
    expect(await pair("10.1.0.2")).toBeNull();
    // Once the backoff has passed (moved back in time here), one more attempt is allowed, then a longer wait.
    const last = (await pair("10.1.0.1"))!.lastAttemptAt;
    await db.loginThrottle.update({
      where: { key: `acct:${e}|10.1.0.1` },
      data: { lastAttemptAt: new Date(last.getTime() - 31_000) },
    });
    await expect(authenticate({ email: e, password: "nope-again-9", ip: "10.1.0.1" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(authenticate({ email: e, password, ip: "10.1.0.1" })).rejects.toMatchObject({
      code: "THROTTLED",
      message: expect.stringMatching(/Try again in (5\d|60) seconds|1 minute/),
    });
  });

  it("checks at most 5 of 50 parallel attempts (right password last)", async () => {
    const e = email();
    await createUser({ email: e, name: "Burst", password });
    const attempts = Array.from({ length: 50 }, (_, i) =>
      authenticate({ email: e, password: i === 49 ? password : `wrong-guess-${i}`, ip: "10.5.0.1" }).then(
        () => "SIGNED_IN",
        (error: { code?: string }) => error.code ?? "ERROR",
      ),
    );
    const outcomes = await Promise.all(attempts);
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    console.log(`[bench] 50 parallel sign-ins, one account+address: ${JSON.stringify(tally)}`);
    const checked = (tally.UNAUTHENTICATED ?? 0) + (tally.SIGNED_IN ?? 0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(checked).toBeGreaterThan(0);
    expect(tally.THROTTLED).toBe(50 - checked);
    // Every checked attempt was counted before its password was verified (a success clears the count).
    const row = await db.loginThrottle.findUnique({ where: { key: `acct:${e}|10.5.0.1` } });
    expect(row?.attempts ?? 0).toBe(tally.SIGNED_IN ? 0 : checked);
  });

  it("throttles after 50 failures from one IP across accounts", async () => {
    for (let i = 0; i < THROTTLE_IP_LIMIT; i++) {
      await expect(authenticate({ email: email(), password: "whatever-123", ip: "10.2.0.1" })).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
      });
    }
    await expect(authenticate({ email: email(), password: "whatever-123", ip: "10.2.0.1" })).rejects.toMatchObject({
      code: "THROTTLED",
    });
  });

  it("ends sessions at once when a user is suspended or changes the password", async () => {
    const admin = await createUser({ email: email(), name: "Admin", password, role: "ADMIN" });
    const user = await createUser({ email: email(), name: "Eve", password });
    expect(await resolveSessionUser({ uid: user.id, sv: user.sessionVersion })).toMatchObject({ id: user.id });

    await setUserStatus({ actor: admin, userId: user.id, status: "SUSPENDED" });
    expect(await resolveSessionUser({ uid: user.id, sv: user.sessionVersion })).toBeNull();
    await expect(authenticate({ email: user.email, password, ip: "10.3.0.1" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    await setUserStatus({ actor: admin, userId: user.id, status: "ACTIVE" });
    const reactivated = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await resolveSessionUser({ uid: user.id, sv: reactivated.sessionVersion })).not.toBeNull();

    await changePassword({ userId: user.id, currentPassword: password, newPassword: "quartz-meadow-77" });
    expect(await resolveSessionUser({ uid: user.id, sv: reactivated.sessionVersion })).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "user.suspend", targetId: user.id } })).toBe(1);
  });

  it("an admin's reset: the temporary password signs in once, that session may only replace it, sessions end", async () => {
    const admin = await createUser({ email: email(), name: "Admin", password, role: "ADMIN" });
    const user = await createUser({ email: email(), name: "Grace", password });
    const before = await authenticate({ email: user.email, password, ip: "10.9.0.1" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt).not.toBeNull();
    await expect(resetPassword({ actor: admin, userId: admin.id })).rejects.toMatchObject({ code: "CONFLICT" });
    const reset = await resetPassword({ actor: admin, userId: user.id, ip: "10.9.0.9" });
    expect(reset.temporaryPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(reset.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    // Stored as a hash only; the old session and the old password are gone.
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).not.toContain(reset.temporaryPassword);
    expect(await resolveSessionUser({ uid: user.id, sv: before.sessionVersion })).toBeNull();
    await expect(authenticate({ email: user.email, password, ip: "10.9.0.1" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect(await db.auditEvent.count({ where: { action: "user.password.reset", targetId: user.id } })).toBe(1);

    // Once: two parallel sign-ins with it, exactly one gets in.
    const attempts = await Promise.allSettled([
      authenticate({ email: user.email, password: reset.temporaryPassword, ip: "10.9.0.2" }),
      authenticate({ email: user.email, password: reset.temporaryPassword, ip: "10.9.0.3" }),
    ]);
    const signedIn = attempts.filter((a) => a.status === "fulfilled");
    expect(signedIn).toHaveLength(1);
    const session = (signedIn[0] as PromiseFulfilledResult<{ sessionVersion: number }>).value;
    const claims = { uid: user.id, sv: session.sessionVersion };
    expect(await resolveSessionUser(claims)).toBeNull(); // no session for anything else
    expect(await resolveSession(claims)).toMatchObject({ mustChangePassword: true, user: { id: user.id } });

    await expect(replaceTemporaryPassword({ userId: user.id, newPassword: "password1" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    await replaceTemporaryPassword({ userId: user.id, newPassword: "harbour-lantern-77" });
    expect(await resolveSessionUser(claims)).toMatchObject({ id: user.id }); // the same session goes on
    await expect(replaceTemporaryPassword({ userId: user.id, newPassword: "other-lantern-78" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(
      authenticate({ email: user.email, password: reset.temporaryPassword, ip: "10.9.0.4" }),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await authenticate({ email: user.email, password: "harbour-lantern-77", ip: "10.9.0.4" });
  });

  it("a temporary password past its expiry does not sign in", async () => {
    const admin = await createUser({ email: email(), name: "Admin", password, role: "ADMIN" });
    const user = await createUser({ email: email(), name: "Linus", password });
    const reset = await resetPassword({ actor: admin, userId: user.id });
    await db.user.update({ where: { id: user.id }, data: { temporaryPasswordExpiresAt: new Date(Date.now() - 1000) } });
    await expect(
      authenticate({ email: user.email, password: reset.temporaryPassword, ip: "10.9.1.1" }),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("expired") });
  });

  it("creates the first admin once, with a generated password when none is given", async () => {
    await db.user.updateMany({ where: { role: "ADMIN" }, data: { role: "DEVELOPER" } });
    const first = await ensureFirstAdmin({ email: email() });
    expect(first.created).toBe(true);
    if (first.created) {
      expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
      await expect(
        authenticate({ email: first.email, password: first.generatedPassword!, ip: "10.4.0.1" }),
      ).resolves.toMatchObject({ role: "ADMIN" });
    }
    expect(await ensureFirstAdmin({ email: email() })).toEqual({ created: false });
  });
});
