import { Card } from "@/components/ui/card";

export type IngressCardProps = {
  running: boolean;
  error: string | null;
  routes: number;
  httpPort: number;
  httpsPort: number;
  domain: string;
  issuer: "acme" | "internal";
  certificates: number;
  expiringSoon: { name: string; notAfter: string }[];
};

/** The admin cluster page's view of the ingress: up or not, its routes, certificates close to expiry. */
export function IngressCard(o: IngressCardProps) {
  return (
    <Card
      title="Ingress"
      actions={
        o.issuer === "internal" ? (
          <a href="/api/admin/ingress/ca" className="text-xs text-brand-600 underline dark:text-brand-100" download>
            Download the CA certificate
          </a>
        ) : null
      }
    >
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm" data-testid="ingress-card">
        <dt className="text-slate-500">Status</dt>
        <dd>{o.running ? "running" : `not running${o.error ? ` (${o.error})` : ""}`}</dd>
        <dt className="text-slate-500">Names routed</dt>
        <dd>{o.routes}</dd>
        <dt className="text-slate-500">Listens on</dt>
        <dd>
          HTTP :{o.httpPort} · HTTPS :{o.httpsPort}
        </dd>
        <dt className="text-slate-500">Names</dt>
        <dd>
          <code>*.{o.domain}</code>
        </dd>
        <dt className="text-slate-500">Certificates</dt>
        <dd>
          {o.certificates} ({o.issuer === "acme" ? "ACME for public names" : "internal CA"})
        </dd>
        <dt className="text-slate-500">Expiring within 14 days</dt>
        <dd>
          {o.expiringSoon.length === 0
            ? "none"
            : o.expiringSoon.map((c) => `${c.name} (${c.notAfter.slice(0, 10)})`).join(", ")}
        </dd>
      </dl>
    </Card>
  );
}
