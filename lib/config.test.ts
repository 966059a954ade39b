import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readVariable, VARIABLES, type VariableName } from "./config";

const root = path.resolve(__dirname, "..");
const names = Object.keys(VARIABLES) as VariableName[];

/** The rows of the README's "## Configuration" section: the backticked names in each table row's first cell. */
function documentedNames(): Set<string> {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
  );
  const found = new Set<string>();
  for (const line of section.split("\n")) {
    const firstCell = line.startsWith("| `") ? line.split("|")[1] : "";
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) found.add(match[1]);
  }
  return found;
}

function sourceFiles(): string[] {
  const out: string[] = [];
  for (const dir of ["app", "components", "lib", "scripts", "e2e"]) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })) {
      if (/\.(ts|tsx|mjs)$/.test(entry) && !entry.includes("generated")) out.push(path.join(dir, entry));
    }
  }
  for (const entry of readdirSync(root)) if (/\.(ts|mjs)$/.test(entry)) out.push(entry);
  return out;
}

describe("configuration declaration", () => {
  it("documents every declared variable in the README's configuration tables, and nothing undeclared", () => {
    const documented = documentedNames();
    expect(names.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !(name in VARIABLES))).toEqual([]);
  });

  it("is the only place that reads a declared variable (writes for child processes and tests are fine)", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      // The sample app is tenant code that runs inside a container; its PORT is the container's, not the panel's.
      if (file === "lib/config.ts" || file.endsWith(".test.ts") || file.startsWith("lib/stacks/sample-app/")) continue;
      const text = readFileSync(path.join(root, file), "utf8");
      for (const name of names) {
        // A read: process.env.NAME not followed by an assignment (`=` or `??=`, which sets a default first).
        const read = new RegExp(`process\\.env\\.${name}\\b(?!\\s*(\\?\\?)?=[^=])`);
        if (!read.test(text)) continue;
        if (file.endsWith(".mjs") && VARIABLES[name].mjs) continue;
        offenders.push(`${file}: ${name}`);
      }
      if (/process\.env\[/.test(text)) offenders.push(`${file}: process.env[…]`);
    }
    expect(offenders).toEqual([]);
  });

  it("declares every HOSTPLANE_* variable the code reads from the environment", () => {
    const undeclared = new Set<string>();
    for (const file of sourceFiles()) {
      const text = readFileSync(path.join(root, file), "utf8");
      for (const match of text.matchAll(/process\.env\.(HOSTPLANE_[A-Z0-9_]+)/g))
        if (!(match[1] in VARIABLES)) undeclared.add(`${file}: ${match[1]}`);
    }
    expect([...undeclared]).toEqual([]);
  });
});

describe("readVariable", () => {
  it("applies defaults and treats an empty value as unset", () => {
    expect(readVariable("HOSTPLANE_WORKER_CONCURRENCY", {})).toBe(3);
    expect(readVariable("HOSTPLANE_WORKER_CONCURRENCY", { HOSTPLANE_WORKER_CONCURRENCY: "" })).toBe(3);
    expect(readVariable("HOSTPLANE_LOCAL_BRIDGE", {})).toBe("hp-br0");
    expect(readVariable("DATABASE_URL", {})).toBeUndefined();
    expect(readVariable("HOSTPLANE_SIGNUP", {})).toBeUndefined();
  });

  it("parses numbers and switches", () => {
    expect(readVariable("HOSTPLANE_WORKER_CONCURRENCY", { HOSTPLANE_WORKER_CONCURRENCY: "8" })).toBe(8);
    expect(readVariable("HOSTPLANE_ORPHAN_GRACE_MS", { HOSTPLANE_ORPHAN_GRACE_MS: "0" })).toBe(0);
    for (const off of ["off", "0", "false", "NO"])
      expect(readVariable("HOSTPLANE_WORKER", { HOSTPLANE_WORKER: off })).toBe(false);
    for (const on of ["on", "1", "true", "Yes"])
      expect(readVariable("HOSTPLANE_LOCAL_NODE", { HOSTPLANE_LOCAL_NODE: on })).toBe(true);
    expect(readVariable("HOSTPLANE_SIGNUP", { HOSTPLANE_SIGNUP: "off" })).toBe(false);
  });

  it("refuses a malformed value with the variable's name instead of running with NaN", () => {
    expect(() => readVariable("HOSTPLANE_WORKER_CONCURRENCY", { HOSTPLANE_WORKER_CONCURRENCY: "three" })).toThrow(
      /HOSTPLANE_WORKER_CONCURRENCY="three" is invalid/,
    );
    expect(() => readVariable("HOSTPLANE_DB_POOL", { HOSTPLANE_DB_POOL: "0" })).toThrow(/HOSTPLANE_DB_POOL/);
    expect(() => readVariable("HOSTPLANE_WORKER", { HOSTPLANE_WORKER: "maybe" })).toThrow(/expected one of/);
  });

  it("declares each variable with a description and a scope", () => {
    for (const name of names) {
      expect(VARIABLES[name].description.length, name).toBeGreaterThan(10);
      expect(["panel", "test"]).toContain(VARIABLES[name].scope);
    }
  });
});
