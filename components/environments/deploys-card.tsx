"use client";
import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import {
  deployGitAction,
  deployKeyAction,
  deployReleaseAction,
  setDeploySettingsAction,
} from "@/app/(dashboard)/environments/[id]/actions";
import { useToast } from "@/components/ui/toast";
import { Dialog } from "@/components/ui/dialog";
import { DEPLOY_UPLOAD_HEADER, type DeployLayerView, type ReleaseView } from "@/lib/validation/deploys";

const STATUS_STYLE: Record<ReleaseView["status"], string> = {
  PENDING: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  DEPLOYING: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  ACTIVE: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  FAILED: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  INACTIVE: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

const seconds = (ms: number | undefined) => (ms === undefined ? null : `${(ms / 1000).toFixed(1)} s`);

/** Streams the file as the request body (never read whole in the browser) and reports upload progress. */
function uploadArchive(
  url: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<{ ok: true; number: number } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader(DEPLOY_UPLOAD_HEADER, "1");
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { number?: number; error?: string; fieldErrors?: Record<string, string[]> } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // A proxy's HTML error page: the status says enough.
      }
      if (xhr.status === 202 && body.number) resolve({ ok: true, number: body.number });
      else
        resolve({
          ok: false,
          error: Object.values(body.fieldErrors ?? {})[0]?.[0] ?? body.error ?? `Upload failed (HTTP ${xhr.status}).`,
        });
    };
    xhr.onerror = () => resolve({ ok: false, error: "The upload was interrupted." });
    xhr.send(file);
  });
}

