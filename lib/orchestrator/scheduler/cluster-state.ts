import { matchesLabels } from "./filters";
import * as layout from "./prepared-cluster";
import { asPrepared, loadFitsFor, type ClusterInput } from "./prepared-cluster";
import type { Prng } from "./prng";
import { DEFAULT_LOAD_MARK, dominantOf, packScoreOf, spreadScoreOf, type ResolvedScoring } from "./scorers";
import { CLOUDLET_RAM_MIB, type ContainerDemand, type HardwareNodeSnapshot } from "./types";

// Bundlers that compile imports to CommonJS (tsx, esbuild) read every imported binding through a
// getter; binding them once here keeps the calls in the hot loop direct and inlinable (2× faster).
const RAM_PER_CLOUDLET = CLOUDLET_RAM_MIB;
const spreadOf = spreadScoreOf;
const packOf = packScoreOf;
const dominant = dominantOf;
const S = layout.STRIDE;
const RAM = layout.RAM;
const CPU = layout.CPU;
const DISK = layout.DISK;
const SLOTS = layout.SLOTS;
const LIMIT = layout.LIMIT;

/**
 * The working copy of a cluster for one call: the prepared cluster's numbers plus a private copy of
 * the reserved totals that tentative placements update incrementally, so the per-container scan
 * over every node touches only typed arrays and allocates nothing. Created and mutated inside a
 * single pure call; it never escapes it.
 */
export interface ClusterState {
  nodes: readonly HardwareNodeSnapshot[];
  size: number;
  capacity: Float64Array;
  reserved: Float64Array;
  loadFit: Float64Array;
  /** ACTIVE, in the region and not excluded; labels are applied per layer on top. */
  baseEligible: Uint8Array;
  excludedIndex: number;
  scoring: ResolvedScoring;
  prng: Prng;
  /** Containers per layer key per node, existing plus tentative. */
  layerCounts: Map<string, Int32Array>;
  indexById: ReadonlyMap<string, number>;
  /** RAM, CPU, disk shares of the node being scored; reused so the hot loop allocates nothing. */
  scratch: Float64Array;
}

// The prepared cluster caches load fits for the default coefficients only.
const isDefaultLoadMark = ({ loadMark: m }: ResolvedScoring) =>
  m.swap === DEFAULT_LOAD_MARK.swap &&
  m.mem === DEFAULT_LOAD_MARK.mem &&
  m.disk === DEFAULT_LOAD_MARK.disk &&
  m.cpu === DEFAULT_LOAD_MARK.cpu;

export function createClusterState(options: {
  cluster: ClusterInput;
  regionId: string;
  scoring: ResolvedScoring;
  prng: Prng;
  excludedNodeId?: string;
}): ClusterState {
  const cluster = asPrepared(options.cluster);
  const n = cluster.size;
  const region = cluster.regionCodes.get(options.regionId) ?? -1;
  const baseEligible = new Uint8Array(n);
  for (let i = 0; i < n; i++) baseEligible[i] = cluster.active[i] === 1 && cluster.regionOf[i] === region ? 1 : 0;
  const excludedIndex =
    options.excludedNodeId === undefined ? -1 : (cluster.indexById.get(options.excludedNodeId) ?? -1);
  if (excludedIndex >= 0) baseEligible[excludedIndex] = 0;
  return {
    nodes: cluster.nodes,
    size: n,
    capacity: cluster.capacity,
    reserved: cluster.reserved.slice(),
    loadFit: isDefaultLoadMark(options.scoring)
      ? cluster.loadFit
      : loadFitsFor(cluster.nodes, options.scoring.loadMark),
    baseEligible,
    excludedIndex,
    scoring: options.scoring,
    prng: options.prng,
    layerCounts: new Map(),
    indexById: cluster.indexById,
    scratch: new Float64Array(3),
  };
}

export function nodeIndex(state: ClusterState, nodeId: string): number {
  return state.indexById.get(nodeId) ?? -1;
}

export function layerCountsFor(state: ClusterState, layerKey: string): Int32Array {
  let counts = state.layerCounts.get(layerKey);
  if (!counts) {
    counts = new Int32Array(state.size);
    state.layerCounts.set(layerKey, counts);
  }
  return counts;
}

/** Base eligibility plus the layer's label selector; shares the base mask when there is no selector. */
export function eligibilityFor(
  state: ClusterState,
  selector: Readonly<Record<string, string>> | undefined,
): Uint8Array {
  if (!selector || Object.keys(selector).length === 0) return state.baseEligible;
  const mask = new Uint8Array(state.size);
  for (let i = 0; i < state.size; i++) {
    mask[i] = state.baseEligible[i] && matchesLabels(state.nodes[i].labels, selector) ? 1 : 0;
  }
  return mask;
}

export interface Candidate {
  demand: ContainerDemand;
  eligible: Uint8Array;
  counts: Int32Array;
  ha: boolean;
}

