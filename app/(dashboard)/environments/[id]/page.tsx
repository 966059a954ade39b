import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { EnvironmentView } from "@/components/environments/environment-view";
import { requirePageUser } from "@/lib/auth/session";
import { EndpointsCard } from "@/components/environments/endpoints-card";
import { getEnvironmentEndpoints } from "@/lib/db/environment-endpoints";
import { getEnvironmentDetail, wasEnvironmentDeletedBy } from "@/lib/db/environments";
import { AddressesCard } from "@/components/environments/addresses-card";
import { getEnvironmentAddresses } from "@/lib/services/ingress";
import { DomainsCard } from "@/components/environments/domains-card";
import { listCustomDomains } from "@/lib/services/custom-domains";
import { TcpEndpointsCard } from "@/components/environments/tcp-endpoints-card";
import { listTcpEndpoints } from "@/lib/services/tcp-endpoints";
import { AppTabs } from "@/components/environments/app-tabs";
import { listDeploys } from "@/lib/services/deploys";
import { listVariables } from "@/lib/services/variables";

export const metadata: Metadata = { title: "Environment" };

export default async function EnvironmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  // Ownership is in the query: another user's environment is a 404, like a missing one.
  const [env, endpoints, addresses, domains, tcp, deploys, variables] = await Promise.all([
    getEnvironmentDetail(user, id),
    getEnvironmentEndpoints(user, id),
    getEnvironmentAddresses(user, id),
    listCustomDomains(user, id),
    listTcpEndpoints(user, id),
    listDeploys(user, id),
    listVariables(user, id),
  ]);
  if (!env) {
    // Whoever deleted it goes back to the list; to anyone else it is a 404 like any missing one.
    if (await wasEnvironmentDeletedBy(user, id)) redirect("/environments");
    notFound();
  }
  return (
    <EnvironmentView
      env={env}
      viewer={{ id: user.id, role: user.role }}
      endpoints={
        <>
          <AppTabs
            environmentId={env.id}
            deploys={deploys ?? []}
            variables={variables ?? []}
            logs={env.layers.length > 0}
          />
          {addresses && <AddressesCard environmentId={env.id} {...addresses} canEdit />}
          {domains && <DomainsCard environmentId={env.id} domains={domains} />}
          {tcp && <TcpEndpointsCard environmentId={env.id} {...tcp} />}
          {endpoints && <EndpointsCard endpoints={endpoints} />}
        </>
      }
    />
  );
}
