"use client";
import { useState, useTransition } from "react";
import { addTcpEndpointAction, removeTcpEndpointAction } from "@/app/(dashboard)/environments/[id]/actions";
import { useToast } from "@/components/ui/toast";

export type TcpEndpointsCardProps = {
  environmentId: string;
  enabled: boolean;
  endpoints: {
    id: string;
    container: string;
    containerPort: number;
    hostPort: string | null;
    connection: string | null;
  }[];
  containers: { id: string; label: string; stack: string }[];
};

const DEFAULT_PORTS: Record<string, number> = { postgresql: 5432, redis: 6379, nginx: 80, nodejs: 8080, static: 80 };
const field = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

/** TCP endpoints: a container port on a node port, with host:port and a copyable connection string. */
export function TcpEndpointsCard(props: TcpEndpointsCardProps) {
  const [containerId, setContainerId] = useState(props.containers[0]?.id ?? "");
  const stack = props.containers.find((c) => c.id === containerId)?.stack ?? "";
  const [port, setPort] = useState(String(DEFAULT_PORTS[stack] ?? ""));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const toast = useToast();

  const add = () =>
    startTransition(async () => {
      const result = await addTcpEndpointAction({
        environmentId: props.environmentId,
        containerId,
        containerPort: Number(port),
      });
      if (result.ok) {
        setErrors({});
        toast.show(`Published on node port ${result.data.nodePort}.`, "success");
      } else setErrors(result.fieldErrors ?? { containerPort: [result.error] });
    });
  const remove = (id: string) =>
    startTransition(async () => {
      const result = await removeTcpEndpointAction({ environmentId: props.environmentId, endpointId: id });
      if (!result.ok) toast.show(result.error, "error");
    });
  const firstError = Object.values(errors)[0]?.[0];

  return (
    <section
      aria-label="TCP endpoints"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="mb-2 font-medium">TCP endpoints</h2>
      {!props.enabled && (
        <p className="mb-2 text-xs text-amber-700 dark:text-amber-400">
          An administrator switched TCP endpoints off in this environment&apos;s region.
        </p>
      )}
      {props.endpoints.length > 0 && (
        <ul className="mb-3 flex flex-col gap-2" data-testid="tcp-endpoints">
          {props.endpoints.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-2">
              <span>
                {e.container} port {e.containerPort} →
              </span>
              <code className="rounded bg-slate-100 px-2 py-0.5 dark:bg-slate-800">{e.hostPort ?? "not placed"}</code>
              {e.connection && (
                <button
                  type="button"
                  className="rounded-md border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
                  onClick={() => void navigator.clipboard?.writeText(e.connection!)}
                  aria-label={`Copy the connection string of ${e.container} port ${e.containerPort}`}
                >
                  Copy connection string
                </button>
              )}
              <button
                type="button"
                disabled={pending}
                onClick={() => remove(e.id)}
                className="text-xs text-red-700 underline dark:text-red-400"
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {props.enabled && props.containers.length > 0 && (
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col gap-1 text-xs">
            Container
            <select
              className={field}
              value={containerId}
              onChange={(e) => {
                setContainerId(e.target.value);
                const s = props.containers.find((c) => c.id === e.target.value)?.stack ?? "";
                setPort(String(DEFAULT_PORTS[s] ?? ""));
              }}
            >
              {props.containers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-xs">
            Container port
            <input
              className={`${field} w-24`}
              inputMode="numeric"
              value={port}
              onChange={(e) => setPort(e.target.value)}
            />
          </label>
          <button
            type="button"
            disabled={pending || !port}
            onClick={add}
            className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-50"
          >
            Publish
          </button>
          {firstError && (
            <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
              {firstError}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
