"use client";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import {
  checkNameAction,
  createEnvironmentAction,
  previewPlacementAction,
  type PlacementPreview,
} from "@/app/(dashboard)/environments/new/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { useToast } from "@/components/ui/toast";
import { STACKS } from "@/lib/stacks/catalog";
import { ROLE_LABELS } from "../format";
import {
  nameProblem,
  nextLayerName,
  summarizeTopology,
  type QuotaView,
  type UsageView,
  type WizardLayer,
} from "../wizard-math";
import { LayerEditor } from "./layer-editor";
import { PlacementPreviewView } from "./placement-preview";
import { TopologySummaryView } from "./topology-summary";

type Region = { id: string; name: string; active: boolean; isDefault: boolean; nodes: number };

// Roles offered by "Add layer", each with its usual stack; any layer may switch to any stack.
const ROLE_DEFAULT_STACK: [string, string][] = [
  ["BALANCER", "nginx"],
  ["APP", "nodejs"],
  ["CACHE", "redis"],
  ["SQL", "postgresql"],
  ["NOSQL", "redis"],
  ["STATIC", "static"],
  ["CUSTOM", "busybox"],
];

let keySeq = 0;
function newLayer(role: string, stackId: string, taken: string[]): WizardLayer {
  const s = STACKS.find((x) => x.id === stackId)!;
  return {
    key: `l${++keySeq}`,
    name: nextLayerName(role, taken),
    role,
    stack: s.id,
    count: 1,
    reservedCloudlets: s.defaultCloudlets.reserved,
    dynamicCloudlets: s.defaultCloudlets.dynamic,
    diskGib: s.defaultDiskGib,
    ha: false,
  };
}

const toInput = (name: string, regionId: string, layers: WizardLayer[]) => ({
  name,
  regionId,
  layers: layers.map((l) => ({
    name: l.name,
    role: l.role,
    stack: l.stack,
    count: l.count,
    reservedCloudlets: l.reservedCloudlets,
    dynamicCloudlets: l.dynamicCloudlets,
    diskGib: l.diskGib,
    ha: l.ha,
  })),
});

