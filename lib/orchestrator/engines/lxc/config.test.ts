import { describe, expect, it } from "vitest";
import {
  NODE_IDMAP,
  asMappedRoot,
  vethNameFor,
  dirRootfsOf,
  homeGatewayFor,
  parseMetadataLines,
  renderManagedConfig,
  rewriteMainConfig,
  serializeMetadata,
  writableRootfsOf,
  type ContainerMetadata,
} from "./config";

const metadata: ContainerMetadata = {
  name: "hp-7",
  ip: "10.213.5.7",
  prefix: 24,
  gateway: "10.213.5.1",
  hostname: "web-7",
  template: { kind: "busybox" },
  limits: { reservedCloudlets: 2, dynamicCloudlets: 4, diskGib: 2 },
  env: { NODE_ENV: "production" },
};

const TEMPLATE_CONFIG = `# Template used to create this container: /usr/share/lxc/templates/lxc-busybox
lxc.rootfs.path = dir:/var/lib/hn-a/hp-7/rootfs
lxc.signal.halt = SIGUSR1
lxc.uts.name = "hp-7"
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
lxc.mount.auto = cgroup:mixed proc:mixed sys:ro
lxc.include = /var/lib/hn-a/hp-7/hostplane.conf
`;

describe("lxc config generation", () => {
  it("renders network, hostname, cgroup v1 limits and env into hostplane.conf", () => {
    const text = renderManagedConfig({ metadata, bridge: "hp-br5", mhzPerCore: 2000 });
    expect(text).toContain("lxc.uts.name = web-7\n");
    expect(text).toContain("lxc.net.0.link = hp-br5\n");
    expect(text).toContain("lxc.net.0.ipv4.address = 10.213.5.7/24 10.213.5.255\n");
    expect(text).toContain("lxc.net.0.ipv4.gateway = 10.213.5.1\n");
    expect(text).toContain("lxc.cgroup.memory.limit_in_bytes = 536870912\n");
    expect(text).toContain("lxc.cgroup.cpu.cfs_quota_us = 80000\n");
    expect(text).toContain("lxc.cgroup.cpu.shares = 256\n");
    expect(text).toContain("lxc.environment = NODE_ENV=production\n");
    expect(text).not.toMatch(/dhcp/i);
  });

  it("normalises the template config for another lxcpath and includes hostplane.conf last", () => {
    const text = rewriteMainConfig({ text: TEMPLATE_CONFIG, lxcPath: "/var/lib/hn-b/", name: "hp-7" });
    expect(text).toContain("lxc.rootfs.path = dir:/var/lib/hn-b/hp-7/rootfs\n");
    expect(text).not.toContain("lxcbr0");
    expect(text).not.toContain("lxc.uts.name");
    expect(text.trim().split("\n").at(-1)).toBe("lxc.include = /var/lib/hn-b/hp-7/hostplane.conf");
    expect(text.match(/lxc\.include/g)).toHaveLength(1);
    expect(rewriteMainConfig({ text, lxcPath: "/var/lib/hn-b", name: "hp-7" })).toBe(text);
  });

  it("runs a container with an id map unprivileged, on a veth named after its address", () => {
    const privileged = renderManagedConfig({ metadata, bridge: "hp-br5", mhzPerCore: 2000 });
    expect(privileged).not.toContain("lxc.idmap");
    const text = renderManagedConfig({
      metadata: { ...metadata, idmap: NODE_IDMAP },
      bridge: "hp-br5",
      mhzPerCore: 2000,
    });
    expect(text).toContain("lxc.include = /usr/share/lxc/config/userns.conf\n");
    expect(text).toContain("lxc.idmap = u 0 1000000 65536\nlxc.idmap = g 0 1000000 65536\n");
    expect(text).toContain("lxc.net.0.veth.pair = hv0ad50507\n");
    expect(vethNameFor("10.213.250.17")).toBe("hv0ad5fa11");
    expect(vethNameFor("255.255.255.255").length).toBeLessThanOrEqual(15);
  });

  it("keeps a rootfs on the disk image there when moving to another lxcpath, and drops managed keys", () => {
    const onDisk = "lxc.rootfs.path = dir:/var/lib/hn-a/hp-7/disk/rootfs\nlxc.idmap = u 0 1 2\n";
    expect(rewriteMainConfig({ text: onDisk, lxcPath: "/var/lib/hn-b", name: "hp-7" })).toBe(
      "lxc.rootfs.path = dir:/var/lib/hn-b/hp-7/disk/rootfs\nlxc.include = /var/lib/hn-b/hp-7/hostplane.conf\n",
    );
    const overlay = "lxc.rootfs.path = overlay:/var/lib/hn-a/hpt-x/rootfs:/var/lib/hn-a/hp-7/disk/delta\n";
    expect(rewriteMainConfig({ text: overlay, lxcPath: "/var/lib/hn-a", name: "hp-7" })).toContain(overlay);
    expect(writableRootfsOf(overlay)).toBe("/var/lib/hn-a/hp-7/disk/delta");
    expect(asMappedRoot(NODE_IDMAP, ["tee", "--", "/x"])).toEqual([
      "lxc-usernsexec",
      "-m",
      "b:0:1000000:65536",
      "--",
      "tee",
      "--",
      "/x",
    ]);
  });

  it("finds writable rootfs of dir and overlay containers", () => {
    expect(dirRootfsOf(TEMPLATE_CONFIG)).toBe("/var/lib/hn-a/hp-7/rootfs");
    expect(writableRootfsOf("lxc.rootfs.path = overlay:/var/lib/x/hp-tpl/rootfs:/var/lib/x/hp-1/overlay/delta\n")).toBe(
      "/var/lib/x/hp-1/overlay/delta",
    );
  });

  it("round-trips metadata and skips torn lines", () => {
    expect(parseMetadataLines(`${serializeMetadata(metadata)}{"name":"hp-8","ip":`)).toEqual([metadata]);
    expect(homeGatewayFor("10.213.250.17")).toBe("10.213.250.1");
  });
});
