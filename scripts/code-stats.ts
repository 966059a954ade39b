/**
 * Code-health figures for the closing notes of a session: `npx tsx scripts/code-stats.ts [--json] [--top N]`.
 *
 * - total lines of the server actions (app/** /actions.ts),
 * - the longest functions (declarations, methods, arrow functions and function expressions, including React
 *   components) over lib/, app/ and components/ (test files excluded: their `describe` callbacks are not
 *   functions a reader has to follow), measured in source lines with the TypeScript compiler API, and the
 *   size of the functions named with `--fn name` (repeatable),
 * - the count of lines longer than 120 characters over the source tree (app, components, lib, scripts, e2e; the
 *   generated Prisma client excluded).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(__dirname, "..");
const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mjs", ".js", ".css"];
const EXCLUDED = new Set(["node_modules", ".next", "generated", ".data", "test-results", "playwright-report"]);

function walk(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (EXCLUDED.has(entry)) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (SOURCE_EXTENSIONS.some((ext) => entry.endsWith(ext))) out.push(full);
  }
  return out;
}

const rel = (file: string) => path.relative(root, file);
const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

function actionLines(): { files: number; lines: number } {
  const files = walk(path.join(root, "app")).filter((file) => path.basename(file) === "actions.ts");
  return { files: files.length, lines: files.reduce((sum, file) => sum + lineCount(readFileSync(file, "utf8")), 0) };
}

type FunctionSize = { name: string; file: string; lines: number; line: number };

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) return node.name.getText();
  if ((ts.isFunctionExpression(node) || ts.isArrowFunction(node)) && node.parent) {
    const parent = node.parent;
    if (ts.isFunctionExpression(node) && node.name) return node.name.getText();
    if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
      return parent.name.getText();
    }
    if (ts.isCallExpression(parent)) {
      // e.g. `export const x = cache(async () => …)` or `items.map((item) => …)`
      const outer = parent.parent;
      const callee = parent.expression.getText();
      if (outer && ts.isVariableDeclaration(outer)) return `${outer.name.getText()} (${callee})`;
      return `<callback of ${callee.length > 40 ? callee.slice(0, 40) + "…" : callee}>`;
    }
  }
  return "<anonymous>";
}

function longestFunctions(): FunctionSize[] {
  const files = ["lib", "app", "components"]
    .flatMap((dir) => walk(path.join(root, dir)))
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
  const sizes: FunctionSize[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? 4 : 3);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        sizes.push({ name: functionName(node), file: rel(file), lines: end - start + 1, line: start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sizes.sort((a, b) => b.lines - a.lines);
}

function longLines(limit = 120): { count: number; longest: number; file: string } {
  const files = ["app", "components", "lib", "scripts", "e2e"].flatMap((dir) => walk(path.join(root, dir)));
  for (const file of readdirSync(root)) {
    if (SOURCE_EXTENSIONS.some((ext) => file.endsWith(ext))) files.push(path.join(root, file));
  }
  let count = 0;
  let longest = 0;
  let longestFile = "";
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.length > limit) count += 1;
      if (line.length > longest) {
        longest = line.length;
        longestFile = rel(file);
      }
    }
  }
  return { count, longest, file: longestFile };
}

const args = process.argv.slice(2);
const topIndex = args.indexOf("--top");
const top = topIndex >= 0 ? Number(args[topIndex + 1]) || 10 : 10;
const watched = args.flatMap((arg, index) => (arg === "--fn" && args[index + 1] ? [args[index + 1]] : []));
const functions = longestFunctions();
const report = {
  actions: actionLines(),
  longestFunctions: functions.slice(0, top),
  watched: watched.map((name) => functions.find((fn) => fn.name === name) ?? { name, file: "", lines: 0, line: 0 }),
  linesOver120: longLines(),
};

if (args.includes("--json")) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`actions: ${report.actions.lines} lines in ${report.actions.files} app/**/actions.ts files`);
  console.log(
    `lines over 120 chars: ${report.linesOver120.count} (longest ${report.linesOver120.longest}, ${report.linesOver120.file})`,
  );
  console.log(`longest functions (lib, app, components):`);
  const show = (fn: FunctionSize) =>
    console.log(`  ${String(fn.lines).padStart(4)}  ${fn.name}  ${fn.file}:${fn.line}`);
  report.longestFunctions.forEach(show);
  if (report.watched.length > 0) {
    console.log("watched functions:");
    report.watched.forEach(show);
  }
}
