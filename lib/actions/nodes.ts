// Hardware nodes (admin): enrolment in two steps, maintenance, facts, capacity, evacuation, removal.
import * as evacuation from "@/lib/services/evacuation";
import * as nodes from "@/lib/services/nodes";
import {
  ZDecommissionNodeInput,
  ZEnrolNodeInput,
  ZNodeConnectionInput,
  ZNodeIdInput,
  ZNodeTemplateInput,
  ZSetNodeStatusInput,
  ZUpdateNodeInput,
} from "@/lib/validation/nodes";
import * as templates from "@/lib/services/templates";
import { defineAction, spreadInput } from "./define";

const nodePages = (input: { nodeId: string }) => [`/admin/nodes/${input.nodeId}`, "/admin/nodes", "/admin"];

/** Step one of enrolment: scans the host key and probes the node; stores nothing. */
export const testNodeConnection = defineAction({
  name: "node.test-connection",
  auth: "admin",
  input: ZNodeConnectionInput,
  run: nodes.testNodeConnection,
});

export const enrolNode = defineAction({
  name: "node.enrol",
  auth: "admin",
  input: ZEnrolNodeInput,
  run: nodes.enrolNode,
  // Nothing revalidated: the form goes on to the new node's page (see decommissionNode).
});

export const setNodeStatus = defineAction({
  name: "node.status",
  auth: "admin",
  input: ZSetNodeStatusInput,
  run: spreadInput(nodes.setNodeStatus),
  revalidate: nodePages,
});

/** A failed probe is stored as the node's last error, so the page is refreshed either way. */
export const refreshNodeFacts = defineAction({
  name: "node.refresh-facts",
  auth: "admin",
  input: ZNodeIdInput,
  run: spreadInput(nodes.refreshNodeFacts),
  revalidate: nodePages,
  revalidateOnError: true,
});

export const decommissionNode = defineAction({
  name: "node.decommission",
  auth: "admin",
  input: ZDecommissionNodeInput,
  run: spreadInput(nodes.decommissionNode),
  // Nothing revalidated: the form leaves for the list, which that navigation renders fresh (see
  // deleteEnvironment in ./environments.ts for why a revalidating action must not race it).
});

export const updateNode = defineAction({
  name: "node.update",
  auth: "admin",
  input: ZUpdateNodeInput,
  run: nodes.updateNode,
  revalidate: nodePages,
});

export const planEvacuation = defineAction({
  name: "node.plan-evacuation",
  auth: "admin",
  input: ZNodeIdInput,
  run: spreadInput(evacuation.planNodeEvacuation),
});

export const evacuateNode = defineAction({
  name: "node.evacuate",
  auth: "admin",
  input: ZNodeIdInput,
  run: spreadInput(evacuation.evacuateNode),
  revalidate: nodePages,
});

/** Queues a rebuild of one stack template on the node (refused while containers use it). */
export const rebuildNodeTemplate = defineAction({
  name: "node.template.rebuild",
  auth: "admin",
  input: ZNodeTemplateInput,
  run: ({ actor, input, ip }) => templates.requestTemplateAction({ actor, input, ip, action: "rebuild" }),
  revalidate: nodePages,
});

/** Queues the removal of one stack template from the node (refused while containers use it). */
export const deleteNodeTemplate = defineAction({
  name: "node.template.delete",
  auth: "admin",
  input: ZNodeTemplateInput,
  run: ({ actor, input, ip }) => templates.requestTemplateAction({ actor, input, ip, action: "delete" }),
  revalidate: nodePages,
});
