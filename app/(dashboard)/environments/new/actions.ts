"use server";
import * as environments from "@/lib/actions/environments";
import { serverActions } from "@/lib/actions/next";

export type { PlacementPreview } from "@/lib/actions/environments";

export const { previewPlacementAction, checkNameAction, createEnvironmentAction } = serverActions(environments);
