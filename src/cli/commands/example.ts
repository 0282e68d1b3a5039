/** `example`: a valid `prove` input generated from syntheticTask + makeStep (a step) or makeMerge (a merge). */

import {
  adapterBeforeStep,
  makeStep,
  makeMerge,
  syntheticTask,
  type SyntheticTask,
  type CircuitInstance,
} from "../../protocol/index.js";
import { defaultInstance, getInstance, mergeInstanceFor } from "../../node/index.js";
import type { Matrix, Vector } from "../../protocol/index.js";
import { fail } from "./json.js";
import { encodeEntry, namedMergePublicInputs, namedPublicInputs, type Encoding } from "./values.js";

/** Hardhat's first default account, the default submitter of the examples. */
export const HARDHAT_FIRST_ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

export interface ExampleOptions {
  readonly instance?: string;
  readonly step?: bigint;
  readonly seed?: number;
  readonly encoding?: Encoding;
  readonly submitter?: string;
  /** examples in the dataset (default 2^depth) */
  readonly datasetSize?: number;
  /** write the batch of the step with Merkle siblings instead of the whole dataset */
  readonly batchOnly?: boolean;
}

/** The step instance an example is for: the named one, or the default. */
function stepInstanceOf(name: string | undefined): CircuitInstance {
  return name === undefined ? defaultInstance() : getInstance(name);
}

export function checkedStep(step: bigint | undefined): bigint {
  const value = step ?? 0n;
  if (value < 0n || value >= 1n << 32n) fail("out_of_range", "--step", `--step ${value} is outside [0, 2^32)`);
  return value;
}

export function checkedDatasetSize(size: number | undefined, depth: number): number {
  const capacity = 2 ** depth;
  const value = size ?? capacity;
  if (!Number.isSafeInteger(value) || value < 1 || value > capacity) {
    fail("out_of_range", "--dataset-size", `--dataset-size ${value} is outside [1, ${capacity}] (depth ${depth})`);
  }
  return value;
}

/** --submitter, or Hardhat's first account: an address (exit 3 when it is not one). */
export function checkedSubmitter(text: string | undefined): string {
  const submitter = text ?? HARDHAT_FIRST_ACCOUNT;
  if (!/^0x[0-9a-fA-F]{40}$/.test(submitter)) {
    fail("missing_field", "--submitter", `--submitter ${submitter} must be an address, "0x" and 40 hex digits`);
  }
  return submitter;
}

export type Written = number | string;

export function encodedMatrix(m: Matrix, scaleBits: number, encoding: Encoding): Written[][] {
  return m.map((row) => row.map((value) => encodeEntry(value, scaleBits, encoding)));
}

/** The statement fields prove needs beyond the public inputs: rank, α, lr and the dataset size. */
function hyperparameterFields(task: SyntheticTask, encoding: Encoding, datasetSize: number): Record<string, Written> {
  return {
    rank: task.shape.rank,
    alpha: encodeEntry(task.alpha, task.shape.F, encoding),
    learning_rate: encodeEntry(task.lr, task.shape.F, encoding),
    dataset_size: datasetSize,
  };
}

/** example trains every step before `--step`: a bound that keeps it a matter of seconds. */
export const EXAMPLE_MAX_STEP = 4096n;

/** A step example trains every step before it: at most EXAMPLE_MAX_STEP of them (exit 5). */
export function checkTrainable(step: bigint): void {
  if (step > EXAMPLE_MAX_STEP) {
    fail(
      "out_of_range",
      "--step",
      `--step ${step} is above ${EXAMPLE_MAX_STEP}: example trains every step before the one it writes`,
    );
  }
}

/**
 * The task with the adapter its run holds before `step` (steps 0 … step - 1 trained with the exact
 * reference): from step 1 on, B is no longer 0, so both A and B move.
 */
function trainedTask(task: SyntheticTask, step: bigint): SyntheticTask {
  checkTrainable(step);
  return { ...task, ...adapterBeforeStep(task, step) };
}

