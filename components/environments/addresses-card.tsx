"use client";
import { useState, useTransition } from "react";
import { setHttpsRedirectAction } from "@/app/(dashboard)/environments/[id]/actions";
import { useToast } from "@/components/ui/toast";

export type AddressesCardProps = {
  environmentId: string;
  host: string;
  httpUrl: string;
  httpsUrl: string;
  openUrl: string;
  httpsRedirect: boolean;
  reachability: { status: number | null; ms: number; note: string };
  canEdit: boolean;
};

/** The environment's addresses on the ingress, whether the name answers now, and the HTTPS redirect switch. */
export function AddressesCard(props: AddressesCardProps) {
  const [redirect, setRedirect] = useState(props.httpsRedirect);
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const { status, ms, note } = props.reachability;
  const ok = status !== null && status < 500 && status !== 404;
  const toggle = () =>
    startTransition(async () => {
      const result = await setHttpsRedirectAction({ environmentId: props.environmentId, enabled: !redirect });
      if (result.ok) setRedirect(result.data.httpsRedirect);
      else toast.show(result.error, "error");
    });
  return (
    <section
      aria-label="Addresses"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-medium">Address</span>
        <code data-testid="environment-url" className="rounded bg-slate-100 px-2 py-0.5 dark:bg-slate-800">
          {props.openUrl}
        </code>
        <span data-testid="environment-reachability" className="text-xs text-slate-600 dark:text-slate-400">
          <span
            aria-hidden
            className={`mr-1 inline-block h-2 w-2 rounded-full ${ok ? "bg-emerald-500" : "bg-amber-500"}`}
          />
          {status === null ? note : `${status} · ${note} · ${ms} ms`}
        </span>
        <a
          href={props.openUrl}
          target="_blank"
          rel="noreferrer"
          className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700"
        >
          Open
        </a>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-600 dark:text-slate-400">
        <span>
          HTTP{" "}
          <a className="underline" href={props.httpUrl}>
            {props.httpUrl}
          </a>{" "}
          · HTTPS{" "}
          <a className="underline" href={props.httpsUrl}>
            {props.httpsUrl}
          </a>
        </span>
        {props.canEdit && (
          <label className="inline-flex items-center gap-2">
            <input type="checkbox" checked={redirect} disabled={pending} onChange={toggle} />
            Redirect HTTP to HTTPS
          </label>
        )}
      </div>
    </section>
  );
}
