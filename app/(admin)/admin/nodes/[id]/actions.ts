"use server";
import * as nodes from "@/lib/actions/nodes";
import { serverActions } from "@/lib/actions/next";

export const {
  setNodeStatusAction,
  refreshNodeFactsAction,
  decommissionNodeAction,
  updateNodeAction,
  planEvacuationAction,
  evacuateNodeAction,
  rebuildNodeTemplateAction,
  deleteNodeTemplateAction,
} = serverActions(nodes);
