import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSshd, type TestSshd } from "../../../../scripts/test/sshd";
import { HostKeyMismatchError } from "../../transport/errors";
import { scanHostKey } from "../../transport/host-key";
import { SshRunner } from "../../transport/ssh-runner";
import { EngineError } from "../errors";
import { LxcEngine } from "./engine";
import { cleanupTestNodes, pings, testNode } from "./test-hosts";

const node = testNode({ name: "engines-ssh", bridge: "hp-tc", octet: 252 });
const limits = { reservedCloudlets: 1, dynamicCloudlets: 2, diskGib: 1 };
let sshd: TestSshd;
let appDir: string;

const runners: SshRunner[] = [];

function runnerFor(server: TestSshd, hostKey = server.hostKey): SshRunner {
  return track(
    new SshRunner({
      host: server.host,
      port: server.port,
      user: server.user,
      privateKey: server.privateKey,
      hostKey,
      knownHostsFile: path.join(appDir, "known_hosts", node.name),
    }),
  );
}

function track(runner: SshRunner): SshRunner {
  runners.push(runner);
  return runner;
}

beforeAll(async () => {
  cleanupTestNodes([node]);
  appDir = mkdtempSync(path.join(tmpdir(), "hp-app-"));
  sshd = await startSshd();
});

afterAll(async () => {
  cleanupTestNodes([node]);
  for (const runner of runners) await runner.close();
  await sshd?.stop();
  rmSync(appDir, { recursive: true, force: true });
});

describe("lxc engine over SshRunner to a real sshd on 127.0.0.1", () => {
  it("scans the host key an admin confirms at enrolment", async () => {
    const scanned = await scanHostKey({ host: sshd.host, port: sshd.port });
    expect(scanned.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(scanned.key).toBe(sshd.hostKey.key);
  });

  it("creates, starts, execs in and destroys a container remotely", async () => {
    const engine = new LxcEngine(node, runnerFor(sshd));
    expect((await engine.probe()).engine).toBe("lxc");
    const spec = {
      name: "hp-ssh1",
      ip: "10.213.252.10",
      hostname: "over-ssh",
      template: { kind: "busybox" as const },
      limits,
      env: { QUOTED: "it's $(not) `run`" },
    };
    await engine.create(spec);
    await engine.create(spec);
    await engine.start("hp-ssh1");
    await engine.start("hp-ssh1");
    expect((await engine.exec("hp-ssh1", ["hostname"])).stdout.trim()).toBe("over-ssh");
    expect((await engine.exec("hp-ssh1", ["sh", "-c", 'printf %s "$QUOTED"'])).stdout).toBe("it's $(not) `run`");
    expect((await engine.exec("hp-ssh1", ["printf", "%s|", "a b", "-n", "$HOME", "'"])).stdout).toBe("a b|-n|$HOME|'|");
    expect(pings("10.213.252.10")).toBe(true);
    await engine.setLimits("hp-ssh1", { ...limits, dynamicCloudlets: 3 });
    expect((await engine.list())[0]).toMatchObject({
      name: "hp-ssh1",
      state: "running",
      limits: { dynamicCloudlets: 3 },
    });
    await engine.destroy("hp-ssh1");
    await engine.destroy("hp-ssh1");
    expect(await engine.list()).toEqual([]);
  });

  it("refuses a changed host key", async () => {
    const confirmed = sshd.hostKey;
    const port = sshd.port;
    const privateKey = sshd.privateKey;
    await sshd.stop();
    // Same address and client key, new host key: a reinstalled node or a man in the middle.
    sshd = await startSshd({ port, privateKey });
    expect(sshd.hostKeyFingerprint).not.toBe(
      new SshRunner({ host: "127.0.0.1", port, privateKey, hostKey: confirmed, knownHostsFile: path.join(appDir, "x") })
        .hostKeyFingerprint,
    );
    const runner = runnerFor(sshd, confirmed);
    await expect(runner.run(["true"], { timeoutMs: 15_000 })).rejects.toBeInstanceOf(HostKeyMismatchError);
    const error = await new LxcEngine(node, runner).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).reason).toBe("host_key");
    expect((error as EngineError).transient).toBe(false);
    expect((error as EngineError).message).not.toContain("PRIVATE KEY");
    // With the newly confirmed key the same node is reachable again.
    expect((await runnerFor(sshd).run(["true"], { timeoutMs: 15_000 })).code).toBe(0);
  });
});