/** The JSON document `prove` reads, for the step `step` of a synthetic task's run. */
export function exampleDocument(options: ExampleOptions = {}): Record<string, unknown> {
  const instance = stepInstanceOf(options.instance);
  const shape = instance.params;
  const encoding = options.encoding ?? "real";
  const step = checkedStep(options.step);
  const datasetSize = checkedDatasetSize(options.datasetSize, shape.depth);
  const submitterText = checkedSubmitter(options.submitter);

  const task = trainedTask(syntheticTask(shape, { seed: options.seed ?? 1, datasetSize }), step);
  const made = makeStep({ ...task, step, submitter: BigInt(submitterText) });
  const vector = (v: Vector, scaleBits: number): Written[] => v.map((value) => encodeEntry(value, scaleBits, encoding));
  const matrix = (m: Matrix, scaleBits: number): Written[][] => encodedMatrix(m, scaleBits, encoding);
  const example = (e: { x: Vector; t: Vector }): { x: Written[]; t: Written[] } => ({
    x: vector(e.x, shape.F),
    t: vector(e.t, shape.F),
  });
  const { witness } = made;

  return {
    instance: instance.name,
    encoding,
    statement: {
      ...namedPublicInputs(made.statement),
      ...hyperparameterFields(task, encoding, datasetSize),
    },
    witness: {
      base_weights: matrix(task.w0, shape.FW),
      adapter_a: matrix(task.a, shape.F),
      adapter_b: matrix(task.b, shape.F),
      adapter_a_after: matrix(witness.aNext, shape.F),
      adapter_b_after: matrix(witness.bNext, shape.F),
      ...(options.batchOnly === true
        ? {
            batch: witness.examples.map((e, j) => ({
              position: made.positions[j],
              ...example(e),
              siblings: (witness.siblings[j] ?? []).map((s) => s.toString()),
            })),
          }
        : { dataset: task.dataset.map(example) }),
    },
  };
}

export interface MergeExampleOptions {
  /** a LoraMerge instance, or a step instance whose merge instance to use (default: the default step instance's) */
  readonly instance?: string;
  /** merge the adapter after step `step` of the step example (`example --step N`'s adapter_after; default 0) */
  readonly step?: bigint;
  readonly seed?: number;
  readonly encoding?: Encoding;
  readonly datasetSize?: number;
}

/**
 * The JSON document `prove` reads for a merge (PROTOCOL §9): the merged weights of the adapter after
 * the step that `exampleDocument` writes for the same options (its adapter_after), with the base
 * weights and that adapter as the witness.
 */
export function exampleMergeDocument(options: MergeExampleOptions = {}): Record<string, unknown> {
  const named = stepInstanceOf(options.instance);
  const instance = named.template === "LoraMerge" ? named : mergeInstanceFor(named);
  if (instance === undefined) {
    fail(
      "unknown_instance",
      "--instance",
      `circuits/instances.json declares no LoraMerge instance with the parameters of ${named.name}`,
    );
  }
  const shape = instance.params;
  const encoding = options.encoding ?? "real";
  const step = checkedStep(options.step);
  const datasetSize = checkedDatasetSize(options.datasetSize, shape.depth);

  const task = trainedTask(syntheticTask(shape, { seed: options.seed ?? 1, datasetSize }), step);
  // The adapter after the step `example --step N` writes (same seed and dataset size): its adapter_after.
  const { aNext: a, bNext: b } = makeStep({ ...task, step, submitter: 0n }).witness;
  const made = makeMerge({
    shape,
    w0: task.w0,
    a,
    b,
    alpha: task.alpha,
    lr: task.lr,
    datasetSize: BigInt(datasetSize),
  });
  const matrix = (m: Matrix, scaleBits: number): Written[][] => encodedMatrix(m, scaleBits, encoding);
  return {
    instance: instance.name,
    encoding,
    statement: {
      ...namedMergePublicInputs(made.statement),
      ...hyperparameterFields(task, encoding, datasetSize),
    },
    witness: {
      base_weights: matrix(task.w0, shape.FW),
      adapter_a: matrix(a, shape.F),
      adapter_b: matrix(b, shape.F),
    },
  };
}
