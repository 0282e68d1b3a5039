/** The data of one proven training step: what is public (statement) and what is not (witness). */

import type { Matrix, Vector } from "./matrix.js";

/** One training example, fixed point at scale 2^F: input x (d_in) and target t (d_out). */
export interface Example {
  readonly x: Vector;
  readonly t: Vector;
}

/** The public inputs of a step proof (PROTOCOL §7). */
export interface StepStatement {
  readonly baseRoot: bigint;
  readonly datasetRoot: bigint;
  readonly hparamsHash: bigint;
  readonly adapterBefore: bigint;
  readonly adapterAfter: bigint;
  readonly step: bigint;
  /** address allowed to submit the proof, as a 160-bit integer */
  readonly submitter: bigint;
}

/** The private inputs of a step proof; signed values are plain (negative) bigints here. */
export interface StepWitness {
  readonly w0: Matrix;
  readonly a: Matrix;
  readonly b: Matrix;
  readonly aNext: Matrix;
  readonly bNext: Matrix;
  readonly alpha: bigint;
  readonly lr: bigint;
  readonly datasetSize: bigint;
  /** the batch examples, example j at position pos_j of PROTOCOL §6 */
  readonly examples: readonly Example[];
  /** Merkle siblings of each batch example, level 0 first */
  readonly siblings: Matrix;
}