export function TopologyWizard({
  regions,
  quota,
  usage,
}: {
  regions: Region[];
  quota: QuotaView | null;
  usage: UsageView;
}) {
  const router = useRouter();
  const toast = useToast();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [name, setName] = useState("");
  const [regionId, setRegionId] = useState(regions.find((r) => r.active)?.id ?? "");
  const [layers, setLayers] = useState<WizardLayer[]>([]);
  const [submitError, setSubmitError] = useState<SubmitError | null>(null);
  const [submitting, startSubmit] = useTransition();

  const summary = useMemo(() => summarizeTopology(layers, quota, usage), [layers, quota, usage]);
  const { nameMessage, available } = useNameCheck(name);
  const { preview, previewPending } = usePlacementPreview({ idempotencyKey, name, regionId, layers });

  const serverFieldError = (f: string) => submitError?.fieldErrors?.[f];
  const blockers = [
    !name ? "Name the environment." : nameMessage,
    !regionId ? "Pick a region." : null,
    layers.length === 0 ? "Add at least one layer." : null,
    ...summary.problems,
    preview.data && !preview.data.ok ? "The placement preview shows the containers cannot be placed." : null,
  ].filter((x): x is string => Boolean(x));

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitError(null);
    startSubmit(async () => {
      const r = await createEnvironmentAction({ idempotencyKey, ...toInput(name, regionId, layers) });
      if (!r.ok) {
        setSubmitError({ message: r.error, fieldErrors: r.fieldErrors });
        toast.show(r.error, "error");
        return;
      }
      toast.show(`Create ${name}: requested.`, "info");
      router.push(`/environments/${r.data.environmentId}`);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <div className="flex min-w-0 flex-col gap-6">
        <div className="grid gap-4 sm:grid-cols-2">
          <NameField
            name={name}
            onChange={setName}
            problem={nameMessage}
            serverError={serverFieldError("name")}
            available={available}
          />
          <RegionField regions={regions} regionId={regionId} onChange={setRegionId} />
        </div>
        <LayersSection layers={layers} setLayers={setLayers} errors={serverFieldError} />
      </div>

      <aside className="flex flex-col gap-4 lg:sticky lg:top-4 lg:self-start">
        <TopologySummaryView summary={summary} quota={quota} />
        <PlacementPreviewView
          preview={layers.length ? preview.data : null}
          pending={previewPending}
          error={layers.length ? preview.error : null}
        />
        <FormMessage error={submitError?.message} />
        {blockers.length > 0 && (
          <p className="text-xs text-slate-500" id="create-blockers">
            Before creating: {blockers[0]}
          </p>
        )}
        <Button
          type="submit"
          pending={submitting}
          disabled={blockers.length > 0}
          aria-describedby={blockers.length ? "create-blockers" : undefined}
        >
          {submitting ? "Creating…" : "Create environment"}
        </Button>
      </aside>
    </form>
  );
}

type SubmitError = { message: string; fieldErrors?: Record<string, string[]> };

/**
 * The name's problem, if any: the local DNS-label rules at once, then availability from the server
 * (debounced). The server applies the same rules again on submit.
 */
function useNameCheck(name: string): { nameMessage: string | null; available: boolean } {
  const [nameCheck, setNameCheck] = useState<{ name: string; message: string | null; available: boolean } | null>(null);
  const localNameProblem = name ? nameProblem(name) : null;
  useEffect(() => {
    if (!name || localNameProblem) return;
    const t = setTimeout(async () => {
      const r = await checkNameAction(name);
      if (r.ok) setNameCheck({ name, ...r.data });
    }, 300);
    return () => clearTimeout(t);
  }, [name, localNameProblem]);
  const checked = nameCheck?.name === name ? nameCheck : null;
  return {
    nameMessage: localNameProblem ?? (checked && !checked.available ? checked.message : null),
    available: Boolean(name && checked?.available),
  };
}

/** The scheduler's placement of the current topology, debounced; stale answers are dropped. */
function usePlacementPreview(o: { idempotencyKey: string; name: string; regionId: string; layers: WizardLayer[] }) {
  const { idempotencyKey, name, regionId, layers } = o;
  const [preview, setPreview] = useState<{ data: PlacementPreview | null; error: string | null }>({
    data: null,
    error: null,
  });
  const [previewPending, setPreviewPending] = useState(false);
  const previewSeq = useRef(0);
  useEffect(() => {
    if (!regionId || layers.length === 0) return;
    const seq = ++previewSeq.current;
    const t = setTimeout(async () => {
      setPreviewPending(true);
      const r = await previewPlacementAction({
        idempotencyKey,
        ...toInput(name && !nameProblem(name) ? name : "preview", regionId, layers),
      });
      if (seq !== previewSeq.current) return;
      setPreviewPending(false);
      setPreview(
        r.ok
          ? { data: r.data, error: null }
          : { data: null, error: r.error + (r.fieldErrors ? ` ${Object.values(r.fieldErrors).flat().join(" ")}` : "") },
      );
    }, 400);
    return () => clearTimeout(t);
    // The name does not change placement; leaving it out avoids a preview per keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [regionId, layers]);
  return { preview, previewPending };
}

function NameField(o: {
  name: string;
  onChange: (name: string) => void;
  problem: string | null;
  serverError: string[] | undefined;
  available: boolean;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor="env-name" className="text-sm font-medium text-slate-700 dark:text-slate-300">
        Environment name
      </label>
      <input
        id="env-name"
        value={o.name}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => o.onChange(e.target.value.toLowerCase())}
        aria-invalid={o.problem || o.serverError ? true : undefined}
        aria-describedby="env-name-hint"
        className="rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        placeholder="e.g. shop-prod"
      />
      <p
        id="env-name-hint"
        aria-live="polite"
        className={`text-xs ${o.problem || o.serverError ? "text-red-600 dark:text-red-400" : "text-slate-500"}`}
      >
        {o.problem ??
          o.serverError?.join(" ") ??
          (o.available ? "✓ Available." : "Lower-case letters, digits and hyphens (a DNS label).")}
      </p>
    </div>
  );
}

function RegionField(o: { regions: Region[]; regionId: string; onChange: (regionId: string) => void }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor="env-region" className="text-sm font-medium text-slate-700 dark:text-slate-300">
        Region
      </label>
      <select
        id="env-region"
        value={o.regionId}
        onChange={(e) => o.onChange(e.target.value)}
        className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        {o.regions.length === 0 && <option value="">No region available</option>}
        {o.regions.map((r) => (
          <option key={r.id} value={r.id} disabled={!r.active}>
            {r.name} ({r.nodes} {r.nodes === 1 ? "node" : "nodes"}
            {r.active ? "" : ", maintenance"})
          </option>
        ))}
      </select>
    </div>
  );
}

function LayersSection(o: {
  layers: WizardLayer[];
  setLayers: React.Dispatch<React.SetStateAction<WizardLayer[]>>;
  errors: (field: string) => string[] | undefined;
}) {
  const { layers, setLayers } = o;
  return (
    <div>
      <h2 className="mb-2 text-sm font-semibold">Layers</h2>
      <div role="group" aria-label="Add a layer" className="mb-4 flex flex-wrap gap-2">
        {ROLE_DEFAULT_STACK.map(([role, stack]) => (
          <Button
            key={role}
            type="button"
            variant="secondary"
            disabled={layers.length >= 8}
            onClick={() =>
              setLayers((ls) => [
                ...ls,
                newLayer(
                  role,
                  stack,
                  ls.map((l) => l.name),
                ),
              ])
            }
          >
            + {ROLE_LABELS[role]}
          </Button>
        ))}
      </div>
      {layers.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700">
          No layers yet: add a load balancer, application servers, a database…
        </p>
      ) : (
        <div className="flex flex-col gap-4">
          {layers.map((l, i) => (
            <LayerEditor
              key={l.key}
              layer={l}
              index={i}
              errors={o.errors}
              onChange={(next) => setLayers((ls) => ls.map((x) => (x.key === l.key ? next : x)))}
              onRemove={() => setLayers((ls) => ls.filter((x) => x.key !== l.key))}
            />
          ))}
        </div>
      )}
    </div>
  );
}
