import { describe, expect, it } from "vitest";
import { networkPolicyFor } from "../../network-policy";
import { firewallTableName, renderNodeFirewall } from "./firewall";

const settings = { lxcPath: "/var/lib/hn", bridge: "hp-br5", subnetCidr: "10.213.5.0/24", gatewayIp: "10.213.5.1" };
const policy = networkPolicyFor({
  nodeId: "n1",
  containerNets: ["10.213.5.0/24"],
  containers: [
    { ip: "10.213.5.7", environmentId: "a", nodeId: "n1" },
    { ip: "10.213.5.8", environmentId: "a", nodeId: "n1" },
    { ip: "10.213.5.9", environmentId: "b", nodeId: "n1" },
  ],
});

describe("lxc node firewall (nftables)", () => {
  it("names the tables after the bridge, so nodes sharing a machine keep their own", () => {
    expect(firewallTableName("hp-br5")).toBe("hostplane_hp_br5");
    expect(() => firewallTableName("x; drop")).toThrow();
  });

  it("replaces both tables atomically in one ruleset", () => {
    const text = renderNodeFirewall({ settings, policy });
    const lines = text.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "add table bridge hostplane_hp_br5",
      "delete table bridge hostplane_hp_br5",
      "table bridge hostplane_hp_br5 {",
    ]);
    expect(text).toContain("add table inet hostplane_hp_br5\ndelete table inet hostplane_hp_br5\n");
  });

  it("binds every container port to its MAC and address and lists same-environment pairs only", () => {
    const text = renderNodeFirewall({ settings, policy });
    expect(text).toContain('"hv0ad50507" . 02:68:0a:d5:05:07 . 10.213.5.7');
    expect(text).toContain('set ports { type ifname; elements = { "hv0ad50507", "hv0ad50508", "hv0ad50509" }; }');
    expect(text).toContain("elements = { 10.213.5.7 . 10.213.5.8, 10.213.5.8 . 10.213.5.7 };");
    expect(text).not.toMatch(/10\.213\.5\.9 \. /);
  });

  it("drops container traffic to the host except replies, and lets DNAT (published entry points) through", () => {
    const text = renderNodeFirewall({ settings, policy });
    const input = text.slice(text.indexOf("chain input"), text.indexOf("chain forward", text.indexOf("chain input")));
    expect(input).toContain('iifname != "hp-br5" accept');
    expect(input).toContain("ct state established,related accept");
    expect(input).toContain("counter drop");
    const forward = text.slice(text.lastIndexOf("chain forward"));
    expect(forward.indexOf("ct status dnat accept")).toBeLessThan(forward.indexOf("@container_nets counter drop"));
    expect(forward).toContain('iifname "hp-br5" ip saddr . ip daddr @same_env accept');
  });

  it("masquerades the node's containers towards the outside world, or drops that traffic with NAT off", () => {
    const on = renderNodeFirewall({ settings, policy });
    expect(on).toContain("type nat hook postrouting priority 100;");
    expect(on).toMatch(/ip saddr 10\.213\.\d+\.0\/24 ip daddr != @container_nets oifname != "hp-br5" masquerade/);
    expect(on).not.toMatch(/iifname "hp-br5" counter drop/);
    const off = renderNodeFirewall({ settings, policy: { ...policy, outboundNat: false } });
    expect(off).not.toContain("masquerade");
    const forward = off.slice(off.lastIndexOf("chain forward"));
    // Replies and published ports pass before the catch-all drop.
    expect(forward.indexOf("ct state established,related accept")).toBeLessThan(
      forward.indexOf('iifname "hp-br5" counter drop'),
    );
  });

  it("renders empty sets without elements (a node with no containers)", () => {
    const text = renderNodeFirewall({
      settings,
      policy: { local: [], sameEnvironment: [], containerNets: [], outboundNat: true },
    });
    expect(text).toContain("set ports { type ifname; }");
    expect(text).not.toContain("elements = {  }");
  });

  it("refuses addresses that are not IPv4", () => {
    expect(() =>
      renderNodeFirewall({
        settings,
        policy: { local: ["10.0.0.1; flush ruleset"], sameEnvironment: [], containerNets: [], outboundNat: true },
      }),
    ).toThrow();
  });
});
