import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STACKS } from "./catalog";
import {
  INIT_SCRIPT,
  RECIPE_STACK_IDS,
  STATIC_ROOT_SCRIPT,
  getRecipe,
  recipeHash,
  renderBalancerConfig,
  renderStackScript,
  requireRecipe,
  stackTemplateName,
  templateFiles,
} from "./recipes";

describe("stack recipes", () => {
  it("cover exactly the catalog's Debian-template stacks, with the catalog's health port", () => {
    const debian = STACKS.filter((stack) => stack.debianTemplate);
    expect(new Set(RECIPE_STACK_IDS)).toEqual(new Set(debian.map((stack) => stack.id)));
    for (const stack of debian) expect(getRecipe(stack.id)?.healthPort).toBe(stack.ports[0]);
    expect(getRecipe("busybox")).toBeNull();
    expect(() => requireRecipe("busybox")).toThrow(/no Debian template recipe/);
  });

  it("hash deterministically and differently per stack; names are template (hpt-) names", () => {
    const hashes = RECIPE_STACK_IDS.map((id) => recipeHash(id));
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const id of RECIPE_STACK_IDS) {
      expect(recipeHash(id)).toMatch(/^[0-9a-f]{64}$/);
      expect(recipeHash(id)).toBe(recipeHash(id));
      expect(stackTemplateName(id)).toBe(`hpt-${id}-${recipeHash(id).slice(0, 8)}`);
      expect(stackTemplateName(id)).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
      expect(stackTemplateName(id).startsWith("hp-")).toBe(false);
    }
  });

  it("render a stack script that quotes every argument of the service", () => {
    const script = renderStackScript(requireRecipe("nginx"));
    expect(script).toContain("HP_STOP_SIGNAL=TERM");
    expect(script).toContain("exec 'nginx' '-g' 'daemon off;'");
    const node = renderStackScript(requireRecipe("nodejs"));
    expect(node).toContain(
      "exec 'setpriv' '--reuid=nobody' '--regid=nogroup' '--init-groups' '--' '/usr/local/bin/hostplane-start'",
    );
    expect(renderStackScript(requireRecipe("postgresql"))).toContain("HP_STOP_SIGNAL=INT");
  });

  it("ship init, stack script and recipe files in every template", () => {
    for (const id of RECIPE_STACK_IDS) {
      const paths = templateFiles(requireRecipe(id)).map((file) => file.path);
      expect(paths.slice(0, 2)).toEqual(["/sbin/hostplane-init", "/etc/hostplane/stack.sh"]);
    }
    expect(INIT_SCRIPT).toMatch(/^#!\/bin\/sh\n/);
    expect(INIT_SCRIPT).toContain("TERM INT PWR");
  });

  it("render the balancer: round robin over upstreams, 503 without any", () => {
    const empty = renderBalancerConfig([]);
    expect(empty).toContain("return 503");
    expect(empty).not.toContain("upstream ");
    const two = renderBalancerConfig([
      { ip: "10.213.5.11", port: 8080 },
      { ip: "10.213.5.12", port: 8080 },
    ]);
    expect(two).toContain("server 10.213.5.11:8080");
    expect(two).toContain("server 10.213.5.12:8080");
    expect(two).toContain("zone hostplane_app");
    expect(two).toContain("proxy_pass http://hostplane_app;");
    expect(() => renderBalancerConfig([{ ip: "10.0.0.1; evil", port: 80 }])).toThrow(/invalid upstream address/);
    expect(() => renderBalancerConfig([{ ip: "10.0.0.1", port: 70000 }])).toThrow(/invalid upstream port/);
  });

  it("serves a static release's root, or the built site under dist/ (and friends) when the root has no index.html", () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "hp-static-root-"));
    try {
      const run = (dir: string) =>
        execFileSync("sh", ["-c", STATIC_ROOT_SCRIPT, "sh", dir], { encoding: "utf8" }).trim();
      const built = path.join(tmp, "built");
      mkdirSync(path.join(built, "dist"), { recursive: true });
      writeFileSync(path.join(built, "package.json"), "{}");
      writeFileSync(path.join(built, "dist", "index.html"), "built");
      expect(run(built)).toBe("serving dist/ (a built site)");
      expect(readFileSync(path.join(built, "index.html"), "utf8")).toBe("built");
      expect(existsSync(path.join(built, "package.json"))).toBe(false);
      expect(existsSync(`${built}.src`)).toBe(false);

      const plain = path.join(tmp, "plain");
      mkdirSync(path.join(plain, "dist"), { recursive: true });
      writeFileSync(path.join(plain, "index.html"), "root");
      writeFileSync(path.join(plain, "dist", "index.html"), "other");
      expect(run(plain)).toBe("serving the archive's root");
      expect(readFileSync(path.join(plain, "index.html"), "utf8")).toBe("root");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
