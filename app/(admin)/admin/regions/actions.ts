"use server";
import * as regions from "@/lib/actions/regions";
import { serverActions } from "@/lib/actions/next";

export const {
  createRegionAction,
  renameRegionAction,
  setRegionSubnetPoolAction,
  setDefaultRegionAction,
  setRegionStatusAction,
  setRegionAllocationRatiosAction,
  setTcpEndpointRangeAction,
  setRegionTcpEndpointsAction,
  setRegionOutboundNatAction,
} = serverActions(regions);
