import {
  CLOUDLET_CPU_MHZ,
  CLOUDLET_RAM_MIB,
  type ContainerDemand,
  type ContainerResources,
  type LayerRequest,
  type PlacementRequest,
} from "./types";

/** Placement counts reserved cloudlets for RAM/CPU; dynamic limits only count against overcommit. */
export function toDemand(resources: ContainerResources): ContainerDemand {
  return {
    ramMib: resources.reservedCloudlets * CLOUDLET_RAM_MIB,
    cpuMhz: resources.reservedCloudlets * CLOUDLET_CPU_MHZ,
    diskGib: resources.diskGib,
    limitCloudlets: resources.dynamicCloudlets,
  };
}

/** Readable one-liner for messages: "4 cloudlets (512 MiB RAM, 1600 MHz CPU), limit 16, 10 GiB disk". */
export function describeResources(resources: ContainerResources): string {
  const d = toDemand(resources);
  return (
    `${resources.reservedCloudlets} reserved cloudlets (${d.ramMib} MiB RAM, ${d.cpuMhz} MHz CPU), ` +
    `dynamic limit ${resources.dynamicCloudlets}, ${resources.diskGib} GiB disk`
  );
}

const isWhole = (n: number) => Number.isInteger(n) && n >= 0;

/**
 * Returns a problem with the resources or null. Whole cloudlets keep the reserved arithmetic exact,
 * so releasing what was placed restores a node's totals bit for bit.
 */
export function validateResources(resources: ContainerResources): string | null {
  const { reservedCloudlets, dynamicCloudlets, diskGib } = resources;
  if (!isWhole(reservedCloudlets)) return `reserved cloudlets must be a whole number ≥ 0, got ${reservedCloudlets}`;
  if (!isWhole(dynamicCloudlets) || dynamicCloudlets < 1) {
    return `dynamic limit must be a whole number ≥ 1, got ${dynamicCloudlets}`;
  }
  if (dynamicCloudlets < reservedCloudlets) {
    return `dynamic limit (${dynamicCloudlets}) is below the reserved cloudlets (${reservedCloudlets})`;
  }
  if (!Number.isFinite(diskGib) || diskGib < 0) return `disk must be a finite number ≥ 0 GiB, got ${diskGib}`;
  return null;
}

function validateLayer(layer: LayerRequest): string | null {
  if (!layer.id) return "every layer needs an id";
  if (!isWhole(layer.count)) return `layer "${layer.id}": count must be a whole number ≥ 0, got ${layer.count}`;
  const problem = validateResources(layer.resources);
  return problem ? `layer "${layer.id}": ${problem}` : null;
}

export function validateRequest(request: PlacementRequest): string | null {
  const seen = new Set<string>();
  for (const layer of request.layers) {
    const problem = validateLayer(layer);
    if (problem) return problem;
    if (seen.has(layer.id)) return `layer "${layer.id}" appears twice in the request`;
    seen.add(layer.id);
  }
  const { weights } = request.scoring ?? {};
  for (const [name, w] of Object.entries(weights ?? {})) {
    if (!Number.isFinite(w) || (w as number) < 0) return `scorer weight "${name}" must be a finite number ≥ 0`;
  }
  return null;
}
