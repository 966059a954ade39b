"use client";
import { plural } from "@/lib/words";
import "@xyflow/react/dist/style.css";
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from "@xyflow/react";
import { useMemo } from "react";
import type { EnvironmentDetail } from "@/lib/db/environments";
import { getStack } from "@/lib/stacks/catalog";
import { ROLE_LABELS, statusLabel } from "./format";

const box =
  "rounded-md border px-2 py-1 text-xs shadow-sm bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100";
const stateBorder: Record<string, string> = {
  RUNNING: "border-emerald-500",
  FAILED: "border-red-500",
  STOPPED: "border-slate-400",
};

/** environment → layers → containers → hardware nodes; rebuilt from props, so live updates redraw it. */
export function buildGraph(env: EnvironmentDetail): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const containers = env.layers.flatMap((l) => l.containers.map((c) => ({ ...c, layerId: l.id })));
  const colW = 190;
  const width = Math.max(containers.length, env.layers.length, 1) * colW;
  nodes.push({
    id: `env`,
    position: { x: width / 2 - 90, y: 0 },
    data: { label: `${env.name} · ${statusLabel(env.status)}` },
    className: `${box} border-brand-500 font-semibold`,
    draggable: false,
  });
  env.layers.forEach((l, i) => {
    const stack = getStack(l.stack);
    const x = (width / env.layers.length) * (i + 0.5) - 90;
    nodes.push({
      id: `layer-${l.id}`,
      position: { x, y: 100 },
      data: { label: `${stack?.icon ?? ""} ${l.name} · ${ROLE_LABELS[l.role] ?? l.role} ×${l.count}` },
      className: box,
      draggable: false,
    });
    edges.push({ id: `e-env-${l.id}`, source: "env", target: `layer-${l.id}` });
  });
  containers.forEach((c, i) => {
    nodes.push({
      id: `c-${c.id}`,
      position: { x: i * colW, y: 220 },
      data: { label: `${c.displayName} ${c.ip ?? ""} · ${statusLabel(c.state)}` },
      className: `${box} ${stateBorder[c.state] ?? "border-amber-500"}`,
      draggable: false,
    });
    edges.push({
      id: `e-l-${c.id}`,
      source: `layer-${c.layerId}`,
      target: `c-${c.id}`,
      animated: c.state !== "RUNNING" && c.state !== "STOPPED",
    });
  });
  const hosts = [...new Map(containers.filter((c) => c.node).map((c) => [c.node!.id, c.node!])).values()];
  hosts.forEach((h, i) => {
    nodes.push({
      id: `hn-${h.id}`,
      position: { x: (width / hosts.length) * (i + 0.5) - 90, y: 360 },
      data: { label: `🖥 ${h.name}${h.engine === "SIM" ? " (simulated)" : ""}` },
      className: `${box} border-slate-500 font-medium`,
      draggable: false,
    });
  });
  for (const c of containers)
    if (c.node)
      edges.push({
        id: `e-h-${c.id}`,
        source: `c-${c.id}`,
        target: `hn-${c.node.id}`,
        markerEnd: { type: MarkerType.ArrowClosed },
        style: { strokeDasharray: "4 3" },
      });
  return { nodes, edges };
}

export default function TopologyGraph({
  env,
  onOpenContainer,
}: {
  env: EnvironmentDetail;
  onOpenContainer: (id: string) => void;
}) {
  const { nodes, edges } = useMemo(() => buildGraph(env), [env]);
  return (
    <div
      className="h-[28rem] w-full rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950"
      role="figure"
      aria-label={`Topology graph of ${env.name}: ${plural(env.layers.length, "layer")}, ${plural(nodes.filter((n) => n.id.startsWith("c-")).length, "container")}`}
      data-testid="topology-graph"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        nodesConnectable={false}
        nodesDraggable={false}
        onNodeClick={(_, n) => {
          if (n.id.startsWith("c-")) onOpenContainer(n.id.slice(2));
        }}
        proOptions={{ hideAttribution: true }}
        colorMode="system"
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
