import { describe, expect, it } from "vitest";
import { ZDeployGit, ZDeploySettings, ZDeployUpload } from "./deploys";

const ids = { environmentId: "env1", layerId: "layer1" };

describe("deploy inputs", () => {
  it("takes a health path starting with / and 1 to 10 containers at a time", () => {
    expect(ZDeploySettings.parse({ ...ids, healthPath: "/health?full=1", batch: "2" })).toMatchObject({
      healthPath: "/health?full=1",
      batch: 2,
    });
    for (const [healthPath, batch] of [
      ["health", 1],
      ["/with space", 1],
      ["/", 0],
      ["/", 11],
      ["/", 1.5],
      [`/${"a".repeat(200)}`, 1],
    ] as const)
      expect(ZDeploySettings.safeParse({ ...ids, healthPath, batch }).success, `${healthPath} ${batch}`).toBe(false);
  });

  it("takes archives by their extension and Git sources within their length limits", () => {
    expect(ZDeployUpload.safeParse({ ...ids, fileName: "app.tar.gz" }).success).toBe(true);
    expect(ZDeployUpload.safeParse({ ...ids, fileName: "app.rar" }).success).toBe(false);
    expect(ZDeployGit.safeParse({ ...ids, url: "https://git.example/a.git", ref: "main" }).success).toBe(true);
    expect(ZDeployGit.safeParse({ ...ids, url: "", ref: "main" }).success).toBe(false);
    expect(ZDeployGit.safeParse({ ...ids, url: "https://git.example/a.git", ref: "x".repeat(256) }).success).toBe(
      false,
    );
  });
});
