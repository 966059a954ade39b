"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import {
  decommissionNodeAction,
  evacuateNodeAction,
  planEvacuationAction,
  refreshNodeFactsAction,
  setNodeStatusAction,
  updateNodeAction,
} from "@/app/(admin)/admin/nodes/[id]/actions";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { plural } from "@/lib/words";

type Result = { ok: boolean; error?: string };

/** Maintenance on/off and refresh facts: small buttons with their outcome announced. */
export function NodeStatusControls({ nodeId, status }: { nodeId: string; status: string }) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ error?: string; success?: string } | null>(null);
  const run = (fn: () => Promise<Result>, success: string) =>
    start(async () => {
      const r = await fn();
      setMessage(r.ok ? { success } : { error: r.error ?? "Failed." });
    });
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {status === "MAINTENANCE" ? (
          <Button
            pending={pending}
            onClick={() =>
              run(
                () => setNodeStatusAction({ nodeId, status: "ACTIVE" }),
                "Maintenance ended: the node takes new containers again.",
              )
            }
          >
            End maintenance
          </Button>
        ) : (
          <Button
            variant="secondary"
            pending={pending}
            disabled={status === "EVACUATING"}
            onClick={() =>
              run(
                () => setNodeStatusAction({ nodeId, status: "MAINTENANCE" }),
                "Maintenance on: running containers keep running, nothing new is placed here.",
              )
            }
          >
            Start maintenance
          </Button>
        )}
        <Button
          variant="secondary"
          pending={pending}
          onClick={() => run(() => refreshNodeFactsAction({ nodeId }), "Facts refreshed.")}
        >
          Refresh facts
        </Button>
      </div>
      <div aria-live="polite">{message && <FormMessage error={message.error} success={message.success} />}</div>
    </div>
  );
}

/** The plan as the server describes it (lib/services/evacuation-view). */
type Plan = Extract<Awaited<ReturnType<typeof planEvacuationAction>>, { ok: true }>["data"];
type PlanContainer = Plan["blocked"][number]["containers"][number];

const where = (c: PlanContainer) => (
  <>
    {c.environmentName} · layer {c.layerName} ·{" "}
    <span className="font-medium" title={c.engineName}>
      {c.containerName}
    </span>
  </>
);

