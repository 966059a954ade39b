import type { Metadata } from "next";
import { EnrolNodeForm } from "@/components/admin/enrol-node-form";
import { PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { listRegionOptions } from "@/lib/db/regions";

export const metadata: Metadata = { title: "Enrol a hardware node" };

export default async function EnrolNodePage() {
  const actor = await requirePageAdmin();
  const regions = await listRegionOptions({ actor });
  return (
    <>
      <PageHeader
        title="Enrol a hardware node"
        description="Test the connection, compare the host key fingerprint with the node's own, then save. The private key is stored encrypted and never shown again."
      />
      <EnrolNodeForm
        regions={regions.map((r) => ({ id: r.id, name: r.name, isDefault: r.isDefault, subnetPool: r.subnetPool }))}
      />
    </>
  );
}
