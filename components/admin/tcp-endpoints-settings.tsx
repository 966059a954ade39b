"use client";
import { useState, useTransition } from "react";
import {
  setRegionOutboundNatAction,
  setRegionTcpEndpointsAction,
  setTcpEndpointRangeAction,
} from "@/app/(admin)/admin/regions/actions";
import { useToast } from "@/components/ui/toast";

const field =
  "w-24 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

/** Admin: the node-port range of TCP endpoints and the per-region switch. */
export function TcpEndpointSettings(props: {
  range: { from: number; to: number };
  regions: { id: string; name: string; tcpEndpoints: boolean; outboundNat: boolean }[];
}) {
  const [from, setFrom] = useState(String(props.range.from));
  const [to, setTo] = useState(String(props.range.to));
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const save = () =>
    startTransition(async () => {
      const result = await setTcpEndpointRangeAction({ from: Number(from), to: Number(to) });
      if (result.ok) {
        setError(null);
        toast.show("Node-port range saved.", "success");
      } else setError(Object.values(result.fieldErrors ?? {})[0]?.[0] ?? result.error);
    });
  const toggle = (regionId: string, enabled: boolean) =>
    startTransition(async () => {
      const result = await setRegionTcpEndpointsAction({ regionId, enabled });
      if (!result.ok) toast.show(result.error, "error");
    });
  const toggleNat = (regionId: string, enabled: boolean) =>
    startTransition(async () => {
      const result = await setRegionOutboundNatAction({ regionId, enabled });
      if (!result.ok) toast.show(result.error, "error");
      else if (result.data.failed.length)
        toast.show(
          `Saved; not yet applied on ${result.data.failed.map((f) => f.node).join(", ")} (resync retries).`,
          "error",
        );
      else toast.show(`Outbound NAT ${enabled ? "on" : "off"}.`, "success");
    });
  return (
    <section
      aria-label="TCP endpoints"
      className="mb-6 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="mb-2 font-medium">TCP endpoints</h2>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-xs">
          Node ports from
          <input className={field} inputMode="numeric" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-xs">
          to
          <input className={field} inputMode="numeric" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button
          type="button"
          disabled={pending}
          onClick={save}
          className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700"
        >
          Save range
        </button>
        {error && (
          <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
      </div>
      <ul className="mt-3 flex flex-col gap-1">
        {props.regions.map((r) => (
          <li key={r.id}>
            <label className="inline-flex items-center gap-2">
              <input
                type="checkbox"
                defaultChecked={r.tcpEndpoints}
                disabled={pending}
                onChange={(e) => toggle(r.id, e.target.checked)}
              />
              TCP endpoints in region {r.name}
            </label>
            <label className="ml-4 inline-flex items-center gap-2">
              <input
                type="checkbox"
                defaultChecked={r.outboundNat}
                disabled={pending}
                onChange={(e) => toggleNat(r.id, e.target.checked)}
              />
              Outbound NAT (containers reach the internet, e.g. builds fetching packages)
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
