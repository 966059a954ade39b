import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { destroyManagedContainers } from "./test-hosts";

describe("destroyManagedContainers", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes only hp-* entries of the lxcpath (not templates, not foreign containers)", () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "hp-cleanup-"));
    for (const name of ["hp-leftover1", "hp-leftover2", "hpt-nginx-0123", "foreign"]) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, "config"), "lxc.uts.name = x\n");
    }
    destroyManagedContainers(dir);
    expect(existsSync(path.join(dir, "hp-leftover1"))).toBe(false);
    expect(existsSync(path.join(dir, "hp-leftover2"))).toBe(false);
    expect(existsSync(path.join(dir, "hpt-nginx-0123"))).toBe(true);
    expect(existsSync(path.join(dir, "foreign"))).toBe(true);
  });

  it("accepts a missing path and refuses a relative one", () => {
    dir = path.join(os.tmpdir(), "hp-cleanup-missing");
    expect(() => destroyManagedContainers(dir)).not.toThrow();
    expect(() => destroyManagedContainers("lxc")).toThrow(/relative/);
  });
});
