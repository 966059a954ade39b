"use server";
import * as nodes from "@/lib/actions/nodes";
import { serverActions } from "@/lib/actions/next";

export const { testNodeConnectionAction, enrolNodeAction } = serverActions(nodes);
