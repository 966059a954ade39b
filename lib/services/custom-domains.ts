// Custom domains: an owner binds a domain to an environment (the ingress routes it next to the platform
// name), optionally with their own certificate. A domain belongs to at most one environment platform-wide
// (unique index; a second tenant gets a field error). Bad input changes nothing.
import type { Actor } from "@/lib/auth/actor";
import { config } from "@/lib/config";
import { checkCertificate } from "@/lib/crypto/certificate";
import { sealSecret } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { logIgnored } from "@/lib/log";
import { environmentHost } from "@/lib/orchestrator/ingress/names";
import type { AddCustomDomainInput } from "@/lib/validation/environments";
import { recordAudit } from "./audit";
import { getOwnedEnvironment } from "./environment-ops";
import { syncIngress } from "./ingress";

const MAX_DOMAINS_PER_ENVIRONMENT = 20;

function fieldError(field: string, message: string): AppError {
  return new AppError("VALIDATION", message, { fieldErrors: { [field]: [message] } });
}

export async function addCustomDomain(options: { actor: Actor; input: AddCustomDomainInput; ip?: string | null }) {
  const { actor, input } = options;
  const env = await getOwnedEnvironment(actor, input.environmentId);
  const platform = config.HOSTPLANE_DOMAIN.toLowerCase().replace(/\.$/, "");
  if (input.domain === platform || input.domain.endsWith(`.${platform}`))
    throw fieldError("domain", `Names under ${platform} are the platform's; bind a domain of your own.`);
  let cert: { pem: string; keyEncrypted: string; notAfter: Date } | null = null;
  if (input.certificatePem.trim()) {
    const checked = checkCertificate({
      domain: input.domain,
      certificatePem: input.certificatePem,
      keyPem: input.keyPem,
    });
    if (!checked.ok) throw fieldError(checked.field, checked.message);
    cert = { pem: checked.chainPem, keyEncrypted: sealSecret(input.keyPem.trim() + "\n"), notAfter: checked.notAfter };
  }
  if ((await db.customDomain.count({ where: { environmentId: env.id } })) >= MAX_DOMAINS_PER_ENVIRONMENT)
    throw fieldError("domain", `An environment has at most ${MAX_DOMAINS_PER_ENVIRONMENT} custom domains.`);
  let created;
  try {
    created = await db.$transaction(async (tx) => {
      const row = await tx.customDomain.create({
        data: {
          environmentId: env.id,
          domain: input.domain,
          certificatePem: cert?.pem ?? null,
          keyEncrypted: cert?.keyEncrypted ?? null,
          certNotAfter: cert?.notAfter ?? null,
        },
        select: { id: true, domain: true },
      });
      await recordAudit(
        {
          actorId: actor.id,
          action: "environment.domain.add",
          targetType: "environment",
          targetId: env.id,
          ip: options.ip ?? null,
          detail: { environment: env.name, domain: input.domain, certificate: cert ? "own" : "issued" },
        },
        tx,
      );
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw fieldError("domain", `${input.domain} is already bound to an environment.`);
    throw error;
  }
  await syncIngress().catch(logIgnored("pushing routes after adding a domain (resync retries)"));
  return created;
}

export async function removeCustomDomain(options: {
  actor: Actor;
  environmentId: string;
  domainId: string;
  ip?: string | null;
}) {
  const env = await getOwnedEnvironment(options.actor, options.environmentId);
  const removed = await db.$transaction(async (tx) => {
    const row = await tx.customDomain.findFirst({ where: { id: options.domainId, environmentId: env.id } });
    if (!row) throw new AppError("NOT_FOUND", "Domain not found.");
    await tx.customDomain.delete({ where: { id: row.id } });
    await recordAudit(
      {
        actorId: options.actor.id,
        action: "environment.domain.remove",
        targetType: "environment",
        targetId: env.id,
        ip: options.ip ?? null,
        detail: { environment: env.name, domain: row.domain },
      },
      tx,
    );
    return { domain: row.domain };
  });
  await syncIngress().catch(logIgnored("pushing routes after removing a domain (resync retries)"));
  return removed;
}

export type CustomDomainView = {
  id: string;
  domain: string;
  certificate: "own" | "issued";
  certNotAfter: string | null;
  /** The record the owner creates at their DNS provider. */
  dnsRecord: string;
};

export async function listCustomDomains(viewer: Pick<Actor, "id" | "role">, environmentId: string) {
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...(viewer.role === "ADMIN" ? {} : { ownerId: viewer.id }) },
    select: {
      name: true,
      owner: { select: { handle: true } },
      customDomains: {
        orderBy: { domain: "asc" },
        select: { id: true, domain: true, certificatePem: true, certNotAfter: true },
      },
    },
  });
  if (!env) return null;
  const target = environmentHost({ environment: env.name, handle: env.owner.handle, domain: config.HOSTPLANE_DOMAIN });
  return env.customDomains.map((d): CustomDomainView => ({
    id: d.id,
    domain: d.domain,
    certificate: d.certificatePem ? "own" : "issued",
    certNotAfter: d.certNotAfter?.toISOString() ?? null,
    dnsRecord: `${d.domain}. CNAME ${target}.`,
  }));
}