/** The Deploy dialog of one layer: an archive (uploaded with progress) or a Git ref. */
function DeployDialog({
  environmentId,
  layer,
  open,
  onClose,
}: {
  environmentId: string;
  layer: DeployLayerView;
  open: boolean;
  onClose: () => void;
}) {
  const [source, setSource] = useState<"archive" | "git">("archive");
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const toast = useToast();
  // A Git release's source reads "<url> <ref>": the form starts from the last one.
  const lastGit = layer.releases.find((r) => r.digest.startsWith("git:"))?.source;
  const [gitUrl, setGitUrl] = useState(lastGit ? lastGit.slice(0, lastGit.lastIndexOf(" ")) : "");
  const [gitRef, setGitRef] = useState(lastGit ? lastGit.slice(lastGit.lastIndexOf(" ") + 1) : "main");
  const [gitErrors, setGitErrors] = useState<Record<string, string[]>>({});

  const done = (message: string) => {
    toast.show(message, "success");
    setFile(null);
    if (fileRef.current) fileRef.current.value = "";
    onClose();
    router.refresh();
  };
  const deployArchive = async () => {
    if (!file) return;
    setError(null);
    setProgress(0);
    const url = `/api/environments/${encodeURIComponent(environmentId)}/layers/${encodeURIComponent(layer.id)}/deploy?file=${encodeURIComponent(file.name)}`;
    const result = await uploadArchive(url, file, setProgress);
    setProgress(null);
    if (result.ok) done(`Release ${result.number} of ${layer.name} is deploying.`);
    else setError(result.error);
  };
  const deployFromGit = () =>
    startTransition(async () => {
      setError(null);
      setGitErrors({});
      const result = await deployGitAction({ environmentId, layerId: layer.id, url: gitUrl, ref: gitRef });
      if (result.ok)
        done(`Release ${result.data.number} of ${layer.name} (${result.data.commit.slice(0, 10)}) is deploying.`);
      else {
        setGitErrors(result.fieldErrors ?? {});
        setError(result.error);
      }
    });
  const busy = pending || progress !== null;

  return (
    <Dialog open={open} onClose={onClose} title={`Deploy to ${layer.name}`} description={layer.recipe}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (source === "archive") void deployArchive();
          else deployFromGit();
        }}
      >
        <fieldset className="flex gap-4">
          <legend className="sr-only">Source</legend>
          {(["archive", "git"] as const).map((kind) => (
            <label key={kind} className="flex items-center gap-1">
              <input type="radio" name="source" checked={source === kind} onChange={() => setSource(kind)} />
              {kind === "archive" ? "From an archive (.tar.gz, .zip)" : "From a Git repository"}
            </label>
          ))}
        </fieldset>
        {source === "archive" ? (
          <label className="flex flex-col gap-1 text-xs">
            Archive for {layer.name}
            <input
              ref={fileRef}
              type="file"
              accept=".tar.gz,.tgz,.zip,application/gzip,application/zip"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="text-xs"
            />
          </label>
        ) : (
          <>
            <label className="flex flex-col gap-1 text-xs">
              Git repository
              <input
                value={gitUrl}
                onChange={(e) => setGitUrl(e.target.value)}
                placeholder="https://github.com/you/app.git or git@github.com:you/app.git"
                aria-invalid={Boolean(gitErrors.url)}
                className="rounded-md border border-slate-300 px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
              />
              {gitErrors.url && <span className="text-red-700 dark:text-red-400">{gitErrors.url[0]}</span>}
            </label>
            <label className="flex flex-col gap-1 text-xs">
              Branch, tag or commit
              <input
                value={gitRef}
                onChange={(e) => setGitRef(e.target.value)}
                aria-invalid={Boolean(gitErrors.ref)}
                className="w-48 rounded-md border border-slate-300 px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
              />
              {gitErrors.ref && <span className="text-red-700 dark:text-red-400">{gitErrors.ref[0]}</span>}
            </label>
            <DeployKey environmentId={environmentId} />
          </>
        )}
        {progress !== null && (
          <div className="flex items-center gap-2 text-xs" role="status">
            <progress max={1} value={progress} className="w-48" aria-label="Upload progress" />
            Uploading… {Math.round(progress * 100)} %
          </div>
        )}
        {pending && (
          <p className="text-xs" role="status">
            Fetching the repository…
          </p>
        )}
        {error && (
          <p role="alert" className="text-xs text-red-700 dark:text-red-400" data-testid={`deploy-error-${layer.name}`}>
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onClose}
            className="rounded-md border border-slate-300 px-3 py-1 text-xs dark:border-slate-700"
          >
            Cancel
          </button>
          <button
            type="submit"
            disabled={busy || (source === "archive" ? !file : !gitUrl.trim() || !gitRef.trim())}
            className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-50"
          >
            Deploy
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The layer's health-check path and batch size, used by its next deploy. */
function DeploySettings({ environmentId, layer }: { environmentId: string; layer: DeployLayerView }) {
  const [healthPath, setHealthPath] = useState(layer.healthPath);
  const [batch, setBatch] = useState(String(layer.batch));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const save = () =>
    startTransition(async () => {
      const result = await setDeploySettingsAction({
        environmentId,
        layerId: layer.id,
        healthPath,
        batch: Number(batch),
      });
      setErrors(result.ok ? {} : (result.fieldErrors ?? { healthPath: [result.error] }));
      if (result.ok) toast.show(`Deploy settings of ${layer.name} saved.`, "success");
    });
  const input =
    "rounded-md border border-slate-300 px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950";
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-slate-600 dark:text-slate-400">
        Health check {layer.healthPath} · {layer.batch} container{layer.batch === 1 ? "" : "s"} at a time
      </summary>
      <form
        className="mt-2 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <label className="flex flex-col gap-1">
          Health check path of {layer.name}
          <input
            value={healthPath}
            onChange={(e) => setHealthPath(e.target.value)}
            aria-invalid={Boolean(errors.healthPath)}
            className={`${input} w-48`}
          />
          {errors.healthPath && <span className="text-red-700 dark:text-red-400">{errors.healthPath[0]}</span>}
        </label>
        <label className="flex flex-col gap-1">
          Containers at a time
          <input
            value={batch}
            inputMode="numeric"
            onChange={(e) => setBatch(e.target.value)}
            aria-invalid={Boolean(errors.batch)}
            className={`${input} w-20`}
          />
          {errors.batch && <span className="text-red-700 dark:text-red-400">{errors.batch[0]}</span>}
        </label>
        <button
          type="submit"
          disabled={pending}
          className="rounded-md border border-slate-300 px-3 py-1 dark:border-slate-700"
        >
          Save
        </button>
      </form>
    </details>
  );
}

