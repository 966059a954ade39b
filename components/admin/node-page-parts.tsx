import { Card } from "@/components/ui/card";
import { DecommissionForm, EvacuationPanel, NodeSettingsForm, NodeStatusControls } from "./node-controls";

type NodeControlsInput = {
  id: string;
  name: string;
  status: string;
  containers: number;
  labels: string;
  ramMib: number;
  cores: number;
  mhzPerCore: number;
  diskGib: number;
  maxContainers: number;
  overcommitRatio: number;
};

/** The node page's action area: status, evacuation, capacity and labels, decommission. */
export function NodeControlsCard({ node }: { node: NodeControlsInput }) {
  return (
    <div className="mb-6 grid gap-6 lg:grid-cols-2">
      <Card title="Status">
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Maintenance: running containers keep running, nothing new is placed here.
        </p>
        <NodeStatusControls nodeId={node.id} status={node.status} />
      </Card>
      <Card title="Evacuate">
        <EvacuationPanel nodeId={node.id} nodeName={node.name} containers={node.containers} />
      </Card>
      <Card title="Capacity and labels">
        <NodeSettingsForm node={node} />
      </Card>
      <Card title="Decommission">
        <DecommissionForm nodeId={node.id} name={node.name} containers={node.containers} />
      </Card>
    </div>
  );
}
