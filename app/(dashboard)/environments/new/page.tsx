import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { TopologyWizard } from "@/components/environments/wizard/topology-wizard";
import { requirePageUser } from "@/lib/auth/session";
import { listRegionChoices } from "@/lib/db/environments";
import { getAccountSummary } from "@/lib/db/users";

export const metadata: Metadata = { title: "New environment" };

export default async function NewEnvironmentPage() {
  const user = await requirePageUser();
  const [regions, account] = await Promise.all([listRegionChoices(), getAccountSummary(user.id)]);
  const quota = account?.quota
    ? {
        maxEnvironments: account.quota.maxEnvironments,
        maxCloudletsPerContainer: account.quota.maxCloudletsPerContainer,
        maxContainersPerLayer: account.quota.maxContainersPerLayer,
        maxReservedCloudlets: account.quota.maxReservedCloudlets,
        maxDiskGib: account.quota.maxDiskGib,
      }
    : null;
  return (
    <>
      <PageHeader
        title="New environment"
        description="Pick a region and add layers. 1 cloudlet = 128 MiB RAM + 400 MHz CPU; reserved cloudlets are guaranteed, the dynamic limit is what a container may burst to."
      />
      <TopologyWizard
        regions={regions}
        quota={quota}
        usage={{
          environments: account?.environments ?? 0,
          reservedCloudlets: account?.reservedCloudlets ?? 0,
          diskGib: account?.diskGib ?? 0,
        }}
      />
    </>
  );
}
