import { checkpointShapeOf, LoraLedgerError, type CircuitInstance } from "../protocol/index.js";
import { companionInstance, defaultInstance, getInstance } from "../node/index.js";
import type { RunConfig } from "./config.js";

/** The four instances of a version-2 run, all of one step shape (PROTOCOL §11–§13). */
export interface RunInstances {
  /** LoraCheckpoint: k steps per proof */
  checkpoint: CircuitInstance;
  /** LoraRunStart: the run's canonical start */
  start: CircuitInstance;
  /** BaseProjectionBlock: the (base model, dataset) projection, block by block */
  projection: CircuitInstance;
  /** LoraMergeBlock: the merged weights of the final adapter; undefined when the run is not merged */
  mergeBlock: CircuitInstance | undefined;
}

function requireCompanion(
  checkpoint: CircuitInstance,
  template: CircuitInstance["template"],
  remedy: string,
): CircuitInstance {
  const found = companionInstance(checkpoint, template);
  if (found === undefined) {
    throw new LoraLedgerError(
      "unknown_instance",
      `circuits/instances.json declares no ${template} instance with the shape of ${checkpoint.name}: ${remedy}`,
      "instance",
    );
  }
  return found;
}

/** The checkpoint instance of the digits task when none is configured (64 → 10, r 4, n 4, 2^8 examples, k 2). */
export const DIGITS_CHECKPOINT_INSTANCE = "lora_checkpoint_digits_64x10_r4_b4_d8_k2";

/**
 * The configured checkpoint instance (default: the first LoraCheckpoint declared, or for the digits task
 * DIGITS_CHECKPOINT_INSTANCE) and its companions.
 */
export function resolveRunInstances(config: RunConfig): RunInstances {
  const checkpoint =
    config.instance !== undefined
      ? getInstance(config.instance)
      : config.task === "digits"
        ? getInstance(DIGITS_CHECKPOINT_INSTANCE)
        : defaultInstance("LoraCheckpoint");
  checkpointShapeOf(checkpoint);
  return {
    checkpoint,
    start: requireCompanion(checkpoint, "LoraRunStart", "declare one, so that its runs can start"),
    projection: requireCompanion(checkpoint, "BaseProjectionBlock", "declare one, so that its base can be projected"),
    mergeBlock: config.merge
      ? requireCompanion(checkpoint, "LoraMergeBlock", "declare one, or run with LORA_MERGE=false")
      : undefined,
  };
}
