import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { countEnvironmentsFor } from "@/lib/db/environments";

export const metadata: Metadata = { title: "Environments" };

export default async function EnvironmentsPage() {
  const user = await requirePageUser();
  const count = await countEnvironmentsFor(user);
  return (
    <>
      <PageHeader title="Environments" description="Your applications: containers grouped in layers, placed on the cluster's hardware nodes." />
      {count === 0 ? (
        <EmptyState title="No environments yet">
          Environments are created from the topology wizard: pick a region, add layers (balancer, application servers, databases, caches) and
          Hostplane places every container on a hardware node.
        </EmptyState>
      ) : (
        <p className="text-sm">{count} environments.</p>
      )}
    </>
  );
}
