import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SshRunner } from "./ssh-runner";
import { HostKeyMismatchError, SshConnectionError } from "./errors";

const dir = mkdtempSync(path.join(tmpdir(), "hp-fake-ssh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `ssh` that reports its argv and what it saw of the key file, or fails like ssh does. */
function fakeSsh(mode: "report" | "hostkey" | "refused" | "remote255"): string {
  const script = path.join(dir, `ssh-${mode}.cjs`);
  writeFileSync(
    script,
    `const fs = require("fs");
const argv = process.argv.slice(2);
const mode = ${JSON.stringify(mode)};
if (mode === "hostkey") { process.stderr.write("@@@@@@@@@@@\\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\\nHost key verification failed.\\n"); process.exit(255); }
if (mode === "refused") { process.stderr.write("ssh: connect to host 127.0.0.1 port 1: Connection refused\\n"); process.exit(255); }
if (mode === "remote255") { process.stderr.write("Failed to start the CT: Connection refused by something remote\\n"); process.exit(255); }
const keyFile = argv[argv.indexOf("-i") + 1];
const st = fs.statSync(keyFile);
process.stdout.write(JSON.stringify({ argv, mode: (st.mode & 0o777).toString(8), key: fs.readFileSync(keyFile, "utf8") }));
`,
  );
  const wrapper = path.join(dir, `ssh-${mode}`);
  writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

const base = {
  host: "127.0.0.1",
  port: 2222,
  privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----",
  hostKey: { type: "ssh-ed25519", key: "AAAAC3NzaC1lZDI1NTE5AAAAIDm" },
};

describe("SshRunner", () => {
  it("pins the host key, quotes every argument once and uses a 0600 key file that is removed", async () => {
    const knownHostsFile = path.join(dir, "known_hosts");
    const runner = new SshRunner({ ...base, knownHostsFile, sshBinary: fakeSsh("report") });
    const result = await runner.run(["echo", "it's $(id)", "-x"], { timeoutMs: 10_000 });
    const report = JSON.parse(result.stdout) as { argv: string[]; mode: string; key: string };
    expect(report.mode).toBe("600");
    expect(report.key).toContain("secret");
    expect(report.argv).toContain("StrictHostKeyChecking=yes");
    expect(report.argv).toContain("BatchMode=yes");
    expect(report.argv).toContain(`UserKnownHostsFile=${knownHostsFile}`);
    expect(report.argv.at(-2)).toBe("127.0.0.1");
    expect(report.argv.at(-1)).toBe(`'echo' 'it'\\''s $(id)' '-x'`);
    expect(report.argv.join(" ")).not.toContain("secret");
    expect(readFileSync(knownHostsFile, "utf8")).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${base.hostKey.key}\n`);
    const keyFile = report.argv[report.argv.indexOf("-i") + 1]!;
    expect(() => readFileSync(keyFile)).toThrow();
  });

  it("refuses hosts and users that look like options", () => {
    expect(() => new SshRunner({ ...base, host: "-oProxyCommand=x", knownHostsFile: path.join(dir, "kh") })).toThrow();
    expect(() => new SshRunner({ ...base, user: "-l", knownHostsFile: path.join(dir, "kh") })).toThrow();
  });

  it("types host key mismatches and connection failures, but not a remote command's exit 255", async () => {
    const knownHostsFile = path.join(dir, "kh2");
    await expect(
      new SshRunner({ ...base, knownHostsFile, sshBinary: fakeSsh("hostkey") }).run(["true"], { timeoutMs: 10_000 }),
    ).rejects.toBeInstanceOf(HostKeyMismatchError);
    const refused = new SshRunner({ ...base, knownHostsFile, sshBinary: fakeSsh("refused") }).run(["true"], {
      timeoutMs: 10_000,
    });
    await expect(refused).rejects.toBeInstanceOf(SshConnectionError);
    await expect(refused).rejects.toMatchObject({ transient: true });
    const remote = await new SshRunner({ ...base, knownHostsFile, sshBinary: fakeSsh("remote255") }).run(["prlctl"], {
      timeoutMs: 10_000,
    });
    expect(remote.code).toBe(255);
  });
});
