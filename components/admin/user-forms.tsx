"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  deleteUserAction,
  setDefaultQuotaAction,
  setSignupEnabledAction,
  setUserQuotaAction,
} from "@/app/(admin)/admin/users/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import type { QuotaLimits } from "@/lib/validation/quotas";
import { plural } from "@/lib/words";

export type QuotaValues = QuotaLimits;

function QuotaFields({
  idPrefix,
  values,
  errors,
}: {
  idPrefix: string;
  values: QuotaValues | null;
  errors?: Record<string, string[]>;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field
        label="Max environments"
        name="maxEnvironments"
        id={`${idPrefix}-maxEnvironments`}
        inputMode="numeric"
        defaultValue={values?.maxEnvironments}
        errors={errors?.maxEnvironments}
      />
      <Field
        label="Max cloudlets per container"
        name="maxCloudletsPerContainer"
        id={`${idPrefix}-maxCloudletsPerContainer`}
        inputMode="numeric"
        defaultValue={values?.maxCloudletsPerContainer}
        errors={errors?.maxCloudletsPerContainer}
      />
      <Field
        label="Max containers per layer"
        name="maxContainersPerLayer"
        id={`${idPrefix}-maxContainersPerLayer`}
        inputMode="numeric"
        defaultValue={values?.maxContainersPerLayer}
        errors={errors?.maxContainersPerLayer}
      />
      <Field
        label="Max total reserved cloudlets"
        name="maxReservedCloudlets"
        id={`${idPrefix}-maxReservedCloudlets`}
        inputMode="numeric"
        defaultValue={values?.maxReservedCloudlets}
        errors={errors?.maxReservedCloudlets}
      />
      <Field
        label="Max total disk (GiB)"
        name="maxDiskGib"
        id={`${idPrefix}-maxDiskGib`}
        inputMode="numeric"
        defaultValue={values?.maxDiskGib}
        errors={errors?.maxDiskGib}
      />
    </div>
  );
}

export function UserQuotaForm({ userId, quota }: { userId: string; quota: QuotaValues | null }) {
  const [state, onSubmit, pending] = useFormSubmit(setUserQuotaAction);
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3 py-2">
      <FormMessage
        error={formError(state)}
        success={state?.ok ? "Quota saved. What already runs is untouched; new requests use the new limits." : null}
      />
      <input type="hidden" name="userId" value={userId} />
      <QuotaFields
        idPrefix={`q-${userId}`}
        values={quota}
        errors={state && !state.ok ? state.fieldErrors : undefined}
      />
      <div>
        <Button type="submit" pending={pending}>
          Save quota
        </Button>
      </div>
    </form>
  );
}

export function DeleteUserForm({
  userId,
  email,
  environments,
}: {
  userId: string;
  email: string;
  environments: number;
}) {
  const router = useRouter();
  const [state, onSubmit, pending] = useFormSubmit(async (prev: unknown, data: FormData) => {
    const r = await deleteUserAction(prev, data);
    if (r.ok) router.refresh();
    return r;
  });
  if (environments > 0)
    return (
      <p className="py-2 text-sm text-slate-600 dark:text-slate-400">
        {email} owns {plural(environments, "environment")}; an account can be deleted only when it owns none. Suspend it
        instead.
      </p>
    );
  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-sm flex-col gap-3 py-2">
      <FormMessage error={formError(state)} success={state?.ok ? "User deleted." : null} />
      <input type="hidden" name="userId" value={userId} />
      <Field
        label={`Type ${email} to confirm`}
        name="confirmEmail"
        id={`del-${userId}`}
        autoComplete="off"
        errors={state && !state.ok ? state.fieldErrors?.confirmEmail : undefined}
      />
      <div>
        <Button type="submit" variant="danger" pending={pending}>
          Delete user
        </Button>
      </div>
    </form>
  );
}

export function DefaultQuotaForm({ quota }: { quota: QuotaValues }) {
  const [state, onSubmit, pending] = useFormSubmit(setDefaultQuotaAction);
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
      <FormMessage
        error={formError(state)}
        success={state?.ok ? "Default quota saved; it applies to accounts created from now on." : null}
      />
      <QuotaFields
        idPrefix="default-quota"
        values={quota}
        errors={state && !state.ok ? state.fieldErrors : undefined}
      />
      <div>
        <Button type="submit" pending={pending}>
          Save default quota
        </Button>
      </div>
    </form>
  );
}

export function SignupSwitch({ enabled, forcedOff }: { enabled: boolean; forcedOff: boolean }) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ error?: string; success?: string } | null>(null);
  const [on, setOn] = useState(enabled);
  const toggle = () =>
    start(async () => {
      const r = await setSignupEnabledAction({ enabled: !on });
      if (r.ok) {
        setOn(r.data.enabled);
        setMessage({
          success: r.data.enabled
            ? "Sign-up is on: anyone who reaches the panel can create an account."
            : "Sign-up is off: only administrators create accounts.",
        });
      } else setMessage({ error: r.error });
    });
  return (
    <div className="flex flex-col gap-3">
      <div className="flex items-center gap-3">
        <button
          type="button"
          role="switch"
          aria-checked={on}
          aria-labelledby="signup-label"
          disabled={pending || forcedOff}
          onClick={toggle}
          className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition disabled:opacity-60 ${on ? "bg-brand-600" : "bg-slate-300 dark:bg-slate-700"}`}
        >
          <span
            aria-hidden
            className={`inline-block size-5 rounded-full bg-white shadow transition ${on ? "translate-x-5" : "translate-x-0.5"}`}
          />
        </button>
        <span id="signup-label" className="text-sm">
          Self-service sign-up: <strong>{on ? "on" : "off"}</strong>
        </span>
      </div>
      {forcedOff && (
        <p className="text-xs text-slate-500">
          HOSTPLANE_SIGNUP=off is set in the environment; it overrides this switch.
        </p>
      )}
      <div aria-live="polite">{message && <FormMessage error={message.error} success={message.success} />}</div>
    </div>
  );
}

/** "Delete…" opens a dialog with the typed-email confirmation; focus comes back to the button. */
export function DeleteUserButton(props: { userId: string; email: string; environments: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="button" variant="secondary" className="mt-1" onClick={() => setOpen(true)}>
        Delete…
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${props.email}?`}
        description="The account, its quota and SSH keys are removed for good. Audit entries keep its email."
      >
        <DeleteUserForm {...props} />
      </Dialog>
    </>
  );
}
