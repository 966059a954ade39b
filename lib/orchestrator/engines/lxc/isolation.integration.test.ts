// Tenant isolation on a real lxc node (issue 12): unprivileged containers (id map), the
// nftables policy between environments and towards the host, and the per-container disk image.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRunner } from "../../transport/local-runner";
import { networkPolicyFor, type PolicyContainer } from "../../network-policy";
import { NODE_IDMAP, serializeMetadata, type ContainerMetadata } from "./config";
import { LxcEngine } from "./engine";
import { firewallTableName } from "./firewall";
import { cleanupTestNodes, testNode } from "./test-hosts";

const node = testNode({ name: "isolation", bridge: "hp-tiso", octet: 240 });
const lxcPath = node.lxc!.lxcPath;
const gateway = node.lxc!.gatewayIp;
const engine = new LxcEngine(node, new LocalRunner());
const limits = { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 };
const A1 = { name: "hp-iso-a1", ip: "10.213.240.10", env: "env-a" };
const A2 = { name: "hp-iso-a2", ip: "10.213.240.11", env: "env-a" };
const B1 = { name: "hp-iso-b1", ip: "10.213.240.12", env: "env-b" };
const containers: PolicyContainer[] = [A1, A2, B1].map((c) => ({ ip: c.ip, environmentId: c.env, nodeId: "n1" }));
const policy = networkPolicyFor({ nodeId: "n1", containers, containerNets: [node.lxc!.subnetCidr] });

let hostService: Server;
let hostPort = 0;

/** An HTTP request from inside a container (busybox nc, 2 s timeout): true when it was answered. */
async function reaches(from: string, url: string): Promise<boolean> {
  const { hostname, port, pathname } = new URL(url);
  const result = await engine.exec(from, ["nc", "-w", "2", hostname, port], {
    input: `GET ${pathname} HTTP/1.0\r\n\r\n`,
    timeoutMs: 15_000,
  });
  return result.code === 0 && result.stdout.startsWith("HTTP/");
}

/** A TCP connection from the host (the ingress proxy's path) to a container's 5432. */
function hostReaches(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port: 5432, timeout: 2_000 });
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(false));
  });
}

function nft(args: string[]): void {
  execFileSync("nft", args, { stdio: "ignore", timeout: 10_000 });
}

beforeAll(async () => {
  cleanupTestNodes([node]);
  hostService = createServer((_, res) => res.end("host service\n"));
  await new Promise<void>((resolve) => hostService.listen(0, "0.0.0.0", resolve));
  hostPort = (hostService.address() as AddressInfo).port;
  await Promise.all(
    [A1, A2, B1].map((c) =>
      engine.create({ name: c.name, ip: c.ip, hostname: c.name, template: { kind: "busybox" }, limits }),
    ),
  );
  for (const c of [A1, A2, B1]) {
    await engine.start(c.name);
    // A stand-in for each environment's database: busybox httpd on 5432.
    expect((await engine.exec(c.name, ["sh", "-c", "httpd -p 5432 -h /etc </dev/null >/dev/null 2>&1"])).code).toBe(0);
  }
});

afterAll(async () => {
  await new Promise((resolve) => hostService?.close(resolve));
  cleanupTestNodes([node]);
});

