"use client";
import { useId } from "react";
import { Slider } from "@/components/ui/slider";
import { Stepper } from "@/components/ui/stepper";
import { STACKS, getStack } from "@/lib/stacks/catalog";
import { describeCloudlets, ROLE_LABELS } from "../format";
import type { WizardLayer } from "../wizard-math";

const MAX_COUNT = 64;
const MAX_CLOUDLETS = 64;

/** One layer of the wizard: stack, count, reserved / dynamic cloudlets, disk and HA. */
export function LayerEditor({
  layer,
  index,
  onChange,
  onRemove,
  errors,
}: {
  layer: WizardLayer;
  index: number;
  onChange: (l: WizardLayer) => void;
  onRemove: () => void;
  errors?: (field: string) => string[] | undefined;
}) {
  const id = useId();
  const stack = getStack(layer.stack);
  const roleLabel = ROLE_LABELS[layer.role] ?? layer.role;
  const set = (patch: Partial<WizardLayer>) => onChange({ ...layer, ...patch });
  const fieldError = (f: string) => errors?.(`layers.${index}.${f}`);
  return (
    <fieldset
      data-testid={`layer-${layer.name}`}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <legend className="sr-only">
        {roleLabel} layer {layer.name}
      </legend>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-center gap-2 text-sm font-semibold">
          <span aria-hidden className="grid size-7 place-items-center rounded bg-slate-100 text-base dark:bg-slate-800">
            {stack?.icon}
          </span>
          {roleLabel} <span className="font-mono text-xs text-slate-500">{layer.name}</span>
        </h3>
        <button
          type="button"
          onClick={onRemove}
          className="rounded-md px-2 py-1 text-sm text-red-600 hover:bg-red-50 dark:hover:bg-red-950/40"
        >
          Remove {roleLabel.toLowerCase()} layer
        </button>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-stack`} className="text-sm font-medium text-slate-700 dark:text-slate-300">
            Stack
          </label>
          <select
            id={`${id}-stack`}
            value={layer.stack}
            onChange={(e) => {
              const s = getStack(e.target.value)!;
              set({
                stack: s.id,
                reservedCloudlets: s.defaultCloudlets.reserved,
                dynamicCloudlets: s.defaultCloudlets.dynamic,
                diskGib: s.defaultDiskGib,
              });
            }}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
          >
            {STACKS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.displayName} {s.version}
              </option>
            ))}
          </select>
          {stack && <p className="text-xs text-slate-500">{stack.description}</p>}
        </div>
        <Stepper label="Containers" value={layer.count} min={1} max={MAX_COUNT} onChange={(count) => set({ count })} />
        <Slider
          label="Reserved cloudlets"
          value={layer.reservedCloudlets}
          min={stack?.minCloudlets ?? 1}
          max={MAX_CLOUDLETS}
          onChange={(v) => set({ reservedCloudlets: v, dynamicCloudlets: Math.max(v, layer.dynamicCloudlets) })}
          describe={(v) => `${describeCloudlets(v)} guaranteed per container`}
        />
        <Slider
          label="Dynamic limit (cloudlets)"
          value={layer.dynamicCloudlets}
          min={1}
          max={MAX_CLOUDLETS}
          onChange={(v) => set({ dynamicCloudlets: Math.max(v, layer.reservedCloudlets) })}
          describe={(v) => `bursts up to ${describeCloudlets(v)}`}
        />
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-disk`} className="text-sm font-medium text-slate-700 dark:text-slate-300">
            Disk per container (GiB)
          </label>
          <input
            id={`${id}-disk`}
            type="number"
            min={1}
            max={1024}
            value={layer.diskGib}
            onChange={(e) => set({ diskGib: Math.min(1024, Math.max(1, Math.round(Number(e.target.value) || 1))) })}
            className="w-28 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
        </div>
        <div className="flex items-center gap-3">
          <button
            type="button"
            role="switch"
            aria-checked={layer.ha}
            id={`${id}-ha`}
            onClick={() => set({ ha: !layer.ha })}
            className={`relative h-6 w-11 shrink-0 rounded-full transition ${layer.ha ? "bg-brand-600" : "bg-slate-300 dark:bg-slate-700"}`}
          >
            <span
              aria-hidden
              className={`absolute top-0.5 size-5 rounded-full bg-white shadow transition ${layer.ha ? "left-5" : "left-0.5"}`}
            />
          </button>
          <label htmlFor={`${id}-ha`} className="text-sm">
            <span className="font-medium">High availability</span>{" "}
            <span className="text-slate-500">
              ({layer.ha ? "on" : "off"}:{" "}
              {layer.ha ? "every container on a different hardware node" : "containers may share a node"})
            </span>
          </label>
        </div>
      </div>
      {["count", "reservedCloudlets", "dynamicCloudlets", "diskGib", "stack", "name"].map((f) =>
        fieldError(f)?.length ? (
          <p key={f} role="alert" className="mt-2 text-xs text-red-600 dark:text-red-400">
            {fieldError(f)!.join(" ")}
          </p>
        ) : null,
      )}
    </fieldset>
  );
}
