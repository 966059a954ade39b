"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { saveVariablesAction } from "@/app/(dashboard)/environments/[id]/actions";
import { useToast } from "@/components/ui/toast";
import type { VariableScopeView } from "@/lib/validation/variables";

type Row = {
  key: number;
  name: string;
  value: string;
  secret: boolean;
  /** a saved secret, shown masked */ kept: boolean;
};

let nextKey = 1;
const rowsOf = (scope: VariableScopeView): Row[] =>
  scope.variables.map((v) => ({
    key: nextKey++,
    name: v.name,
    value: v.value ?? "",
    secret: v.secret,
    kept: v.secret && v.value === null,
  }));

const input = "rounded-md border border-slate-300 px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950";

function Scope({ environmentId, scope }: { environmentId: string; scope: VariableScopeView }) {
  const [rows, setRows] = useState<Row[]>(() => rowsOf(scope));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const toast = useToast();
  const label = scope.layerId ? `layer ${scope.name}` : "the environment";
  const update = (key: number, change: Partial<Row>) =>
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const save = () =>
    startTransition(async () => {
      setErrors({});
      setError(null);
      const result = await saveVariablesAction({
        environmentId,
        layerId: scope.layerId,
        variables: rows.map((r) =>
          r.kept
            ? { name: r.name, keep: true as const, secret: true as const }
            : { name: r.name, value: r.value, secret: r.secret },
        ),
      });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setError(result.error);
        return;
      }
      toast.show(
        result.data.changed ? `Variables of ${label} saved: the containers restart one at a time.` : "Nothing changed.",
        "success",
      );
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-2" data-testid={`variables-${scope.layerId ? scope.name : "environment"}`}>
      <h3 className="font-medium">{scope.name}</h3>
      <table className="text-xs">
        <thead className="sr-only">
          <tr>
            <th>Name</th>
            <th>Value</th>
            <th>Secret</th>
            <th>Remove</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, index) => {
            const fieldError = errors[`variables.${index}.name`]?.[0] ?? errors[`variables.${index}.value`]?.[0];
            return (
              <tr key={r.key} className="align-top">
                <td className="py-0.5 pr-2">
                  <input
                    value={r.name}
                    onChange={(e) => update(r.key, { name: e.target.value })}
                    aria-label={`Variable name ${index + 1} of ${label}`}
                    aria-invalid={Boolean(errors[`variables.${index}.name`])}
                    className={`${input} w-48`}
                  />
                  {fieldError && <div className="text-red-700 dark:text-red-400">{fieldError}</div>}
                </td>
                <td className="py-0.5 pr-2">
                  <input
                    value={r.kept ? "" : r.value}
                    type={r.secret ? "password" : "text"}
                    placeholder={r.kept ? "secret: unchanged" : ""}
                    onChange={(e) => update(r.key, { value: e.target.value, kept: false })}
                    aria-label={`Value of ${r.name || `variable ${index + 1}`} (${label})`}
                    className={`${input} w-72`}
                  />
                </td>
                <td className="py-0.5 pr-2">
                  <label className="flex items-center gap-1">
                    <input
                      type="checkbox"
                      checked={r.secret}
                      onChange={(e) => update(r.key, { secret: e.target.checked, kept: false })}
                    />
                    secret
                  </label>
                </td>
                <td className="py-0.5">
                  <button
                    type="button"
                    onClick={() => setRows((all) => all.filter((x) => x.key !== r.key))}
                    className="text-slate-600 underline dark:text-slate-400"
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
          {scope.generated.map((g) => (
            <tr key={g.name} className="text-slate-500">
              <td className="py-0.5 pr-2 font-mono">{g.name}</td>
              <td className="py-0.5 pr-2" colSpan={3}>
                generated from {g.from} (read-only)
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex gap-2">
        <button
          type="button"
          onClick={() =>
            setRows((all) => [...all, { key: nextKey++, name: "", value: "", secret: false, kept: false }])
          }
          className="text-xs text-brand-700 underline dark:text-brand-100"
        >
          Add a variable
        </button>
        <button
          type="button"
          disabled={pending}
          onClick={save}
          className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Save and restart {scope.layerId ? scope.name : "application layers"}
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

/** Variables of the environment (every application layer) and of each application layer (which win). */
export function VariablesCard({ environmentId, scopes }: { environmentId: string; scopes: VariableScopeView[] }) {
  if (scopes.length === 0) return null;
  return (
    <section
      aria-label="Variables"
      className="mb-4 flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="font-medium">Variables</h2>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Set in every application container&apos;s environment; a layer&apos;s value wins over the environment&apos;s.
        Saving restarts the containers one at a time behind the balancer. Secret values are stored sealed and never
        shown again.
      </p>
      {scopes.map((scope) => (
        <Scope key={scope.layerId ?? "environment"} environmentId={environmentId} scope={scope} />
      ))}
    </section>
  );
}
