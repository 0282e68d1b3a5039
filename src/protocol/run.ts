/**
 * What a version-2 run is bound to (PROTOCOL §12): its configuration hash, and the step index and
 * submitter packed into one public input.
 */

import { TAGS } from "./commitments.js";
import { assertFieldElement } from "./field.js";
import { poseidonHash } from "./poseidon.js";
import { HPARAM_BITS, STEP_BITS } from "./shape.js";
import { SUBMITTER_BITS } from "./statement.js";

/** A run's configuration, in the clear: the registry stores it, and proofs use its hash. */
export interface RunConfig {
  readonly baseRoot: bigint;
  readonly datasetRoot: bigint;
  /** the id of the (base, dataset) projection the run's steps use */
  readonly projection: bigint;
  /** α̂, in [1, 2^16): a run with α = 0 trains nothing */
  readonly alpha: bigint;
  /** l̂, in [1, 2^16): a run with lr = 0 trains nothing */
  readonly lr: bigint;
}

/** Throws unless 1 <= value < 2^16 (PROTOCOL §12: α and lr are never 0). */
export function checkNonZeroHparam(name: string, value: bigint): void {
  if (value < 1n || value >= 1n << BigInt(HPARAM_BITS)) {
    throw new RangeError(`${name} = ${value} must be in [1, 2^${HPARAM_BITS}) (fixed point; 0 would train nothing)`);
  }
}

/** Poseidon([16, baseRoot, datasetRoot, projection, α̂, l̂]). */
export function runConfigHash(config: RunConfig): bigint {
  assertFieldElement("baseRoot", config.baseRoot);
  assertFieldElement("datasetRoot", config.datasetRoot);
  assertFieldElement("projection", config.projection);
  checkNonZeroHparam("alpha", config.alpha);
  checkNonZeroHparam("lr", config.lr);
  return poseidonHash([TAGS.run, config.baseRoot, config.datasetRoot, config.projection, config.alpha, config.lr]);
}

/** step * 2^160 + submitter: one public input for both (step < 2^32, submitter < 2^160). */
export function packStepSubmitter(step: bigint, submitter: bigint): bigint {
  if (step < 0n || step >= 1n << BigInt(STEP_BITS))
    throw new RangeError(`step = ${step} must be in [0, 2^${STEP_BITS})`);
  if (submitter < 0n || submitter >= 1n << BigInt(SUBMITTER_BITS)) {
    throw new RangeError(`submitter = ${submitter} must be a 160-bit address`);
  }
  return (step << BigInt(SUBMITTER_BITS)) + submitter;
}

export function unpackStepSubmitter(packed: bigint): { step: bigint; submitter: bigint } {
  return { step: packed >> BigInt(SUBMITTER_BITS), submitter: packed & ((1n << BigInt(SUBMITTER_BITS)) - 1n) };
}

/** The public inputs of a run's start proof (LoraRunStart), in the order of PROTOCOL §12. */
export interface RunStartStatement {
  readonly runConfig: bigint;
  readonly adapterStart: bigint;
  /** the canonical initialization's seed; 0 when the run continues from a verified head */
  readonly seed: bigint;
  /** 1 when the run continues from a verified head, 0 when it starts from the seed */
  readonly fromHead: bigint;
  readonly baseRoot: bigint;
  readonly datasetRoot: bigint;
  readonly projectionId: bigint;
  readonly alpha: bigint;
  readonly lr: bigint;
}

/** The start of a run from the canonical initialization of `seed`, or from a verified head's adapter. */
export function runStartStatement(
  config: RunConfig,
  start: { readonly seed: bigint; readonly adapterStart: bigint } | { readonly parentHead: bigint },
): RunStartStatement {
  const fromHead = "parentHead" in start;
  return {
    runConfig: runConfigHash(config),
    adapterStart: "parentHead" in start ? start.parentHead : start.adapterStart,
    seed: "seed" in start ? start.seed : 0n,
    fromHead: fromHead ? 1n : 0n,
    baseRoot: config.baseRoot,
    datasetRoot: config.datasetRoot,
    projectionId: config.projection,
    alpha: config.alpha,
    lr: config.lr,
  };
}
