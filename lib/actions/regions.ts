// Regions (admin): each definition is the service itself; the pages listing regions are revalidated.
import * as regions from "@/lib/services/regions";
import {
  ZCreateRegionInput,
  ZRenameRegionInput,
  ZSetDefaultRegionInput,
  ZSetRegionRatiosInput,
  ZSetRegionStatusInput,
  ZSetRegionSubnetPoolInput,
} from "@/lib/validation/regions";
import { defineAction } from "./define";
import * as tcpEndpoints from "@/lib/services/tcp-endpoints";
import { ZSetRegionTcpEndpointsInput, ZTcpEndpointRange } from "@/lib/validation/endpoints";

const revalidate = ["/admin/regions", "/admin"];

export const createRegion = defineAction({
  name: "region.create",
  auth: "admin",
  input: ZCreateRegionInput,
  run: regions.createRegion,
  revalidate,
});

export const renameRegion = defineAction({
  name: "region.rename",
  auth: "admin",
  input: ZRenameRegionInput,
  run: regions.renameRegion,
  revalidate,
});

export const setRegionSubnetPool = defineAction({
  name: "region.subnet-pool",
  auth: "admin",
  input: ZSetRegionSubnetPoolInput,
  run: regions.setRegionSubnetPool,
  revalidate,
});

export const setDefaultRegion = defineAction({
  name: "region.default",
  auth: "admin",
  input: ZSetDefaultRegionInput,
  run: regions.setDefaultRegion,
  revalidate,
});

export const setRegionStatus = defineAction({
  name: "region.status",
  auth: "admin",
  input: ZSetRegionStatusInput,
  run: regions.setRegionStatus,
  revalidate,
});

export const setRegionAllocationRatios = defineAction({
  name: "region.allocation-ratios",
  auth: "admin",
  input: ZSetRegionRatiosInput,
  run: regions.setRegionAllocationRatios,
  revalidate: [...revalidate, "/admin/nodes", "/environments/new"],
});

/** The node ports TCP endpoints are allocated from (cluster-wide). */
export const setTcpEndpointRange = defineAction({
  name: "ingress.tcp-range",
  auth: "admin",
  input: ZTcpEndpointRange,
  run: tcpEndpoints.setTcpEndpointRange,
  revalidate,
});

/** Outbound NAT (containers reaching the outside world, e.g. builds fetching packages) on or off in one region. */
export const setRegionOutboundNat = defineAction({
  name: "region.outbound-nat",
  auth: "admin",
  input: ZSetRegionTcpEndpointsInput,
  run: regions.setRegionOutboundNat,
  revalidate,
});

/** TCP endpoints on or off in one region. */
export const setRegionTcpEndpoints = defineAction({
  name: "region.tcp-endpoints",
  auth: "admin",
  input: ZSetRegionTcpEndpointsInput,
  run: tcpEndpoints.setRegionTcpEndpoints,
  revalidate,
});
