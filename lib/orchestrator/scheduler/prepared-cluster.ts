import { allocatableOf } from "./allocation";
import { overcommitCeilingMib } from "./filters";
import { DEFAULT_LOAD_MARK, loadFitOf, loadMark } from "./scorers";
import type { HardwareNodeSnapshot, LoadMarkCoefficients, ReservedDelta } from "./types";

/** Numbers per node in `capacity` and `reserved` (struct of arrays, interleaved for locality). */
export const STRIDE = 5;
export const RAM = 0;
export const CPU = 1;
export const DISK = 2;
export const SLOTS = 3;
/** In `capacity`: the dynamic-limit ceiling in MiB; in `reserved`: the sum of dynamic limits in cloudlets. */
export const LIMIT = 4;

/**
 * The cluster as numbers, built once and carried forward: a caller placing many requests in a row
 * (bulk create, the simulator, the benchmark) pays O(nodes) once, then O(nodes) memcpy plus O(changed)
 * per applied placement instead of re-reading every node object for every request.
 * Immutable by contract: nothing in the scheduler writes to these arrays after they are built;
 * applyPlacement returns a new cluster sharing everything but `reserved` and `nodes`.
 */
export interface PreparedCluster {
  readonly kind: "prepared-cluster";
  readonly nodes: readonly HardwareNodeSnapshot[];
  readonly size: number;
  /** Per node: allocatable ramMib, cpuMhz, diskGib (physical × ratio), maxContainers, dynamic-limit ceiling MiB. */
  readonly capacity: Float64Array;
  /** Per node: ramMib, cpuMhz, diskGib, containers, limitCloudlets. */
  readonly reserved: Float64Array;
  readonly active: Uint8Array;
  readonly regionOf: Int32Array;
  readonly regionCodes: ReadonlyMap<string, number>;
  /** loadFitOf(loadMark(load)) with the default coefficients; load is observed, placement never changes it. */
  readonly loadFit: Float64Array;
  readonly indexById: ReadonlyMap<string, number>;
}

/** Either form is accepted wherever the scheduler reads a cluster. */
export type ClusterInput = readonly HardwareNodeSnapshot[] | PreparedCluster;

export function prepareCluster(nodes: readonly HardwareNodeSnapshot[]): PreparedCluster {
  const n = nodes.length;
  const capacity = new Float64Array(n * STRIDE);
  const reserved = new Float64Array(n * STRIDE);
  const active = new Uint8Array(n);
  const regionOf = new Int32Array(n);
  const regionCodes = new Map<string, number>();
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    const o = i * STRIDE;
    const allocatable = allocatableOf(node);
    capacity[o + RAM] = allocatable.ramMib;
    capacity[o + CPU] = allocatable.cpuMhz;
    capacity[o + DISK] = allocatable.diskGib;
    capacity[o + SLOTS] = node.capacity.maxContainers;
    capacity[o + LIMIT] = overcommitCeilingMib(node);
    reserved[o + RAM] = node.reserved.ramMib;
    reserved[o + CPU] = node.reserved.cpuMhz;
    reserved[o + DISK] = node.reserved.diskGib;
    reserved[o + SLOTS] = node.reserved.containers;
    reserved[o + LIMIT] = node.reserved.limitCloudlets;
    active[i] = node.status === "ACTIVE" ? 1 : 0;
    let code = regionCodes.get(node.regionId);
    if (code === undefined) regionCodes.set(node.regionId, (code = regionCodes.size));
    regionOf[i] = code;
    indexById.set(node.id, i);
  }
  return {
    kind: "prepared-cluster",
    nodes,
    size: n,
    capacity,
    reserved,
    active,
    regionOf,
    regionCodes,
    loadFit: loadFitsFor(nodes, DEFAULT_LOAD_MARK),
    indexById,
  };
}

export function loadFitsFor(
  nodes: readonly HardwareNodeSnapshot[],
  coefficients: Readonly<LoadMarkCoefficients>,
): Float64Array {
  const fits = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) fits[i] = loadFitOf(loadMark(nodes[i].load, coefficients));
  return fits;
}

export function isPrepared(input: ClusterInput): input is PreparedCluster {
  return !Array.isArray(input);
}

export function asPrepared(input: ClusterInput): PreparedCluster {
  return isPrepared(input) ? input : prepareCluster(input);
}

/**
 * A new cluster with deltas added (sign 1) or removed (sign -1). Node snapshots and arrays are
 * updated with the same additions in the same order, so both views stay bit-identical.
 */
export function shiftCluster(
  cluster: PreparedCluster,
  deltas: readonly ReservedDelta[],
  sign: 1 | -1,
): PreparedCluster {
  const reserved = cluster.reserved.slice();
  const nodes = cluster.nodes.slice();
  for (const delta of deltas) {
    const i = cluster.indexById.get(delta.nodeId);
    if (i === undefined) continue;
    const o = i * STRIDE;
    const node = nodes[i];
    const next = {
      ramMib: node.reserved.ramMib + sign * delta.ramMib,
      cpuMhz: node.reserved.cpuMhz + sign * delta.cpuMhz,
      diskGib: node.reserved.diskGib + sign * delta.diskGib,
      containers: node.reserved.containers + sign * delta.containers,
      limitCloudlets: node.reserved.limitCloudlets + sign * delta.limitCloudlets,
    };
    nodes[i] = { ...node, reserved: next };
    reserved[o + RAM] = next.ramMib;
    reserved[o + CPU] = next.cpuMhz;
    reserved[o + DISK] = next.diskGib;
    reserved[o + SLOTS] = next.containers;
    reserved[o + LIMIT] = next.limitCloudlets;
  }
  return { ...cluster, nodes, reserved };
}