describe("tenant isolation on an lxc node", () => {
  it("runs containers unprivileged: init is an unprivileged uid on the host, root inside", async () => {
    const info = await engine.inspect(A1.name);
    const uidLine = readFileSync(`/proc/${info!.pid}/status`, "utf8").match(/^Uid:\s+(.+)$/m)![1]!;
    const uids = uidLine.split(/\s+/).map(Number);
    expect(uids).toHaveLength(4);
    for (const uid of uids) expect(uid).toBe(NODE_IDMAP.hostBase);
    expect((await engine.exec(A1.name, ["id", "-u"])).stdout.trim()).toBe("0");
    // The container's files are owned by the mapped range on the host.
    const owner = execFileSync("stat", ["-c", "%u", `${lxcPath}/${A1.name}/disk/rootfs/etc/hostname`], {
      encoding: "utf8",
    });
    expect(Number(owner.trim())).toBe(NODE_IDMAP.hostBase);
  });

  it("separates environments and the host once the policy is applied, and repairs it", async () => {
    // Without rules everything is open: the probes themselves work.
    expect(await reaches(A1.name, `http://${B1.ip}:5432/hostname`)).toBe(true);
    expect(await reaches(A1.name, `http://${gateway}:${hostPort}/`)).toBe(true);

    await engine.applyNetworkPolicy(policy);
    expect(await reaches(A1.name, `http://${A2.ip}:5432/hostname`)).toBe(true);
    expect(await reaches(A2.name, `http://${A1.ip}:5432/hostname`)).toBe(true);
    expect(await reaches(A1.name, `http://${B1.ip}:5432/hostname`)).toBe(false);
    expect(await reaches(B1.name, `http://${A1.ip}:5432/hostname`)).toBe(false);
    // Host services (a service on all interfaces, the panel's database port) are out of reach.
    expect(await reaches(A1.name, `http://${gateway}:${hostPort}/`)).toBe(false);
    const panelDbPort = new URL(process.env.DATABASE_URL ?? "postgres://x@127.0.0.1:5432/x").port || "5432";
    expect(await reaches(A1.name, `http://${gateway}:${panelDbPort}/`)).toBe(false);
    // The host (ingress proxy, probes) still opens connections to containers.
    expect(await hostReaches(A1.ip)).toBe(true);
    expect(await hostReaches(B1.ip)).toBe(true);

    // Rules deleted by hand are back after the next apply (what every resync does).
    const table = firewallTableName(node.lxc!.bridge);
    nft(["delete", "table", "bridge", table]);
    nft(["delete", "table", "inet", table]);
    expect(await reaches(A1.name, `http://${B1.ip}:5432/hostname`)).toBe(true);
    await engine.applyNetworkPolicy(policy);
    await engine.applyNetworkPolicy(policy); // idempotent
    expect(await reaches(A1.name, `http://${B1.ip}:5432/hostname`)).toBe(false);
    expect(await reaches(A1.name, `http://${A2.ip}:5432/hostname`)).toBe(true);
  });

  it("lets containers out through NAT only when the region allows it (a namespace stands in for the outside)", async () => {
    // "The outside world": a network namespace on 10.213.238.0/30 (the project's range, not a bridge of any
    // node) with an HTTP server that answers the source address it sees.
    const ns = "hp-tnat";
    const outside = "10.213.238.2";
    const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "ignore", timeout: 10_000 });
    const cleanup = () => {
      try {
        ip("netns", "del", ns);
      } catch {
        // not there
      }
      try {
        ip("link", "del", "hp-tnat0");
      } catch {
        // went with the namespace
      }
    };
    cleanup();
    ip("netns", "add", ns);
    let server: ReturnType<typeof spawn> | null = null;
    try {
      ip("link", "add", "hp-tnat0", "type", "veth", "peer", "name", "hp-tnat1");
      ip("link", "set", "hp-tnat1", "netns", ns);
      ip("addr", "add", "10.213.238.1/30", "dev", "hp-tnat0");
      ip("link", "set", "hp-tnat0", "up");
      ip("netns", "exec", ns, "ip", "addr", "add", `${outside}/30`, "dev", "hp-tnat1");
      ip("netns", "exec", ns, "ip", "link", "set", "hp-tnat1", "up");
      ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
      server = spawn(
        "ip",
        [
          "netns",
          "exec",
          ns,
          process.execPath,
          "-e",
          `require("node:http").createServer((q, s) => s.end("from " + q.socket.remoteAddress)).listen(8080, "${outside}")`,
        ],
        { stdio: "ignore" },
      );
      const ask = async () => {
        const result = await engine.exec(A1.name, ["nc", "-w", "2", outside, "8080"], {
          input: "GET / HTTP/1.0\r\n\r\n",
          timeoutMs: 15_000,
        });
        return result.code === 0 ? (result.stdout.split("\r\n\r\n")[1] ?? "") : null;
      };
      await engine.applyNetworkPolicy(policy);
      let seen: string | null = null;
      for (let i = 0; i < 20 && !seen; i++) {
        seen = await ask();
        if (!seen) await new Promise((r) => setTimeout(r, 250));
      }
      // Masqueraded: the outside sees the node's address, never the container's.
      expect(seen).toBe("from 10.213.238.1");
      await engine.applyNetworkPolicy({ ...policy, outboundNat: false });
      expect(await ask()).toBeNull();
      // Off does not cut what the platform needs: the host still reaches the containers.
      expect(await hostReaches(A1.ip)).toBe(true);
      await engine.applyNetworkPolicy(policy);
      expect(await ask()).toBe("from 10.213.238.1");
    } finally {
      server?.kill("SIGTERM");
      cleanup();
    }
  });

  it("enforces the disk limit: writing 2 GiB into a 1 GiB container fails with ENOSPC", async () => {
    const df = await engine.exec(A1.name, ["df", "-k", "/"]);
    const sizeKib = Number(df.stdout.trim().split("\n").pop()!.trim().split(/\s+/)[1]);
    expect(sizeKib).toBeLessThanOrEqual(1024 * 1024);
    expect(sizeKib).toBeGreaterThan(900 * 1024);
    const fill = await engine.exec(A1.name, ["dd", "if=/dev/zero", "of=/root/fill", "bs=1M", "count=2048"], {
      timeoutMs: 120_000,
    });
    expect(fill.code).not.toBe(0);
    expect(fill.stderr).toMatch(/No space left on device/);
    expect((await engine.exec(A1.name, ["rm", "-f", "/root/fill"])).code).toBe(0);
    // A larger limit grows the image: online where the kernel allows it, at the latest on restart.
    await engine.setLimits(A1.name, { ...limits, diskGib: 2 });
    await engine.restart(A1.name);
    const grown = await engine.exec(A1.name, ["df", "-k", "/"]);
    expect(Number(grown.stdout.trim().split("\n").pop()!.trim().split(/\s+/)[1])).toBeGreaterThan(1900 * 1024);
    expect((await engine.exec(A1.name, ["cat", "/etc/hostname"])).stdout.trim()).toBe(A1.name);
  });

  it("converts a container created privileged (before issue 12) on start, keeping its data", async () => {
    const name = "hp-iso-old";
    const ip = "10.213.240.20";
    const dir = `${lxcPath}/${name}`;
    // The layout of the old engine: a privileged busybox rootfs in <dir>/rootfs, no id map.
    execFileSync("lxc-create", ["-P", lxcPath, "-n", name, "-f", "/dev/null", "-t", "busybox"], { stdio: "ignore" });
    execFileSync("sh", [
      "-c",
      'printf "kept\\n" > "$1/rootfs/root/data.txt" && chown 1234:1234 "$1/rootfs/root/data.txt"',
      "sh",
      dir,
    ]);
    const legacy: ContainerMetadata = {
      name,
      ip,
      hostname: name,
      prefix: 24,
      gateway,
      template: { kind: "busybox" },
      limits,
      env: {},
    };
    await engine.writeContainerConfig({ metadata: legacy });
    execFileSync("tee", [`${dir}/hostplane.json`], {
      input: serializeMetadata(legacy),
      stdio: ["pipe", "ignore", "ignore"],
    });
    expect((await engine.list()).find((c) => c.name === name)?.privileged).toBe(true);

    await engine.start(name);
    const info = await engine.inspect(name);
    expect(info?.state).toBe("running");
    expect(readFileSync(`/proc/${info!.pid}/status`, "utf8")).toMatch(
      new RegExp(`^Uid:\\s+${NODE_IDMAP.hostBase}\\s`, "m"),
    );
    expect((await engine.list()).find((c) => c.name === name)?.privileged).toBeUndefined();
    expect((await engine.exec(name, ["cat", "/root/data.txt"])).stdout).toBe("kept\n");
    expect((await engine.exec(name, ["stat", "-c", "%u:%g", "/root/data.txt"])).stdout.trim()).toBe("1234:1234");
    expect((await engine.readMetadata(name))?.idmap).toEqual(NODE_IDMAP);
    await engine.destroy(name);
  });

  it("cleans up on destroy: image unmounted, loop device detached, directory gone", async () => {
    await engine.destroy(B1.name);
    await engine.destroy(B1.name); // idempotent
    const mounts = readFileSync("/proc/mounts", "utf8");
    expect(mounts).not.toContain(`${lxcPath}/${B1.name}/`);
    expect(execFileSync("losetup", ["-a"], { encoding: "utf8" })).not.toContain(`${lxcPath}/${B1.name}/`);
    expect(() => execFileSync("test", ["-e", `${lxcPath}/${B1.name}`])).toThrow();
  });
});
