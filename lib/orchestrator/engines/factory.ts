import type { CommandRunner } from "../transport/types";
import { LxcEngine } from "./lxc/engine";
import { SimEngine } from "./sim/engine";
import type { ContainerEngine, EngineNodeConfig } from "./types";
import { VirtuozzoEngine } from "./virtuozzo/engine";

/**
 * The engine for one hardware node. There is deliberately no default kind: a node without
 * an explicit engine is a configuration error, and "sim" must always be chosen on purpose.
 */
export function createEngine(node: EngineNodeConfig, runner: CommandRunner): ContainerEngine {
  switch (node.engine) {
    case "lxc":
      return new LxcEngine(node, runner);
    case "virtuozzo":
      return new VirtuozzoEngine(node, runner);
    case "sim":
      return new SimEngine(node);
    default:
      throw new TypeError(
        `unknown engine kind ${JSON.stringify((node as { engine?: unknown }).engine)} for node ${node.name}`,
      );
  }
}
