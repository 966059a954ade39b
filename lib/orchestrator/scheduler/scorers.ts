import { allocatableOf } from "./allocation";
import type {
  ContainerDemand,
  HardwareNodeSnapshot,
  LoadMarkCoefficients,
  NodeLoad,
  PlacementStrategy,
  ScorerName,
  ScoringOptions,
} from "./types";

/**
 * Scorers rank the nodes that passed every filter, each on 0–100 (higher is better). The hot path
 * in cluster-state.ts calls the number-only forms (`…Of`) so both paths share one formula.
 */

export const DEFAULT_LOAD_MARK: Readonly<LoadMarkCoefficients> = Object.freeze({
  swap: 1,
  mem: 0.2,
  disk: 0.5,
  cpu: 1,
});

const ratio = (used: number, total: number) => (total > 0 ? used / total : 0);

/**
 * Jelastic's load mark: (swapUsed/swapTotal × swap + memUsed/memTotal × mem + diskUsed/diskTotal × disk
 * + cpuTerm × cpu) × 100, where cpuTerm = loadAvg5/(cores × 2) counts only when it exceeds 1 (a host
 * is not "loaded" until its run queue is twice its cores). Range: 0 … 170 with the default coefficients
 * and no CPU overload, unbounded above with it. Lower is better. A missing total counts as 0 used.
 */
export function loadMark(load: NodeLoad, coefficients: Readonly<LoadMarkCoefficients> = DEFAULT_LOAD_MARK): number {
  const cpu = ratio(load.loadAvg5, load.cores * 2);
  return (
    (ratio(load.swapUsedMib, load.swapTotalMib) * coefficients.swap +
      ratio(load.memUsedMib, load.memTotalMib) * coefficients.mem +
      ratio(load.diskUsedGib, load.diskTotalGib) * coefficients.disk +
      (cpu > 1 ? cpu : 0) * coefficients.cpu) *
    100
  );
}

/** Maps a load mark (0 … ∞) to (0, 1]: 1 for an idle node, 0.5 at mark 100; never 0, see spreadScoreOf. */
export function loadFitOf(mark: number): number {
  return 1 / (1 + Math.max(0, mark) / 100);
}

/** Above this many containers of one layer on a node, only the within-band value separates nodes. */
export const SPREAD_BANDS = 10;

/**
 * spread = 10 × (9 − min(sameLayer, 9)) + 10 × (0.25 × loadFit + 0.75 × (1 − dominantAfter)).
 * Range (0, 100]. Jelastic's rule is lexicographic — fewest containers of the same layer first,
 * then the lowest load mark — so the same-layer count picks a band of width 10 and the rest places
 * the node inside it: a node with k containers of the layer always beats one with k + 1 (k < 9),
 * which is also the soft anti-affinity of non-HA layers. The load mark is observed and lags
 * placement: inside one request or a bulk create it never moves, and alone it would stack every
 * container on the one idle node until it is full. Three quarters of the in-band value is therefore
 * the free share of the node's dominant reserved resource after placement (kube-scheduler's
 * LeastAllocated), which moves with every tentative placement; the load mark still steers new
 * containers away from hot nodes. loadFit > 0 keeps the bands disjoint.
 */
export function spreadScoreOf(sameLayerOnNode: number, loadFit: number, dominantAfter: number): number {
  const k = sameLayerOnNode < SPREAD_BANDS - 1 ? sameLayerOnNode : SPREAD_BANDS - 1;
  const free = dominantAfter < 1 ? 1 - dominantAfter : 0;
  return (SPREAD_BANDS - 1 - k) * 10 + (loadFit * 0.25 + free * 0.75) * 10;
}

/** The largest of the three shares; DRF's "dominant resource". */
export function dominantOf(ramShare: number, cpuShare: number, diskShare: number): number {
  const m = ramShare > cpuShare ? ramShare : cpuShare;
  return diskShare > m ? diskShare : m;
}

/**
 * pack = 100 × (0.8 × dominant + 0.2 × mean) of the node's RAM, CPU and disk shares after placement.
 * Range 0–100. Best fit on the dominant resource fills the fullest node that still fits and keeps
 * empty nodes for big containers; the mean breaks near-ties towards nodes whose other resources
 * are also used, which limits stranded capacity.
 */
export function packScoreOf(ramShare: number, cpuShare: number, diskShare: number): number {
  return 100 * (0.8 * dominantOf(ramShare, cpuShare, diskShare) + (0.2 * (ramShare + cpuShare + diskShare)) / 3);
}

/** RAM, CPU and disk shares of a node's allocatable capacity after adding `demand` to its reserved totals. */
export function sharesAfter(
  node: HardwareNodeSnapshot,
  demand: ContainerDemand,
): { ram: number; cpu: number; disk: number } {
  const { reserved } = node;
  const capacity = allocatableOf(node);
  return {
    ram: ratio(reserved.ramMib + demand.ramMib, capacity.ramMib),
    cpu: ratio(reserved.cpuMhz + demand.cpuMhz, capacity.cpuMhz),
    disk: ratio(reserved.diskGib + demand.diskGib, capacity.diskGib),
  };
}

export function spreadScore(input: {
  node: HardwareNodeSnapshot;
  demand: ContainerDemand;
  sameLayerOnNode: number;
  loadMark: number;
}): number {
  const s = sharesAfter(input.node, input.demand);
  return spreadScoreOf(input.sameLayerOnNode, loadFitOf(input.loadMark), dominantOf(s.ram, s.cpu, s.disk));
}

export function packScore(input: { node: HardwareNodeSnapshot; demand: ContainerDemand }): number {
  const s = sharesAfter(input.node, input.demand);
  return packScoreOf(s.ram, s.cpu, s.disk);
}

export interface ResolvedScoring {
  weights: Record<ScorerName, number>;
  loadMark: LoadMarkCoefficients;
}

/** The strategy picks its scorer with weight 1; explicit weights replace the strategy's. */
export function resolveScoring(strategy: PlacementStrategy, options: ScoringOptions | undefined): ResolvedScoring {
  const base: Record<ScorerName, number> = strategy === "pack" ? { spread: 0, pack: 1 } : { spread: 1, pack: 0 };
  return {
    weights: options?.weights ? { spread: 0, pack: 0, ...options.weights } : base,
    loadMark: { ...DEFAULT_LOAD_MARK, ...options?.loadMark },
  };
}

/** Weighted mean of the scorers, range 0–100; all-zero weights make every fitting node tie. */
export function combineScores(weights: Record<ScorerName, number>, scores: Record<ScorerName, number>): number {
  if (weights.pack === 0) return weights.spread === 0 ? 0 : scores.spread;
  if (weights.spread === 0) return scores.pack;
  return (weights.spread * scores.spread + weights.pack * scores.pack) / (weights.spread + weights.pack);
}
