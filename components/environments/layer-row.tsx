"use client";
import { useState } from "react";
import type { LayerData } from "@/lib/db/environments";
import { getStack } from "@/lib/stacks/catalog";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Slider } from "@/components/ui/slider";
import { Stepper } from "@/components/ui/stepper";
import { ContainerCard } from "./container-card";
import { describeCloudlets, ROLE_LABELS } from "./format";
import { plural } from "@/lib/words";

type Run = (key: string, fn: () => Promise<{ ok: boolean; error?: string }>, done: string) => void;

/** One layer: its containers as cards, with scale (stepper), change cloudlets (dialog) and restart. */
export function LayerRow({
  layer,
  locked,
  pendingKey,
  run,
  actions,
  onOpenContainer,
}: {
  layer: LayerData;
  locked: boolean;
  pendingKey: string | null;
  run: Run;
  onOpenContainer: (id: string) => void;
  actions: {
    scale: (count: number) => Promise<{ ok: boolean; error?: string }>;
    resize: (r: number, d: number) => Promise<{ ok: boolean; error?: string }>;
    restart: (containerId?: string) => Promise<{ ok: boolean; error?: string }>;
  };
}) {
  const stack = getStack(layer.stack);
  const [count, setCount] = useState(layer.count);
  const [seenCount, setSeenCount] = useState(layer.count);
  const [resizeOpen, setResizeOpen] = useState(false);
  const [reserved, setReserved] = useState(layer.reservedCloudlets);
  const [dynamic, setDynamic] = useState(layer.dynamicCloudlets);
  if (seenCount !== layer.count) {
    // The layer changed on the server (live update): follow it.
    setSeenCount(layer.count);
    setCount(layer.count);
  }
  const roleLabel = ROLE_LABELS[layer.role] ?? layer.role;
  return (
    <section
      aria-labelledby={`layer-${layer.id}`}
      data-testid={`layer-row-${layer.name}`}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h3 id={`layer-${layer.id}`} className="flex items-center gap-2 text-sm font-semibold">
            <span
              aria-hidden
              className="grid size-7 place-items-center rounded bg-slate-100 text-base dark:bg-slate-800"
            >
              {stack?.icon}
            </span>
            <span className="font-mono">{layer.name}</span> · {stack?.displayName ?? layer.stack}
          </h3>
          <p className="mt-0.5 text-xs text-slate-500">
            {roleLabel} · {layer.count} {layer.count === 1 ? "container" : "containers"} · {layer.reservedCloudlets}{" "}
            reserved / {layer.dynamicCloudlets} limit cloudlets each · {layer.diskGib} GiB disk
            {layer.ha ? " · HA (one per node)" : ""}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <Stepper
            label={`Containers in ${layer.name}`}
            value={count}
            min={0}
            max={64}
            onChange={setCount}
            disabled={locked}
          />
          <Button
            variant="secondary"
            disabled={locked || count === layer.count}
            pending={pendingKey === `scale-${layer.id}`}
            onClick={() =>
              run(
                `scale-${layer.id}`,
                () => actions.scale(count),
                `Scale ${layer.name} to ${plural(count, "container")}: requested.`,
              )
            }
          >
            Scale
          </Button>
          <Button
            variant="secondary"
            disabled={locked}
            onClick={() => {
              setReserved(layer.reservedCloudlets);
              setDynamic(layer.dynamicCloudlets);
              setResizeOpen(true);
            }}
          >
            Cloudlets…
          </Button>
          <Button
            variant="ghost"
            disabled={locked}
            pending={pendingKey === `restart-${layer.id}`}
            onClick={() => run(`restart-${layer.id}`, () => actions.restart(), `Restart ${layer.name}: requested.`)}
          >
            Restart layer
          </Button>
        </div>
      </div>
      {layer.containers.length === 0 ? (
        <p className="text-sm text-slate-500">No containers.</p>
      ) : (
        <ul className="flex flex-wrap gap-3">
          {layer.containers.map((c) => (
            <ContainerCard
              key={c.id}
              c={c}
              onOpen={() => onOpenContainer(c.id)}
              restartDisabled={locked}
              onRestart={() =>
                run(`restart-${c.id}`, () => actions.restart(c.id), `Restart ${c.displayName}: requested.`)
              }
            />
          ))}
        </ul>
      )}
      <Dialog
        open={resizeOpen}
        onClose={() => setResizeOpen(false)}
        title={`Change cloudlets of ${layer.name}`}
        description="Applied live to every container of the layer (no restart)."
      >
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            setResizeOpen(false);
            run(
              `resize-${layer.id}`,
              () => actions.resize(reserved, dynamic),
              `Change cloudlets of ${layer.name} to ${reserved} reserved / ${dynamic} limit: requested.`,
            );
          }}
        >
          <Slider
            label="Reserved cloudlets"
            value={reserved}
            min={stack?.minCloudlets ?? 1}
            max={64}
            onChange={(v) => {
              setReserved(v);
              setDynamic((d) => Math.max(d, v));
            }}
            describe={(v) => `${describeCloudlets(v)} guaranteed per container`}
          />
          <Slider
            label="Dynamic limit (cloudlets)"
            value={dynamic}
            min={1}
            max={64}
            onChange={(v) => setDynamic(Math.max(v, reserved))}
            describe={(v) => `bursts up to ${describeCloudlets(v)}`}
          />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setResizeOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={reserved === layer.reservedCloudlets && dynamic === layer.dynamicCloudlets}>
              Apply
            </Button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
