/** One cloudlet is the billing and placement unit of the platform (Jelastic's definition). */
export { CLOUDLET_CPU_MHZ, CLOUDLET_RAM_MIB } from "../cloudlet";

export type NodeStatus = "ACTIVE" | "MAINTENANCE" | "EVACUATING" | "OFFLINE";

export interface NodeCapacity {
  ramMib: number;
  cpuMhz: number;
  diskGib: number;
  maxContainers: number;
}

/** What is already promised on a node. `limitCloudlets` is the sum of dynamic limits. */
export interface NodeReserved {
  ramMib: number;
  cpuMhz: number;
  diskGib: number;
  containers: number;
  limitCloudlets: number;
}

/** Observed load, as reported by the node agent; only the spread scorer reads it. */
export interface NodeLoad {
  memUsedMib: number;
  memTotalMib: number;
  swapUsedMib: number;
  swapTotalMib: number;
  diskUsedGib: number;
  diskTotalGib: number;
  loadAvg5: number;
  cores: number;
}

/** Per-resource allocation ratios of a node's region: allocatable = physical × ratio. */
export interface AllocationRatios {
  cpu: number;
  ram: number;
  disk: number;
}

export interface HardwareNodeSnapshot {
  id: string;
  name: string;
  regionId: string;
  labels: Readonly<Record<string, string>>;
  status: NodeStatus;
  capacity: NodeCapacity;
  reserved: NodeReserved;
  load: NodeLoad;
  /** Sum of dynamic-limit RAM may reach capacity RAM × this ratio. Default 1.0. */
  overcommitRatio?: number;
  /** What reserved totals may reach: capacity × ratio per resource (the region's). Default 1:1. */
  allocationRatios?: AllocationRatios;
}

/** Per-container resources; cloudlets are whole numbers, disk is in GiB. */
export interface ContainerResources {
  reservedCloudlets: number;
  dynamicCloudlets: number;
  diskGib: number;
}

/** The same resources in the units of a node's capacity. */
export interface ContainerDemand {
  ramMib: number;
  cpuMhz: number;
  diskGib: number;
  limitCloudlets: number;
}

export type PlacementStrategy = "spread" | "pack";
export type ScorerName = "spread" | "pack";

/** Jelastic's load-mark coefficients; defaults swap 1, mem 0.2, disk 0.5, cpu 1. */
export interface LoadMarkCoefficients {
  swap: number;
  mem: number;
  disk: number;
  cpu: number;
}

export interface ScoringOptions {
  /** Overrides the strategy's weights; a scorer with weight 0 is not computed. */
  weights?: Partial<Record<ScorerName, number>>;
  loadMark?: Partial<LoadMarkCoefficients>;
}

export interface LayerRequest {
  id: string;
  count: number;
  resources: ContainerResources;
  /** Hard anti-affinity: never two containers of this layer on one node. */
  ha: boolean;
  /** Every key must be present on the node with the same value. */
  labelSelector?: Readonly<Record<string, string>>;
}

/** A container of this environment that already runs somewhere (scale-out). */
export interface ExistingPlacement {
  layerId: string;
  nodeId: string;
}

export interface PlacementRequest {
  /** Seeds the tie-breaking PRNG, so a decision can be replayed. */
  requestId: string;
  regionId: string;
  strategy?: PlacementStrategy;
  layers: readonly LayerRequest[];
  existing?: readonly ExistingPlacement[];
  scoring?: ScoringOptions;
}

export interface Assignment {
  layerId: string;
  /** 0-based; on scale-out it continues after the layer's existing containers. */
  ordinal: number;
  nodeId: string;
  /** Weighted score 0–100 of the chosen node at the time it was chosen. */
  score: number;
}

/** What a caller adds to (or, when negative, removes from) a node's reserved totals. */
export interface ReservedDelta {
  nodeId: string;
  ramMib: number;
  cpuMhz: number;
  diskGib: number;
  containers: number;
  limitCloudlets: number;
}

export interface NodeRejection {
  nodeId: string;
  nodeName: string;
  /** Human-readable, prefixed with the node name: "hn-2: needs 1024 MiB RAM, 512 MiB allocatable of 16 GiB at 1:1". */
  reasons: string[];
}

export interface PlacementSuccess {
  ok: true;
  requestId: string;
  strategy: PlacementStrategy;
  assignments: Assignment[];
  deltas: ReservedDelta[];
}

export type PlacementFailureCode = "NO_CAPACITY" | "INVALID_REQUEST";

export interface PlacementFailure {
  ok: false;
  code: PlacementFailureCode;
  requestId: string;
  message: string;
  /** The first container no node could take; absent for INVALID_REQUEST. */
  failed?: { layerId: string; ordinal: number };
  /** Why every node rejected that container (empty for INVALID_REQUEST). */
  rejections: NodeRejection[];
}

export type PlacementResult = PlacementSuccess | PlacementFailure;

export interface ExplainNodeRow {
  nodeId: string;
  nodeName: string;
  fit: boolean;
  reasons: string[];
  /** Weighted score 0–100; null when the node does not fit. */
  score: number | null;
  /** Each scorer's own 0–100 value (only scorers with a non-zero weight). */
  scores: Partial<Record<ScorerName, number>>;
}

export interface ExplainStep {
  layerId: string;
  ordinal: number;
  /** Where the container would land; null when no node fits. */
  nodeId: string | null;
  nodes: ExplainNodeRow[];
}

export interface ExplainResult {
  requestId: string;
  strategy: PlacementStrategy;
  result: PlacementResult;
  /** One step per container in placement order; stops at the first container that cannot be placed. */
  steps: ExplainStep[];
}

export interface EvacuatingContainer {
  containerId: string;
  environmentId: string;
  layerId: string;
  resources: ContainerResources;
  ha: boolean;
  labelSelector?: Readonly<Record<string, string>>;
}

/** A container of some environment running on a node other than the evacuated one. */
export interface EnvironmentPlacement {
  environmentId: string;
  layerId: string;
  nodeId: string;
}

export interface EvacuationMove {
  containerId: string;
  environmentId: string;
  layerId: string;
  fromNodeId: string;
  toNodeId: string;
  score: number;
}

export interface UnmovableContainer {
  containerId: string;
  environmentId: string;
  layerId: string;
  message: string;
  /** The message without the container's identity: equal reasons group in a plan. */
  reason: string;
  rejections: NodeRejection[];
}

export interface EvacuationPlan {
  nodeId: string;
  /** True when every container has a target. */
  complete: boolean;
  moves: EvacuationMove[];
  unmovable: UnmovableContainer[];
  /** Targets gain, the evacuated node loses, the reservations of the moved containers. */
  deltas: ReservedDelta[];
}
