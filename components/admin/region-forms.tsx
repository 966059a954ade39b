"use client";
import { useState, useTransition } from "react";
import {
  createRegionAction,
  renameRegionAction,
  setDefaultRegionAction,
  setRegionAllocationRatiosAction,
  setRegionStatusAction,
  setRegionSubnetPoolAction,
} from "@/app/(admin)/admin/regions/actions";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export function CreateRegionForm() {
  const [state, onSubmit, pending] = useFormSubmit(createRegionAction);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} noValidate className="grid max-w-2xl gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
      <div className="sm:col-span-3">
        <FormMessage error={formError(state)} success={state?.ok ? "Region created." : null} />
      </div>
      <Field
        label="Name"
        name="name"
        id="new-region-name"
        autoComplete="off"
        errors={errors?.name}
        hint="e.g. eu-west"
      />
      <Field
        label="Subnet pool"
        name="subnetPool"
        id="new-region-pool"
        defaultValue="10.213.0.0/16"
        errors={errors?.subnetPool}
        hint="Inside 10.0.0.0/8; nodes get a /24 each."
      />
      <Button type="submit" pending={pending} className="sm:mt-6">
        Create region
      </Button>
    </form>
  );
}

/** Rename, subnet pool, default and maintenance for one region. */
export function RegionRowControls({
  region,
}: {
  region: { id: string; name: string; subnetPool: string; status: "ACTIVE" | "MAINTENANCE"; isDefault: boolean };
}) {
  const [rename, onRename, renaming] = useFormSubmit(renameRegionAction);
  const [pool, onPool, pooling] = useFormSubmit(setRegionSubnetPoolAction);
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ error?: string; success?: string } | null>(null);
  const run = (fn: () => Promise<{ ok: boolean; error?: string }>, success: string) =>
    start(async () => {
      const r = await fn();
      setMessage(r.ok ? { success } : { error: r.error ?? "Failed." });
    });
  const id = region.id;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap gap-2">
        {region.status === "ACTIVE" ? (
          <Button
            variant="secondary"
            pending={pending}
            onClick={() =>
              run(
                () => setRegionStatusAction({ regionId: id, status: "MAINTENANCE" }),
                `Region ${region.name} is in maintenance: no new environments.`,
              )
            }
          >
            Start maintenance
          </Button>
        ) : (
          <Button
            pending={pending}
            onClick={() =>
              run(
                () => setRegionStatusAction({ regionId: id, status: "ACTIVE" }),
                `Region ${region.name} accepts new environments again.`,
              )
            }
          >
            End maintenance
          </Button>
        )}
        {!region.isDefault && (
          <Button
            variant="secondary"
            pending={pending}
            onClick={() =>
              run(() => setDefaultRegionAction({ regionId: id }), `Region ${region.name} is now the default.`)
            }
          >
            Make default
          </Button>
        )}
      </div>
      <div aria-live="polite">{message && <FormMessage error={message.error} success={message.success} />}</div>
      <div className="grid gap-4 md:grid-cols-2">
        <form onSubmit={onRename} noValidate className="flex flex-col gap-2">
          <input type="hidden" name="regionId" value={id} />
          <Field
            label="Rename"
            name="name"
            id={`rename-${id}`}
            defaultValue={region.name}
            autoComplete="off"
            errors={rename && !rename.ok ? rename.fieldErrors?.name : undefined}
          />
          {rename && !rename.ok && !rename.fieldErrors?.name && <FormMessage error={rename.error} />}
          {rename?.ok && <FormMessage success="Renamed." />}
          <div>
            <Button type="submit" variant="secondary" pending={renaming}>
              Rename
            </Button>
          </div>
        </form>
        <form onSubmit={onPool} noValidate className="flex flex-col gap-2">
          <input type="hidden" name="regionId" value={id} />
          <Field
            label="Subnet pool"
            name="subnetPool"
            id={`pool-${id}`}
            defaultValue={region.subnetPool}
            autoComplete="off"
            errors={pool && !pool.ok ? pool.fieldErrors?.subnetPool : undefined}
          />
          {pool && !pool.ok && !pool.fieldErrors?.subnetPool && <FormMessage error={pool.error} />}
          {pool?.ok && <FormMessage success="Subnet pool saved." />}
          <div>
            <Button type="submit" variant="secondary" pending={pooling}>
              Save pool
            </Button>
          </div>
        </form>
      </div>
    </div>
  );
}

/**
 * The region's allocation ratios: placement may reserve physical × ratio on each of its nodes.
 * Lowering one below what is reserved is allowed; the form then names the nodes now over-allocated.
 */
export function RegionRatiosForm({
  region,
}: {
  region: { id: string; cpuAllocationRatio: number; ramAllocationRatio: number; diskAllocationRatio: number };
}) {
  const [state, onSubmit, pending] = useFormSubmit(setRegionAllocationRatiosAction);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const over = state?.ok ? state.data.overAllocated : [];
  const id = region.id;
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-2" aria-label="Allocation ratios">
      <input type="hidden" name="regionId" value={id} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="CPU allocation ratio"
          name="cpuAllocationRatio"
          id={`cpu-ratio-${id}`}
          inputMode="decimal"
          defaultValue={String(region.cpuAllocationRatio)}
          errors={errors?.cpuAllocationRatio}
          hint="Allocatable CPU = physical × ratio (default 4)."
        />
        <Field
          label="RAM allocation ratio"
          name="ramAllocationRatio"
          id={`ram-ratio-${id}`}
          inputMode="decimal"
          defaultValue={String(region.ramAllocationRatio)}
          errors={errors?.ramAllocationRatio}
          hint="Usually 1: reserved RAM is real RAM."
        />
        <Field
          label="Disk allocation ratio"
          name="diskAllocationRatio"
          id={`disk-ratio-${id}`}
          inputMode="decimal"
          defaultValue={String(region.diskAllocationRatio)}
          errors={errors?.diskAllocationRatio}
          hint="Usually 1."
        />
      </div>
      {state && !state.ok && !state.fieldErrors && <FormMessage error={state.error} />}
      {state?.ok && (
        <FormMessage
          success={
            over.length === 0
              ? "Ratios saved."
              : `Ratios saved. Over-allocated now (nothing new lands there): ${over
                  .map((n) => `${n.name} (${n.resources.join(", ")})`)
                  .join(", ")}.`
          }
        />
      )}
      <div>
        <Button type="submit" variant="secondary" pending={pending}>
          Save ratios
        </Button>
      </div>
    </form>
  );
}
