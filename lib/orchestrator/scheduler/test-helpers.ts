import type { HardwareNodeSnapshot, LayerRequest, NodeCapacity, NodeLoad, NodeReserved } from "./types";

/** Hand-built nodes for tests: 16 GiB / 51.2 GHz (128 cloudlets), 500 GiB, 50 slots, idle, ACTIVE in r1. */
export function makeNode(
  id: string,
  patch: Partial<Omit<HardwareNodeSnapshot, "capacity" | "reserved" | "load">> & {
    capacity?: Partial<NodeCapacity>;
    reserved?: Partial<NodeReserved>;
    load?: Partial<NodeLoad>;
  } = {},
): HardwareNodeSnapshot {
  return {
    id,
    name: patch.name ?? id,
    regionId: patch.regionId ?? "r1",
    labels: patch.labels ?? {},
    status: patch.status ?? "ACTIVE",
    overcommitRatio: patch.overcommitRatio,
    allocationRatios: patch.allocationRatios,
    capacity: { ramMib: 16_384, cpuMhz: 51_200, diskGib: 500, maxContainers: 50, ...patch.capacity },
    reserved: { ramMib: 0, cpuMhz: 0, diskGib: 0, containers: 0, limitCloudlets: 0, ...patch.reserved },
    load: {
      memUsedMib: 0,
      memTotalMib: 16_384,
      swapUsedMib: 0,
      swapTotalMib: 4_096,
      diskUsedGib: 0,
      diskTotalGib: 500,
      loadAvg5: 0,
      cores: 8,
      ...patch.load,
    },
  };
}

export function makeLayer(id: string, patch: Partial<LayerRequest> = {}): LayerRequest {
  return {
    id,
    count: 1,
    ha: false,
    resources: { reservedCloudlets: 4, dynamicCloudlets: 8, diskGib: 10 },
    ...patch,
  };
}
