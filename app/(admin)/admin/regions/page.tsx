import type { Metadata } from "next";
import { formatGib, formatMhz, formatMib } from "@/lib/format";
import { CreateRegionForm, RegionRatiosForm, RegionRowControls } from "@/components/admin/region-forms";
import { CapacityLegend } from "@/components/admin/node-table";
import { UtilisationBar } from "@/components/admin/utilisation-bar";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";
import { listRegions } from "@/lib/db/regions";
import { LiveRefresh } from "@/components/live/live-feed";
import { TcpEndpointSettings } from "@/components/admin/tcp-endpoints-settings";
import { getTcpEndpointSettings } from "@/lib/services/tcp-endpoints";

export const metadata: Metadata = { title: "Regions" };
export const dynamic = "force-dynamic";

export default async function RegionsPage() {
  const actor = await requirePageAdmin();
  const [regions, tcp] = await Promise.all([listRegions({ actor }), getTcpEndpointSettings(actor)]);
  return (
    <>
      <LiveRefresh tables={["Region", "HardwareNode"]} />
      <PageHeader
        title="Regions"
        description="Host groups; an environment lives in one region. A region in maintenance accepts no new environments."
      />
      <TcpEndpointSettings range={tcp.range} regions={tcp.regions} />
      <div className="mb-6 flex flex-col gap-4">
        {regions.map((r) => (
          <Card
            key={r.id}
            title={`Region ${r.name}`}
            actions={
              <div className="flex gap-2">
                {r.isDefault && <Badge tone="blue">Default</Badge>}
                <Badge tone={r.status === "ACTIVE" ? "green" : "amber"}>
                  {r.status === "ACTIVE" ? "Active" : "Maintenance"}
                </Badge>
              </div>
            }
          >
            <div data-testid={`region-${r.name}`} className="flex flex-col gap-4">
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Subnet pool <code className="font-mono">{r.subnetPool}</code> · {r.nodes} hardware node
                {r.nodes === 1 ? "" : "s"} · {r.environments} environment{r.environments === 1 ? "" : "s"}
              </p>
              <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                <UtilisationBar
                  label="RAM"
                  used={r.reserved.ramMib}
                  total={r.allocatable.ramMib}
                  text={`${formatMib(r.reserved.ramMib)} reserved of ${formatMib(r.allocatable.ramMib)} allocatable (${formatMib(r.capacity.ramMib)} × ${r.ratios.ram}:1)`}
                />
                <UtilisationBar
                  label="CPU"
                  used={r.reserved.cpuMhz}
                  total={r.allocatable.cpuMhz}
                  text={`${formatMhz(r.reserved.cpuMhz)} reserved of ${formatMhz(r.allocatable.cpuMhz)} allocatable (${formatMhz(r.capacity.cpuMhz)} × ${r.ratios.cpu}:1)`}
                />
                <UtilisationBar
                  label="Disk"
                  used={r.reserved.diskGib}
                  total={r.allocatable.diskGib}
                  text={`${formatGib(r.reserved.diskGib)} reserved of ${formatGib(r.allocatable.diskGib)} allocatable (${formatGib(r.capacity.diskGib)} × ${r.ratios.disk}:1)`}
                />
                <UtilisationBar
                  label="Slots"
                  used={r.reserved.containers}
                  total={r.capacity.maxContainers}
                  text={`${r.reserved.containers} / ${r.capacity.maxContainers}`}
                />
              </div>
              <CapacityLegend />
              {r.overAllocatedNodes > 0 && (
                <p role="status" className="text-sm text-red-700 dark:text-red-300">
                  {r.overAllocatedNodes} node{r.overAllocatedNodes === 1 ? " is" : "s are"} over-allocated: more is
                  reserved than these ratios allow, so nothing new is placed there.
                </p>
              )}
              <RegionRatiosForm
                region={{
                  id: r.id,
                  cpuAllocationRatio: r.ratios.cpu,
                  ramAllocationRatio: r.ratios.ram,
                  diskAllocationRatio: r.ratios.disk,
                }}
              />
              <RegionRowControls
                region={{ id: r.id, name: r.name, subnetPool: r.subnetPool, status: r.status, isDefault: r.isDefault }}
              />
            </div>
          </Card>
        ))}
      </div>
      <Card title="New region">
        <CreateRegionForm />
      </Card>
    </>
  );
}
