import { describe, expect, it } from "vitest";
import { networkPolicyFor, type PolicyContainer } from "./network-policy";

const containers: PolicyContainer[] = [
  { ip: "10.213.5.10", environmentId: "a", nodeId: "n1" },
  { ip: "10.213.5.9", environmentId: "a", nodeId: "n1" },
  { ip: "10.213.6.3", environmentId: "a", nodeId: "n2" },
  { ip: "10.213.5.11", environmentId: "b", nodeId: "n1" },
  { ip: "10.213.6.4", environmentId: "c", nodeId: "n2" },
];

describe("tenant network policy", () => {
  it("allows exactly the same-environment pairs of environments present on the node, both directions", () => {
    const policy = networkPolicyFor({ nodeId: "n1", containers, containerNets: ["10.213.6.0/24", "10.213.5.0/24"] });
    expect(policy.local).toEqual(["10.213.5.9", "10.213.5.10", "10.213.5.11"]);
    expect(policy.sameEnvironment).toEqual([
      ["10.213.5.9", "10.213.5.10"],
      ["10.213.5.9", "10.213.6.3"],
      ["10.213.5.10", "10.213.5.9"],
      ["10.213.5.10", "10.213.6.3"],
      ["10.213.6.3", "10.213.5.9"],
      ["10.213.6.3", "10.213.5.10"],
    ]);
    // b is alone (no pair), c has nothing on n1 (not listed at all).
    expect(policy.sameEnvironment.flat()).not.toContain("10.213.5.11");
    expect(policy.sameEnvironment.flat()).not.toContain("10.213.6.4");
    expect(policy.containerNets).toEqual(["10.213.5.0/24", "10.213.6.0/24"]);
  });

  it("is deterministic whatever the order of the rows", () => {
    const a = networkPolicyFor({ nodeId: "n2", containers, containerNets: ["10.213.5.0/24"] });
    const b = networkPolicyFor({
      nodeId: "n2",
      containers: [...containers].reverse(),
      containerNets: ["10.213.5.0/24"],
    });
    expect(b).toEqual(a);
    expect(a.local).toEqual(["10.213.6.3", "10.213.6.4"]);
  });

  it("gives an empty policy to a node without containers", () => {
    expect(networkPolicyFor({ nodeId: "n9", containers, containerNets: [] })).toEqual({
      local: [],
      sameEnvironment: [],
      containerNets: [],
      outboundNat: true,
    });
  });

  it("carries the region's outbound NAT setting", () => {
    expect(networkPolicyFor({ nodeId: "n9", containers, containerNets: [], outboundNat: false }).outboundNat).toBe(
      false,
    );
  });
});
