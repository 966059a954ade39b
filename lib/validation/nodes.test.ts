import { describe, expect, it } from "vitest";
import { ZEnrolNodeInput, ZNodeConnectionInput, ZUpdateNodeInput, parseLabels, pickBridgeName } from "./nodes";

const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n";
const base = {
  name: "hn-2",
  engine: "lxc",
  transport: "ssh",
  sshHost: "10.0.0.5",
  sshPort: "2222",
  sshUser: "root",
  sshPrivateKey: key,
  regionId: "r1",
};
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));

describe("labels", () => {
  it("parses key=value lists", () => {
    expect(parseLabels("zone=a, disk=ssd\nrack=r-1")).toEqual({ zone: "a", disk: "ssd", rack: "r-1" });
    expect(parseLabels("  ")).toEqual({});
  });
  it.each([["zone"], ["=a"], ["zone=a,zone=b"], ["bad key=x"], ["k=v v"]])("refuses %s", (text) =>
    expect(() => parseLabels(text)).toThrow(),
  );
});

describe("bridge names", () => {
  it("is hp-<name> cut to 15 characters, then numbered", () => {
    expect(pickBridgeName({ name: "hn-2", taken: [] })).toBe("hp-hn-2");
    expect(pickBridgeName({ name: "a-very-long-node-name", taken: [] })).toBe("hp-a-very-long");
    expect(pickBridgeName({ name: "a-very-long-node-name", taken: ["hp-a-very-long"] })).toBe("hp-a-very-long1");
    expect(pickBridgeName({ name: "hn-2", taken: ["hp-hn-2", "hp-hn-21"] })).toBe("hp-hn-22");
    for (const n of ["x".repeat(32), "node-with-hyphen-at-12-"])
      expect(pickBridgeName({ name: n, taken: [] }).length).toBeLessThanOrEqual(15);
  });
});

describe("enrolment input", () => {
  it("needs a confirmed fingerprint for SSH", () => {
    expect(issues(ZEnrolNodeInput.safeParse(base))).toHaveProperty("hostKeyFingerprint");
    const withFp = { ...base, hostKeyFingerprint: `SHA256:${"A".repeat(43)}` };
    expect(issues(ZEnrolNodeInput.safeParse(withFp))).toHaveProperty("confirmFingerprint");
    const ok = ZEnrolNodeInput.parse({
      ...withFp,
      confirmFingerprint: "on",
      labels: "zone=a",
      ramMib: "",
      overcommitRatio: "1.5",
    });
    expect(ok).toMatchObject({ sshPort: 2222, confirmFingerprint: true, labels: { zone: "a" }, overcommitRatio: 1.5 });
    expect(ok.ramMib).toBeUndefined();
  });
  it("reports each bad field", () => {
    const r = issues(
      ZEnrolNodeInput.safeParse({
        ...base,
        name: "Bad_Name",
        sshHost: "",
        sshPort: "99999",
        sshPrivateKey: "not a key",
        bridge: "br0-that-is-way-too-long",
        subnet: "10.1.0.0/16",
        lxcPath: "relative/path",
      }),
    );
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(["name", "sshHost", "sshPort", "sshPrivateKey", "bridge", "subnet", "lxcPath"]),
    );
    expect(issues(ZEnrolNodeInput.safeParse({ ...base, ramMib: "12.5" })).ramMib).toBe("Enter a whole number.");
  });
  it("refuses an SSH host that looks like an option", () => {
    expect(issues(ZNodeConnectionInput.safeParse({ ...base, sshHost: "-oProxyCommand=x" }))).toHaveProperty("sshHost");
  });
  it("keeps the simulated engine local", () => {
    expect(
      issues(
        ZNodeConnectionInput.safeParse({
          name: "sim-1",
          engine: "sim",
          transport: "ssh",
          sshHost: "h",
          sshPrivateKey: key,
        }),
      ),
    ).toHaveProperty("transport");
    expect(ZNodeConnectionInput.safeParse({ name: "sim-1", engine: "sim", transport: "local" }).success).toBe(true);
  });
  it("lets an update leave fields unchanged", () => {
    expect(ZUpdateNodeInput.parse({ nodeId: "n1", ramMib: "", labels: "a=b" })).toEqual({
      nodeId: "n1",
      labels: { a: "b" },
    });
  });
});