/** The chosen index and its weighted score; index -1 when no node fits. */
export interface Choice {
  index: number;
  score: number;
}

// Shares after placement, written once per node into scratch so spread and pack share one division each.
function sharesAt(s: ClusterState, o: number, d: ContainerDemand, out: Float64Array): void {
  const cap = s.capacity;
  const res = s.reserved;
  out[0] = cap[o + RAM] > 0 ? (res[o + RAM] + d.ramMib) / cap[o + RAM] : 0;
  out[1] = cap[o + CPU] > 0 ? (res[o + CPU] + d.cpuMhz) / cap[o + CPU] : 0;
  out[2] = cap[o + DISK] > 0 ? (res[o + DISK] + d.diskGib) / cap[o + DISK] : 0;
}

/**
 * Weighted mean (scorers.ts#combineScores). A lone scorer's value is returned as is, so the common
 * case skips a division and its rounding.
 */
function combine(wSpread: number, spread: number, wPack: number, pack: number): number {
  if (wPack === 0) return wSpread === 0 ? 0 : spread;
  if (wSpread === 0) return pack;
  return (wSpread * spread + wPack * pack) / (wSpread + wPack);
}

/**
 * Weighted score of node i for the candidate; same formulas and operation order as selectNode,
 * so explain shows exactly the number the selection compared.
 */
export function scoreAt(state: ClusterState, i: number, c: Candidate): { spread: number; pack: number; total: number } {
  const w = state.scoring.weights;
  const sh = new Float64Array(3);
  sharesAt(state, i * S, c.demand, sh);
  const spread = w.spread !== 0 ? spreadOf(c.counts[i], state.loadFit[i], dominant(sh[0], sh[1], sh[2])) : 0;
  const pack = w.pack !== 0 ? packOf(sh[0], sh[1], sh[2]) : 0;
  return { spread, pack, total: combine(w.spread, spread, w.pack, pack) };
}

/**
 * The hot loop: scan every node with the filters' comparisons (filters.ts is the readable
 * reference; tests check both agree), keep the best score, and break exact ties by reservoir
 * sampling with the seeded PRNG (each of k tied nodes wins with probability 1/k).
 */
export function selectNode(s: ClusterState, c: Candidate, out: Choice): Choice {
  const { demand: d, eligible, counts, ha } = c;
  const { reserved: res, capacity: cap, loadFit } = s;
  const wSpread = s.scoring.weights.spread;
  const wPack = s.scoring.weights.pack;
  const ram = d.ramMib;
  const cpu = d.cpuMhz;
  const disk = d.diskGib;
  const limitMib = d.limitCloudlets * RAM_PER_CLOUDLET;
  const n = s.size;
  const prng = s.prng;
  const sh = s.scratch;
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  for (let i = 0, o = 0; i < n; i++, o += S) {
    if (
      eligible[i] !== 1 ||
      res[o] + ram > cap[o] ||
      res[o + 1] + cpu > cap[o + 1] ||
      res[o + 2] + disk > cap[o + 2] ||
      res[o + 3] + 1 > cap[o + 3] ||
      res[o + 4] * RAM_PER_CLOUDLET + limitMib > cap[o + 4] ||
      (ha && counts[i] > 0)
    ) {
      continue;
    }
    sharesAt(s, o, d, sh);
    const score = combine(
      wSpread,
      wSpread !== 0 ? spreadOf(counts[i], loadFit[i], dominant(sh[0], sh[1], sh[2])) : 0,
      wPack,
      wPack !== 0 ? packOf(sh[0], sh[1], sh[2]) : 0,
    );
    if (score > bestScore) {
      bestScore = score;
      best = i;
      ties = 1;
    } else if (score === bestScore) {
      ties++;
      if (prng() * ties < 1) best = i;
    }
  }
  out.index = best;
  out.score = best < 0 ? 0 : bestScore;
  return out;
}

/** Records a tentative placement in the working copy. */
export function reserveAt(s: ClusterState, i: number, c: Candidate): void {
  const d = c.demand;
  const o = i * S;
  s.reserved[o + RAM] += d.ramMib;
  s.reserved[o + CPU] += d.cpuMhz;
  s.reserved[o + DISK] += d.diskGib;
  s.reserved[o + SLOTS] += 1;
  s.reserved[o + LIMIT] += d.limitCloudlets;
  c.counts[i] += 1;
}

/** The node as the working copy sees it now, for the reference filters and scorers. */
export function currentSnapshot(s: ClusterState, i: number): HardwareNodeSnapshot {
  const o = i * S;
  return {
    ...s.nodes[i],
    reserved: {
      ramMib: s.reserved[o + RAM],
      cpuMhz: s.reserved[o + CPU],
      diskGib: s.reserved[o + DISK],
      containers: s.reserved[o + SLOTS],
      limitCloudlets: s.reserved[o + LIMIT],
    },
  };
}
