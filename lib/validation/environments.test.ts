import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { zodFieldErrors } from "./errors";
import {
  ZCreateEnvironmentInput,
  ZCreateEnvironmentRequest,
  ZCustomDomainName,
  ZSetRunningInput,
} from "./environments";
import { ZEnrolNodeInput } from "./nodes";
import { ZSetSignupInput } from "./quotas";

const layer = (over: Record<string, unknown> = {}) => ({
  name: "web",
  stack: "busybox",
  count: 1,
  reservedCloudlets: 1,
  dynamicCloudlets: 2,
  diskGib: 1,
  ...over,
});

const fieldsOf = (r: { success: boolean; error?: Parameters<typeof zodFieldErrors>[0] }) =>
  r.success ? {} : zodFieldErrors(r.error!);

describe("environment creation input", () => {
  it("accepts a wizard submit and defaults ha to false", () => {
    const parsed = ZCreateEnvironmentRequest.parse({
      idempotencyKey: randomUUID(),
      name: " Shop ",
      regionId: "r1",
      layers: [layer()],
    });
    expect(parsed).toMatchObject({ name: "shop", layers: [{ ha: false }] });
  });

  it("refuses ha given as a string: booleans are never coerced", () => {
    for (const ha of ["false", "true", "on", 1]) {
      const r = ZCreateEnvironmentInput.safeParse({ name: "shop", regionId: "r1", layers: [layer({ ha })] });
      expect(fieldsOf(r)).toHaveProperty(["layers.0.ha"]);
    }
  });

  it("applies each stack's minimum reserved cloudlets, on the layer's own field", () => {
    const r = ZCreateEnvironmentInput.safeParse({
      name: "shop",
      regionId: "r1",
      layers: [layer(), layer({ name: "db", stack: "postgresql", reservedCloudlets: 1, dynamicCloudlets: 8 })],
    });
    expect(fieldsOf(r)["layers.1.reservedCloudlets"]?.[0]).toMatch(/needs at least \d+ reserved cloudlets/);
    expect(fieldsOf(r)).not.toHaveProperty(["layers.0.reservedCloudlets"]);
  });

  it("refuses duplicate layer names and a missing idempotency key", () => {
    const request = { idempotencyKey: randomUUID(), name: "shop", regionId: "r1", layers: [layer(), layer()] };
    expect(Object.keys(fieldsOf(ZCreateEnvironmentRequest.safeParse(request)))).toEqual(["layers"]);
    const { idempotencyKey: _, ...withoutKey } = { ...request, layers: [layer()] };
    expect(Object.keys(fieldsOf(ZCreateEnvironmentRequest.safeParse(withoutKey)))).toEqual(["idempotencyKey"]);
  });
});

describe("strict booleans in action inputs", () => {
  it("start/stop takes a boolean only", () => {
    expect(ZSetRunningInput.safeParse({ environmentId: "e1", running: false }).success).toBe(true);
    expect(ZSetRunningInput.safeParse({ environmentId: "e1", running: "false" }).success).toBe(false);
  });

  it('the sign-up switch refuses "false", "on" and 0', () => {
    expect(ZSetSignupInput.parse({ enabled: false })).toEqual({ enabled: false });
    for (const enabled of ["false", "true", "on", 0])
      expect(ZSetSignupInput.safeParse({ enabled }).success).toBe(false);
  });

  it('a checkbox is a boolean or the browser\'s "on"; "false" and "1" are refused, not guessed', () => {
    const base = { name: "n1", engine: "sim", transport: "local", regionId: "r1" };
    expect(ZEnrolNodeInput.parse({ ...base, confirmFingerprint: "on" }).confirmFingerprint).toBe(true);
    expect(ZEnrolNodeInput.parse(base).confirmFingerprint).toBe(false);
    for (const confirmFingerprint of ["false", "1", "true"]) {
      expect(fieldsOf(ZEnrolNodeInput.safeParse({ ...base, confirmFingerprint }))).toHaveProperty("confirmFingerprint");
    }
  });
});

describe("ZCustomDomainName", () => {
  it("accepts full domain names, lower-cased, without the trailing dot", () => {
    expect(ZCustomDomainName.parse(" Shop.Example.COM. ")).toBe("shop.example.com");
    expect(ZCustomDomainName.parse("a-b.c-d.example")).toBe("a-b.c-d.example");
  });

  it.each([
    ["*.example.com", "Wildcard"],
    ["10.0.0.1", "not an IP address"],
    ["2001:db8::1", "not an IP address"],
    ["localhost", "full domain"],
    ["-shop.example.com", "full domain"],
    ["shop..example.com", "full domain"],
    [`${"a".repeat(64)}.example.com`, "full domain"],
    [`${"abcdefghij.".repeat(25)}com`, "253"],
  ])("refuses %s", (value, message) => {
    const result = ZCustomDomainName.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });
});
