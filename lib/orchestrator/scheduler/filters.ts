import { allocatableOf, gibText, mhzText, mibText, ratiosOf, ratioText } from "./allocation";
import { CLOUDLET_RAM_MIB, type ContainerDemand, type HardwareNodeSnapshot } from "./types";

/**
 * Filters, one per rule, each returning fit or a reason a person can act on. They are the reference
 * semantics: the hot path in cluster-state.ts repeats the same comparisons over typed arrays, and
 * these functions run only to explain a decision (explain, failure reports) or in tests.
 */

export interface FilterContext {
  node: HardwareNodeSnapshot;
  regionId: string;
  demand: ContainerDemand;
  layer: { id: string; ha: boolean; labelSelector?: Readonly<Record<string, string>> };
  /** Containers of the same layer already on this node (existing plus tentatively placed). */
  sameLayerOnNode: number;
  /** Set by evacuation: the node being emptied never receives. */
  excluded?: boolean;
}

export type FilterResult = { fit: true } | { fit: false; reason: string };
export type NodeFilter = (ctx: FilterContext) => FilterResult;
export type FilterName =
  "excluded" | "status" | "region" | "labels" | "ram" | "cpu" | "disk" | "slots" | "overcommit" | "haAntiAffinity";

const FIT: FilterResult = Object.freeze({ fit: true });
const reject = (ctx: FilterContext, text: string): FilterResult => ({
  fit: false,
  reason: `${ctx.node.name}: ${text}`,
});

export const excludedFilter: NodeFilter = (ctx) => (ctx.excluded ? reject(ctx, "is the node being evacuated") : FIT);

// MAINTENANCE, EVACUATING and OFFLINE nodes take nothing new (VAP's rule for its host states).
export const statusFilter: NodeFilter = (ctx) =>
  ctx.node.status === "ACTIVE" ? FIT : reject(ctx, `in ${ctx.node.status}`);

export const regionFilter: NodeFilter = (ctx) =>
  ctx.node.regionId === ctx.regionId
    ? FIT
    : reject(ctx, `in region ${ctx.node.regionId}, environment is in region ${ctx.regionId}`);

export const labelFilter: NodeFilter = (ctx) => {
  const selector = ctx.layer.labelSelector;
  if (!selector) return FIT;
  const missing: string[] = [];
  for (const key in selector) {
    const have = ctx.node.labels[key];
    if (have !== selector[key])
      missing.push(have === undefined ? `${key}=${selector[key]} (absent)` : `${key}=${selector[key]} (has ${have})`);
  }
  return missing.length === 0 ? FIT : reject(ctx, `label ${missing.join(", ")} required by layer "${ctx.layer.id}"`);
};

/**
 * One resource against its allocatable amount (physical × the region's ratio). The reason names the
 * ratio, so "392 MHz allocatable of 20.8 GHz at 4:1" tells an admin which knob would change it.
 */
function allocatableCheck(
  ctx: FilterContext,
  what: "RAM" | "CPU" | "disk",
  o: {
    reserved: number;
    wanted: number;
    allocatable: number;
    ratio: number;
    text: (n: number) => string;
    unit: string;
  },
): FilterResult {
  if (o.reserved + o.wanted <= o.allocatable) return FIT;
  const of = `${o.text(o.allocatable)} at ${ratioText(o.ratio)}`;
  if (o.reserved > o.allocatable)
    return reject(ctx, `over-allocated: ${o.text(o.reserved)} ${what} reserved, ${of} allocatable`);
  return reject(
    ctx,
    `needs ${o.wanted} ${o.unit} ${what}, ${Math.max(0, o.allocatable - o.reserved)} ${o.unit} allocatable of ${of}`,
  );
}

export const ramFilter: NodeFilter = (ctx) =>
  allocatableCheck(ctx, "RAM", {
    reserved: ctx.node.reserved.ramMib,
    wanted: ctx.demand.ramMib,
    allocatable: allocatableOf(ctx.node).ramMib,
    ratio: ratiosOf(ctx.node).ram,
    text: mibText,
    unit: "MiB",
  });

export const cpuFilter: NodeFilter = (ctx) =>
  allocatableCheck(ctx, "CPU", {
    reserved: ctx.node.reserved.cpuMhz,
    wanted: ctx.demand.cpuMhz,
    allocatable: allocatableOf(ctx.node).cpuMhz,
    ratio: ratiosOf(ctx.node).cpu,
    text: mhzText,
    unit: "MHz",
  });

export const diskFilter: NodeFilter = (ctx) =>
  allocatableCheck(ctx, "disk", {
    reserved: ctx.node.reserved.diskGib,
    wanted: ctx.demand.diskGib,
    allocatable: allocatableOf(ctx.node).diskGib,
    ratio: ratiosOf(ctx.node).disk,
    text: gibText,
    unit: "GiB",
  });

export const slotsFilter: NodeFilter = (ctx) => {
  const { capacity, reserved } = ctx.node;
  return reserved.containers + 1 <= capacity.maxContainers
    ? FIT
    : reject(ctx, `all ${capacity.maxContainers} container slots used`);
};

/** Capacity RAM × ratio is the ceiling for the sum of dynamic limits on a node. */
export function overcommitCeilingMib(node: HardwareNodeSnapshot): number {
  return node.capacity.ramMib * (node.overcommitRatio ?? 1);
}

export const overcommitFilter: NodeFilter = (ctx) => {
  const ceiling = overcommitCeilingMib(ctx.node);
  const promised = ctx.node.reserved.limitCloudlets * CLOUDLET_RAM_MIB;
  const wanted = ctx.demand.limitCloudlets * CLOUDLET_RAM_MIB;
  return promised + wanted <= ceiling
    ? FIT
    : reject(
        ctx,
        `dynamic limit ${wanted} MiB would exceed the overcommit ceiling ` +
          `(${promised} of ${ceiling} MiB promised, ratio ${ctx.node.overcommitRatio ?? 1})`,
      );
};

export const haAntiAffinityFilter: NodeFilter = (ctx) =>
  ctx.layer.ha && ctx.sameLayerOnNode > 0 ? reject(ctx, `already runs a container of HA layer "${ctx.layer.id}"`) : FIT;

export const NODE_FILTERS: ReadonlyArray<{ readonly name: FilterName; readonly check: NodeFilter }> = Object.freeze([
  { name: "excluded", check: excludedFilter },
  { name: "status", check: statusFilter },
  { name: "region", check: regionFilter },
  { name: "labels", check: labelFilter },
  { name: "ram", check: ramFilter },
  { name: "cpu", check: cpuFilter },
  { name: "disk", check: diskFilter },
  { name: "slots", check: slotsFilter },
  { name: "overcommit", check: overcommitFilter },
  { name: "haAntiAffinity", check: haAntiAffinityFilter },
]);

export interface FilterVerdict {
  fit: boolean;
  /** Every failing filter's reason, so the UI shows all that would have to change. */
  reasons: string[];
  failed: FilterName[];
}

export function runFilters(ctx: FilterContext): FilterVerdict {
  const reasons: string[] = [];
  const failed: FilterName[] = [];
  for (const filter of NODE_FILTERS) {
    const result = filter.check(ctx);
    if (!result.fit) {
      reasons.push(result.reason);
      failed.push(filter.name);
    }
  }
  return { fit: reasons.length === 0, reasons, failed };
}

/** The label selector alone, for the hot path's per-layer eligibility mask. */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  selector: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!selector) return true;
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}
