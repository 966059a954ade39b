/**
 * Placement scheduler: which hardware node each container goes to.
 * Pure functions over plain data (no I/O, clock or global state), modelled on Jelastic's documented
 * rule and kube-scheduler / Nomad's filter → score → select pipeline.
 */
export * from "./types";
export { placeEnvironment, placeScaleOut } from "./place";
export { explain } from "./explain";
export { prepareCluster, type PreparedCluster, type ClusterInput } from "./prepared-cluster";
export { planEvacuation } from "./evacuate";
export {
  applyPlacement,
  releasePlacement,
  reserveOnNode,
  releaseFromNode,
  reservationOf,
  freeCapacity,
  type FreeCapacity,
} from "./reservations";
export {
  NODE_FILTERS,
  runFilters,
  type FilterContext,
  type FilterName,
  type FilterResult,
  type FilterVerdict,
  type NodeFilter,
} from "./filters";
export { DEFAULT_LOAD_MARK, loadMark, spreadScore, packScore, resolveScoring, combineScores } from "./scorers";
export {
  DEFAULT_ALLOCATION_RATIOS,
  allocatableOf,
  overAllocatedResources,
  ratioText,
  type Allocatable,
  type AllocatedResource,
} from "./allocation";
export { toDemand, validateRequest, validateResources, describeResources } from "./resources";
export { createPrng, hashSeed, type Prng } from "./prng";
