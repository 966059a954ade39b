export type {
  ContainerEngine,
  ContainerLimits,
  ContainerSpec,
  ContainerState,
  ContainerStats,
  ContainerTemplate,
  TemplateKind,
  EngineKind,
  EngineNodeConfig,
  ExecResult,
  LxcNodeSettings,
  MigrationTarget,
  ObservedContainer,
  ProbeResult,
  SimNodeSettings,
  VirtuozzoNodeSettings,
} from "./types";
export { createEngine } from "./factory";
export { EngineError, EngineTimeoutError, isTransientError, redactArgv, type EngineErrorReason } from "./errors";
export {
  CONTAINER_NAME_PATTERN,
  CONTAINER_PREFIX,
  InvalidInputError,
  assertContainerName,
  containerNameFor,
  isManagedName,
} from "./names";
export { CLOUDLET_MHZ, CLOUDLET_RAM_BYTES, cfsQuotaUs, cpuLimitMhz, cpuShares, memoryLimitBytes } from "./cloudlets";
export { LxcEngine } from "./lxc/engine";
export { VirtuozzoEngine } from "./virtuozzo/engine";
export { SimEngine } from "./sim/engine";