function LayerDeploys({ environmentId, layer }: { environmentId: string; layer: DeployLayerView }) {
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const redeploy = (release: ReleaseView) =>
    startTransition(async () => {
      const result = await deployReleaseAction({ environmentId, releaseId: release.id });
      toast.show(
        result.ok ? `Release ${release.number} of ${layer.name} is deploying.` : result.error,
        result.ok ? "success" : "error",
      );
    });
  const mixed = new Set(layer.containers.map((c) => c.release)).size > 1;

  return (
    <div className="flex flex-col gap-3" data-testid={`deploys-${layer.name}`}>
      <div className="flex flex-wrap items-baseline gap-2">
        <h3 className="font-medium">
          {layer.name} <span className="text-xs font-normal text-slate-500">({layer.stack})</span>
        </h3>
        <span className="text-xs text-slate-600 dark:text-slate-400" data-testid={`current-release-${layer.name}`}>
          {layer.currentRelease ? `serves release ${layer.currentRelease}` : "serves the stack's sample"}
        </span>
        <button
          type="button"
          onClick={() => setOpen(true)}
          className="ml-auto rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700"
        >
          Deploy to {layer.name}…
        </button>
      </div>
      <DeployDialog environmentId={environmentId} layer={layer} open={open} onClose={() => setOpen(false)} />
      <DeploySettings environmentId={environmentId} layer={layer} />
      {mixed && (
        <p role="status" className="text-xs text-amber-800 dark:text-amber-300" data-testid={`mixed-${layer.name}`}>
          The containers serve different releases while a deploy or rollback is under way:{" "}
          {layer.containers
            .map(
              (c) =>
                `${c.displayName} ${c.release ? `release ${c.release}` : "sample"}${c.draining ? " (out of rotation)" : ""}`,
            )
            .join(", ")}
          .
        </p>
      )}
      {layer.releases.length > 0 && (
        <ol className="flex flex-col gap-2" aria-label={`Releases of ${layer.name}`}>
          {layer.releases.map((r) => (
            <li key={r.id} className="rounded-md border border-slate-200 p-2 dark:border-slate-800">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">Release {r.number}</span>
                <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_STYLE[r.status]}`}>
                  {r.status.toLowerCase()}
                </span>
                <span className="font-mono text-xs">{r.source}</span>
                <span className="text-xs text-slate-500" title={r.digest}>
                  {r.digest.slice(0, 19)}
                </span>
                <span className="text-xs text-slate-500">
                  {r.by ?? "deleted user"} · {new Date(r.createdAt).toLocaleString()}
                </span>
                {[
                  ["build", seconds(r.phases.buildMs)],
                  ["switch", seconds(r.phases.switchMs)],
                  ["health", seconds(r.phases.verifyMs)],
                ]
                  .filter(([, v]) => v)
                  .map(([k, v]) => (
                    <span key={k} className="text-xs text-slate-500">
                      {k} {v}
                    </span>
                  ))}
                {r.kept && layer.currentRelease !== r.number && (
                  <button
                    type="button"
                    disabled={pending}
                    onClick={() => redeploy(r)}
                    className="text-xs text-brand-700 underline dark:text-brand-100"
                  >
                    {layer.currentRelease !== null && r.number < layer.currentRelease ? "Roll back to" : "Deploy"}{" "}
                    release {r.number}
                  </button>
                )}
              </div>
              {r.error && <p className="mt-1 text-xs text-red-700 dark:text-red-400">{r.error}</p>}
              {r.output && (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-400">
                    Build and deploy output
                  </summary>
                  <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-950 p-2 text-xs text-slate-100">
                    {r.output}
                  </pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The public half of the environment's deploy key, to paste into the Git host (read-only access). */
function DeployKey({ environmentId }: { environmentId: string }) {
  const [key, setKey] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const load = (regenerate: boolean) =>
    startTransition(async () => {
      const result = await deployKeyAction({ environmentId, regenerate });
      if (result.ok) setKey(result.data.publicKey);
      else toast.show(result.error, "error");
    });
  return (
    <details className="text-xs" onToggle={(e) => e.currentTarget.open && key === null && load(false)}>
      <summary className="cursor-pointer text-slate-600 dark:text-slate-400">
        Deploy key for private repositories (SSH)
      </summary>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        Add this public key as a read-only deploy key of the repository (GitHub: Settings → Deploy keys; GitLab:
        Settings → Repository → Deploy keys), then deploy with its SSH URL.
      </p>
      {key ? (
        <div className="mt-1 flex flex-col gap-1">
          <textarea
            readOnly
            value={key}
            aria-label="Deploy key (public)"
            rows={2}
            className="w-full rounded-md border border-slate-300 p-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
          />
          <div className="flex gap-2">
            <button
              type="button"
              onClick={() => navigator.clipboard?.writeText(key).then(() => toast.show("Copied.", "success"))}
              className="text-brand-700 underline dark:text-brand-100"
            >
              Copy
            </button>
            <button
              type="button"
              disabled={pending}
              onClick={() => load(true)}
              className="text-slate-600 underline dark:text-slate-400"
            >
              Replace the key
            </button>
          </div>
        </div>
      ) : (
        <p className="mt-1" role="status">
          {pending ? "Generating…" : ""}
        </p>
      )}
    </details>
  );
}

/** Deploy an archive or a Git ref to each application or static layer; its releases, what each container serves, rollback. */
export function DeploysCard({ environmentId, layers }: { environmentId: string; layers: DeployLayerView[] }) {
  if (layers.length === 0) return null;
  return (
    <section
      aria-label="Deploys"
      className="mb-4 flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="font-medium">Deploys</h2>
      {layers.map((layer) => (
        <LayerDeploys key={layer.id} environmentId={environmentId} layer={layer} />
      ))}
    </section>
  );
}
