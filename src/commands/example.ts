/** `example`: a valid `prove` input generated from syntheticTask + makeStep. */

import { makeStep } from "../circuitInput.js";
import { ExitCode } from "../errors.js";
import { defaultInstance, getInstance } from "../instances.js";
import type { Matrix, Vector } from "../matrix.js";
import { syntheticTask } from "../synthetic.js";
import { fail } from "./json.js";
import { encodeEntry, namedPublicInputs, type Encoding } from "./values.js";

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

type Written = number | string;

/** The JSON document `prove` reads, for the step `step` of a synthetic task. */
export function exampleDocument(options: ExampleOptions = {}): Record<string, unknown> {
  const instance = options.instance === undefined ? defaultInstance() : getInstance(options.instance);
  const shape = instance.params;
  const encoding = options.encoding ?? "real";
  const step = options.step ?? 0n;
  if (step < 0n || step >= 1n << 32n) fail(ExitCode.OutOfRange, "--step", `--step ${step} is outside [0, 2^32)`);
  const capacity = 2 ** shape.depth;
  const datasetSize = options.datasetSize ?? capacity;
  if (!Number.isSafeInteger(datasetSize) || datasetSize < 1 || datasetSize > capacity) {
    fail(ExitCode.OutOfRange, "--dataset-size", `--dataset-size ${datasetSize} is outside [1, ${capacity}] (depth ${shape.depth})`);
  }
  const submitterText = options.submitter ?? HARDHAT_FIRST_ACCOUNT;
  if (!/^0x[0-9a-fA-F]{40}$/.test(submitterText)) {
    fail(ExitCode.MissingField, "--submitter", `--submitter ${submitterText} must be an address, "0x" and 40 hex digits`);
  }

  const task = syntheticTask(shape, { seed: options.seed ?? 1, datasetSize });
  const made = makeStep({ ...task, step, submitter: BigInt(submitterText) });
  const vector = (v: Vector, scaleBits: number): Written[] => v.map((value) => encodeEntry(value, scaleBits, encoding));
  const matrix = (m: Matrix, scaleBits: number): Written[][] => m.map((row) => vector(row, scaleBits));
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
      rank: shape.rank,
      alpha: encodeEntry(task.alpha, shape.F, encoding),
      learning_rate: encodeEntry(task.lr, shape.F, encoding),
      dataset_size: datasetSize,
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
