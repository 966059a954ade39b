import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { getClusterSummary } from "@/lib/db/cluster";

export const metadata: Metadata = { title: "Cluster" };

export default async function ClusterPage() {
  const actor = await requirePageAdmin();
  const summary = await getClusterSummary(actor);
  return (
    <>
      <PageHeader title="Cluster" description="The orchestrator (this panel), its regions and their hardware nodes." />
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Card title="Regions"><p className="text-2xl font-semibold">{summary.regions}</p></Card>
        <Card title="Hardware nodes"><p className="text-2xl font-semibold">{summary.nodes}</p></Card>
        <Card title="Environments"><p className="text-2xl font-semibold">{summary.environments}</p></Card>
        <Card title="Users"><p className="text-2xl font-semibold">{summary.users}</p></Card>
      </div>
      {summary.nodes === 0 && <EmptyState title="No hardware nodes enrolled">Enrol a hardware node to give the cluster capacity.</EmptyState>}
    </>
  );
}
