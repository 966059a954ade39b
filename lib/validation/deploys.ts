import { z } from "zod";

const id = z.string().trim().min(1, "Required.").max(64);

/** An archive upload's parameters (the body is the archive itself). */
export const ZDeployUpload = z.object({
  environmentId: id,
  layerId: id,
  fileName: z
    .string()
    .trim()
    .min(1, "Name the archive file.")
    .max(255, "The file name is too long.")
    .regex(/\.(tar\.gz|tgz|zip)$/i, "Upload a .tar.gz, .tgz or .zip archive."),
});
export type DeployUploadInput = z.infer<typeof ZDeployUpload>;

/** Deploy a kept release again (a rollback, or forward again). */
export const ZDeployRelease = z.object({ environmentId: id, releaseId: id });
export type DeployReleaseInput = z.infer<typeof ZDeployRelease>;

/** The header an upload must carry: a cross-site form or fetch cannot send it without a preflight. */
export const DEPLOY_UPLOAD_HEADER = "x-hostplane-upload";

// What the environment page's Deploys card shows (built by lib/services/deploys listDeploys).
export type ReleaseView = {
  id: string;
  number: number;
  status: "PENDING" | "DEPLOYING" | "ACTIVE" | "FAILED" | "INACTIVE";
  source: string;
  digest: string;
  by: string | null;
  createdAt: string;
  finishedAt: string | null;
  phases: Record<string, number>;
  error: string | null;
  output: string | null;
  /** Kept on the containers and on disk: can be deployed again in one click. */
  kept: boolean;
};

export type DeployLayerView = {
  id: string;
  name: string;
  stack: string;
  /** What the stack's recipe does with a source tree. */
  recipe: string;
  healthPath: string;
  /** Containers switched at once. */
  batch: number;
  currentRelease: number | null;
  /** Each container and the release it serves ("sample" before the first deploy). */
  containers: { displayName: string; release: number | null; draining: boolean }[];
  releases: ReleaseView[];
};

/** A Git deploy: a repository URL and a branch, tag or commit (checked again by lib/deploy/git). */
export const ZDeployGit = z.object({
  environmentId: id,
  layerId: id,
  url: z.string().trim().min(1, "Enter the repository's URL.").max(2048, "The URL is too long."),
  ref: z.string().trim().min(1, "Name a branch, tag or commit.").max(255, "The ref is too long."),
});
export type DeployGitInput = z.infer<typeof ZDeployGit>;

/** Show the environment's deploy key (generated on first request), or replace it. */
export const ZDeployKey = z.object({ environmentId: id, regenerate: z.boolean().default(false) });

/** A layer's rolling-deploy settings: the path a switched container must answer, and how many switch at once. */
export const ZDeploySettings = z.object({
  environmentId: id,
  layerId: id,
  healthPath: z
    .string()
    .trim()
    .max(200, "At most 200 characters.")
    .regex(/^\/[\x21-\x7e]*$/, "A path starting with / (no spaces), for example /health."),
  batch: z.coerce
    .number()
    .int("A whole number.")
    .min(1, "At least one container at a time.")
    .max(10, "At most 10 containers at a time."),
});
export type DeploySettingsInput = z.infer<typeof ZDeploySettings>;
