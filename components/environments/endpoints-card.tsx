"use client";
import { useState } from "react";
import type { EnvironmentEndpoints } from "@/lib/db/environment-endpoints";

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
      className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/**
 * The entry layer's bridge address (reachable on the hardware node only; the "Open" link to the
 * environment's ingress address is in AddressesCard) and connection strings.
 */
export function EndpointsCard({ endpoints }: { endpoints: EnvironmentEndpoints }) {
  const [reveal, setReveal] = useState(false);
  if (!endpoints.entryPoint && endpoints.connections.length === 0) return null;
  return (
    <section
      aria-label="Endpoints"
      className="mb-6 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      {endpoints.entryPoint && (
        <div className="flex flex-wrap items-center gap-3">
          <span className="font-medium">Bridge address</span>
          <code data-testid="entry-point" className="rounded bg-slate-100 px-2 py-0.5 dark:bg-slate-800">
            {endpoints.entryPoint.url}
          </code>
          <span className="text-xs text-slate-500">
            layer {endpoints.entryPoint.layer} · {endpoints.entryPoint.healthy ? "healthy" : "not answering yet"}
          </span>
          <span className="text-xs text-slate-500">(on the hardware node only)</span>
        </div>
      )}
      {endpoints.connections.length > 0 && (
        <div className="mt-3 flex flex-col gap-2">
          <div className="flex items-center gap-3">
            <span className="font-medium">Connection strings</span>
            {endpoints.connections.some((c) => c.url) && (
              <button
                type="button"
                onClick={() => setReveal((v) => !v)}
                className="text-xs text-brand-600 dark:text-brand-100 underline"
              >
                {reveal ? "Hide passwords" : "Show passwords"}
              </button>
            )}
          </div>
          {endpoints.connections.map((c) => (
            <div key={c.layer} className="flex flex-wrap items-center gap-2">
              <span className="w-40 text-slate-600 dark:text-slate-400">
                {c.displayName} <span className="font-mono text-xs">({c.layer})</span>
              </span>
              {c.url ? (
                <>
                  <code
                    data-testid={`connection-${c.layer}`}
                    className="break-all rounded bg-slate-100 px-2 py-0.5 dark:bg-slate-800"
                  >
                    {reveal ? c.url : c.url.replace(/:\/\/([^:]*):[^@]*@/, "://$1:••••••@")}
                  </code>
                  <CopyButton text={c.url} label={`Copy the ${c.layer} connection string`} />
                </>
              ) : (
                <code className="rounded bg-slate-100 px-2 py-0.5 dark:bg-slate-800">
                  {c.host} (credentials are shown to the owner)
                </code>
              )}
              <span className="text-xs text-slate-500">
                {c.health === "HEALTHY" ? "healthy" : c.health === "UNHEALTHY" ? "unhealthy" : "checking"}
              </span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