/** Evacuation shows the plan (who moves where, who cannot and why) before anything starts. */
export function EvacuationPanel({
  nodeId,
  nodeName,
  containers,
}: {
  nodeId: string;
  nodeName: string;
  containers: number;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string } | null>(null);
  const showPlan = () =>
    start(async () => {
      const r = await planEvacuationAction({ nodeId });
      if (r.ok) {
        setPlan(r.data);
        setMessage(null);
      } else {
        setPlan(null);
        setMessage({ error: r.error });
      }
    });
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Moves the {plural(containers, "container")} on this node to other active nodes of its region. You see the plan
        first.
      </p>
      <div>
        <Button variant="secondary" pending={pending} onClick={showPlan} disabled={containers === 0}>
          Evacuate…
        </Button>
      </div>
      <div aria-live="polite" className="flex flex-col gap-3">
        {message && <FormMessage error={message.error} success={message.success} />}
        {plan && (
          <div
            className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800"
            data-testid="evacuation-plan"
          >
            <h3 className="mb-1 font-semibold">Evacuation plan for {nodeName}</h3>
            {plan.moves.length > 0 && (
              <>
                <p className="font-medium">{plan.complete ? "Moves" : "Could move"}:</p>
                <ul className="mb-2 list-disc pl-5" data-testid="evacuation-moves">
                  {plan.moves.map((m) => (
                    <li key={m.containerId}>
                      {where(m)} → <strong>{m.toNodeName}</strong>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {plan.blocked.map((g) => (
              <section
                key={g.reason}
                className="mb-2 rounded-md bg-red-50 p-2 text-red-800 dark:bg-red-950/40 dark:text-red-200"
                data-testid="evacuation-blocked"
              >
                <p className="font-medium">
                  Cannot move {plural(g.containers.length, "container")}: {g.reason}
                </p>
                <ul className="list-disc pl-5">
                  {g.containers.map((c) => (
                    <li key={c.containerId}>{where(c)}</li>
                  ))}
                </ul>
                {g.nodeReasons.length > 0 && (
                  <details className="mt-1">
                    <summary className="cursor-pointer">Why each node refused</summary>
                    <ul className="list-disc pl-5 text-xs">
                      {g.nodeReasons.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  </details>
                )}
              </section>
            ))}
            {plan.moves.length === 0 && plan.blocked.length === 0 && <p>Nothing to move.</p>}
            {plan.summary && (
              <p className="mb-2" data-testid="evacuation-summary">
                {plan.summary}
              </p>
            )}
            <div className="flex flex-wrap gap-2">
              {plan.startLabel && (
                <ConfirmButton
                  label={plan.startLabel}
                  variant="danger"
                  title={`Evacuate ${nodeName}?`}
                  description={plan.summary}
                  confirmLabel={plan.startLabel}
                  onConfirm={() =>
                    evacuateNodeAction({ nodeId }).then((r) => {
                      if (r.ok) setMessage({ success: `Evacuation started (operation ${r.data.operationId}).` });
                      return r;
                    })
                  }
                  onDone={() => {
                    setPlan(null);
                    router.refresh();
                  }}
                />
              )}
              <Button variant="ghost" onClick={() => setPlan(null)}>
                {plan.startLabel ? "Cancel" : "Close plan"}
              </Button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/** Typed-name confirmation; the service refuses while any container is still placed here. */
export function DecommissionForm({ nodeId, name, containers }: { nodeId: string; name: string; containers: number }) {
  const router = useRouter();
  const [state, onSubmit, pending] = useFormSubmit(decommissionNodeAction);
  useEffect(() => {
    if (state?.ok) router.push("/admin/nodes");
  }, [state, router]);
  if (containers > 0)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Decommissioning needs an empty node: {containers} container{containers === 1 ? " is" : "s are"} still here.
        Evacuate first.
      </p>
    );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} className="flex max-w-sm flex-col gap-3" noValidate>
      <FormMessage error={formError(state)} success={state?.ok ? "Node removed." : null} />
      <input type="hidden" name="nodeId" value={nodeId} />
      <Field
        label={`Type ${name} to confirm`}
        name="confirmName"
        autoComplete="off"
        errors={errors?.confirmName}
        hint="Removes the node from the cluster. Its bridge and LXC path stay on the host."
      />
      <div>
        <Button type="submit" variant="danger" pending={pending}>
          Decommission
        </Button>
      </div>
    </form>
  );
}

export function NodeSettingsForm({
  node,
}: {
  node: {
    id: string;
    labels: string;
    ramMib: number;
    cores: number;
    mhzPerCore: number;
    diskGib: number;
    maxContainers: number;
    overcommitRatio: number;
  };
}) {
  const [state, onSubmit, pending] = useFormSubmit(updateNodeAction);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-3" noValidate>
      <div className="sm:col-span-3">
        <FormMessage error={formError(state)} success={state?.ok ? "Saved." : null} />
      </div>
      <input type="hidden" name="nodeId" value={node.id} />
      <Field
        label="RAM (MiB)"
        name="ramMib"
        id="edit-ramMib"
        inputMode="numeric"
        defaultValue={node.ramMib}
        errors={errors?.ramMib}
      />
      <Field
        label="CPU cores"
        name="cores"
        id="edit-cores"
        inputMode="numeric"
        defaultValue={node.cores}
        errors={errors?.cores}
      />
      <Field
        label="MHz per core"
        name="mhzPerCore"
        id="edit-mhzPerCore"
        inputMode="numeric"
        defaultValue={node.mhzPerCore}
        errors={errors?.mhzPerCore}
      />
      <Field
        label="Disk (GiB)"
        name="diskGib"
        id="edit-diskGib"
        inputMode="numeric"
        defaultValue={node.diskGib}
        errors={errors?.diskGib}
      />
      <Field
        label="Max containers"
        name="maxContainers"
        id="edit-maxContainers"
        inputMode="numeric"
        defaultValue={node.maxContainers}
        errors={errors?.maxContainers}
      />
      <Field
        label="Overcommit ratio"
        name="overcommitRatio"
        id="edit-overcommitRatio"
        inputMode="decimal"
        defaultValue={node.overcommitRatio}
        errors={errors?.overcommitRatio}
      />
      <div className="sm:col-span-3">
        <Field
          label="Labels"
          name="labels"
          id="edit-labels"
          defaultValue={node.labels}
          errors={errors?.labels}
          hint="key=value, comma separated."
        />
      </div>
      <div>
        <Button type="submit" pending={pending}>
          Save capacity and labels
        </Button>
      </div>
    </form>
  );
}
