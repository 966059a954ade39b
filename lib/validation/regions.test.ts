import { describe, expect, it } from "vitest";
import { ZCreateRegionInput, ZNodeSubnet, ZSubnetPool, cidrContains, nextFreeSubnet, parseCidr } from "./regions";

describe("CIDR helpers", () => {
  it.each([
    ["10.213.0.0/16", { prefix: 16 }],
    ["10.0.0.0/8", { prefix: 8 }],
    ["10.213.7.0/24", { prefix: 24 }],
  ])("parses %s", (text, expected) => expect(parseCidr(text)).toMatchObject(expected));

  it.each(["10.213.5.0/16", "10.300.0.0/16", "10.213.0.0", "10.213.0.0/33", "abc", " /16"])("refuses %s", (text) =>
    expect(parseCidr(text)).toBeNull(),
  );

  it("knows containment", () => {
    expect(cidrContains(parseCidr("10.213.0.0/16")!, parseCidr("10.213.9.0/24")!)).toBe(true);
    expect(cidrContains(parseCidr("10.213.0.0/16")!, parseCidr("10.214.9.0/24")!)).toBe(false);
    expect(cidrContains(parseCidr("10.213.0.0/24")!, parseCidr("10.213.0.0/16")!)).toBe(false);
  });
});

describe("nextFreeSubnet: the pool's /24s in order, skipping the first one", () => {
  it.each([
    { pool: "10.213.0.0/16", used: [], expected: "10.213.1.0/24" },
    { pool: "10.213.0.0/16", used: ["10.213.1.0/24", "10.213.2.0/24"], expected: "10.213.3.0/24" },
    { pool: "10.213.0.0/16", used: ["10.213.2.0/24"], expected: "10.213.1.0/24" },
    { pool: "10.20.0.0/23", used: [], expected: "10.20.1.0/24" },
    { pool: "10.20.0.0/23", used: ["10.20.1.0/24"], expected: null },
    { pool: "10.0.0.0/8", used: ["10.0.1.0/24"], expected: "10.0.2.0/24" },
    { pool: "10.1.255.0/24", used: [], expected: null },
  ])("$pool with $used → $expected", ({ pool, used, expected }) =>
    expect(nextFreeSubnet({ pool, used })).toBe(expected),
  );

  it("walks across the third octet into the second", () => {
    const used = Array.from({ length: 255 }, (_, i) => `10.5.${i + 1}.0/24`);
    expect(nextFreeSubnet({ pool: "10.4.0.0/15", used })).toBe("10.5.0.0/24".replace("10.5.0.0", "10.4.1.0"));
    const all = [...Array.from({ length: 255 }, (_, i) => `10.4.${i + 1}.0/24`), ...used];
    expect(nextFreeSubnet({ pool: "10.4.0.0/15", used: all })).toBe("10.5.0.0/24");
  });
});

describe("pool and subnet schemas", () => {
  it("accepts pools inside 10.0.0.0/8 with room for two /24s", () => {
    expect(ZSubnetPool.safeParse("10.213.0.0/16").success).toBe(true);
    expect(ZSubnetPool.safeParse("10.0.0.0/8").success).toBe(true);
  });
  it.each([
    ["192.168.0.0/16", "inside 10.0.0.0/8"],
    ["10.213.0.0/24", "at least two /24"],
    ["10.213.5.0/16", "no host bits"],
    ["", "no host bits"],
  ])("refuses %s with a clear message", (pool, message) => {
    const r = ZSubnetPool.safeParse(pool);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
  it("node subnets are one /24", () => {
    expect(ZNodeSubnet.safeParse("10.213.9.0/24").success).toBe(true);
    expect(ZNodeSubnet.safeParse("10.213.0.0/16").success).toBe(false);
    expect(ZNodeSubnet.safeParse("172.16.1.0/24").success).toBe(false);
  });
  it("region names are DNS labels and the pool defaults", () => {
    expect(ZCreateRegionInput.parse({ name: "EU-West" })).toEqual({ name: "eu-west", subnetPool: "10.213.0.0/16" });
    expect(ZCreateRegionInput.safeParse({ name: "-bad" }).success).toBe(false);
  });
});
