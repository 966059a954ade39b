"use client";
import { useState, useTransition } from "react";
import { addCustomDomainAction, removeCustomDomainAction } from "@/app/(dashboard)/environments/[id]/actions";
import { useToast } from "@/components/ui/toast";

export type DomainRow = {
  id: string;
  domain: string;
  certificate: "own" | "issued";
  certNotAfter: string | null;
  dnsRecord: string;
};

const input = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950";

/** Custom domains: the DNS record to create for each, add (optionally with an own certificate) and remove. */
export function DomainsCard({ environmentId, domains }: { environmentId: string; domains: DomainRow[] }) {
  const [domain, setDomain] = useState("");
  const [ownCert, setOwnCert] = useState(false);
  const [certificatePem, setCertificatePem] = useState("");
  const [keyPem, setKeyPem] = useState("");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const toast = useToast();

  const add = () =>
    startTransition(async () => {
      const result = await addCustomDomainAction({
        environmentId,
        domain,
        certificatePem: ownCert ? certificatePem : "",
        keyPem: ownCert ? keyPem : "",
      });
      if (result.ok) {
        setErrors({});
        setDomain("");
        setCertificatePem("");
        setKeyPem("");
        toast.show(`${result.data.domain} is bound.`, "success");
      } else setErrors(result.fieldErrors ?? { domain: [result.error] });
    });
  const remove = (id: string, name: string) =>
    startTransition(async () => {
      const result = await removeCustomDomainAction({ environmentId, domainId: id });
      toast.show(result.ok ? `${name} is removed.` : result.error, result.ok ? "success" : "error");
    });
  const error = (field: string) =>
    errors[field]?.[0] ? (
      <p role="alert" data-testid={`domain-error-${field}`} className="text-xs text-red-700 dark:text-red-400">
        {errors[field][0]}
      </p>
    ) : null;

  return (
    <section
      aria-label="Custom domains"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="mb-2 font-medium">Custom domains</h2>
      {domains.length > 0 && (
        <ul className="mb-3 flex flex-col gap-2" data-testid="custom-domains">
          {domains.map((d) => (
            <li key={d.id} className="flex flex-wrap items-center gap-2">
              <span className="font-mono">{d.domain}</span>
              <span className="text-xs text-slate-500">
                {d.certificate === "own"
                  ? `own certificate until ${d.certNotAfter?.slice(0, 10)}`
                  : "certificate issued by the ingress"}
              </span>
              <span className="text-xs text-slate-600 dark:text-slate-400">DNS record:</span>
              <code className="rounded bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800">{d.dnsRecord}</code>
              <button
                type="button"
                disabled={pending}
                onClick={() => remove(d.id, d.domain)}
                className="text-xs text-red-700 underline dark:text-red-400"
              >
                Remove {d.domain}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="flex flex-col gap-2">
        <label className="flex flex-wrap items-center gap-2">
          <span>Domain</span>
          <input
            className={input}
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
            placeholder="shop.example.com"
            aria-invalid={Boolean(errors.domain)}
          />
        </label>
        {error("domain")}
        <label className="inline-flex items-center gap-2 text-xs">
          <input type="checkbox" checked={ownCert} onChange={(e) => setOwnCert(e.target.checked)} />
          Use my own certificate (otherwise the ingress issues one)
        </label>
        {ownCert && (
          <>
            <label className="flex flex-col gap-1 text-xs">
              Certificate chain (PEM, leaf first)
              <textarea
                className={`${input} font-mono`}
                rows={4}
                value={certificatePem}
                onChange={(e) => setCertificatePem(e.target.value)}
              />
            </label>
            {error("certificatePem")}
            <label className="flex flex-col gap-1 text-xs">
              Private key (PEM; stored sealed)
              <textarea
                className={`${input} font-mono`}
                rows={4}
                value={keyPem}
                onChange={(e) => setKeyPem(e.target.value)}
              />
            </label>
            {error("keyPem")}
          </>
        )}
        <div>
          <button
            type="button"
            disabled={pending || !domain.trim()}
            onClick={add}
            className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-50"
          >
            Add domain
          </button>
        </div>
      </div>
    </section>
  );
}
