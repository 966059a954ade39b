/**
 * Guards the rule "no code builds a shell command from a string": fails if any .ts/.tsx file
 * in app/, lib/, components/ or scripts/ hands a template string or a concatenation to
 * exec/execSync, to `sh -c`, or turns on the `shell` option of spawn/execFile.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = ["app", "lib", "components", "scripts"];
const SKIP_DIRS = new Set(["node_modules", ".next", "generated"]);
const SELF = path.relative(ROOT, __filename);

// The rule names and samples below are assembled from pieces so that this file itself does not
// contain the shapes it forbids (repository-wide greps look for them too).
const SHELL_OPTION = ["shell", "true"].join(": ");
const EXEC = ["ex", "ec"].join("");

const RULES: { name: string; pattern: RegExp }[] = [
  { name: SHELL_OPTION, pattern: /\bshell\s*:\s*(true|["'`][^"'`]*["'`])/ },
  { name: "template string given to exec/execSync", pattern: /\b(?:exec|execSync)\s*\(\s*`/ },
  { name: "concatenation given to exec/execSync", pattern: /\b(?:exec|execSync)\s*\(\s*(?:["'][^"'\n]*["']|\w+)\s*\+/ },
  {
    name: "template string given to a shell -c",
    pattern: /["'](?:\/bin\/)?(?:ba|da)?sh["']\s*,\s*(?:\[\s*)?["']-c["']\s*,\s*`/,
  },
  {
    name: "concatenation given to a shell -c",
    pattern: /["'](?:\/bin\/)?(?:ba|da)?sh["']\s*,\s*(?:\[\s*)?["']-c["']\s*,\s*(?:["'][^"'\n]*["']|\w+)\s*\+/,
  },
  {
    name: "template string given to spawn/execFile with a shell",
    pattern: /\b(?:spawn|spawnSync|execFile|execFileSync)\s*\(\s*`/,
  },
];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return SKIP_DIRS.has(entry) ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

export function findShellStrings(source: string): string[] {
  const text = source.replace(/\s+/g, " ");
  return RULES.filter((rule) => rule.pattern.test(text)).map((rule) => rule.name);
}

describe("no shell command strings", () => {
  it("detects the forbidden shapes", () => {
    expect(findShellStrings(`child_process.${EXEC}(\`rm -rf \${dir}\`)`)).toContain(
      "template string given to exec/execSync",
    );
    expect(findShellStrings('execSync("ls " + dir)')).toContain("concatenation given to exec/execSync");
    expect(findShellStrings(`spawn(cmd, args, { ${SHELL_OPTION} })`)).toEqual([SHELL_OPTION]);
    expect(findShellStrings('execFile("sh", ["-c", `echo ${x}`])')).toContain("template string given to a shell -c");
    expect(findShellStrings('spawnSync("bash", ["-c",\n "echo " + x])')).toContain("concatenation given to a shell -c");
    expect(findShellStrings('execFile("lxc-start", ["-n", name])')).toEqual([]);
    expect(findShellStrings("engine.exec(name, argv)")).toEqual([]);
  });

  it("finds none in app/, lib/, components/, scripts/", () => {
    const offenders: string[] = [];
    for (const dir of DIRS) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const relative = path.relative(ROOT, file);
        if (relative === SELF) continue;
        for (const rule of findShellStrings(readFileSync(file, "utf8"))) offenders.push(`${relative}: ${rule}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
