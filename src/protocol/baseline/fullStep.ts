/**
 * The full fine-tuning baseline (PROTOCOL §10): the same training step as LoRA's (fixed point,
 * rounding, dataset commitment, batch selection), but updating the whole weight matrix W, which is
 * therefore trainable and wBits wide instead of int8. It exists to measure what LoRA saves; the
 * circuit is circuits/baseline/full_step.circom (template FullStep).
 */

import { assertDatasetSize } from "../commitments.js";
import { checkBatchWitness, checkStepAndSubmitter, fieldMatrix, fieldString } from "../statement.js";
import { batchPositions, commitDataset } from "../dataset.js";
import { assertFieldElement } from "../field.js";
import { FULL_STEP_PARAM_ORDER, FULL_STEP_PUBLIC_INPUTS } from "../instances.js";
import { checkSignedMatrix, checkUnsignedRange } from "../fixedpoint.js";
import { assertMatrixShape, buildMatrix, flattenRowMajor, type Matrix } from "../matrix.js";
import { packHash, poseidonHash } from "../poseidon.js";
import { DimensionError, StepRangeError } from "../rangeErrors.js";
import { roundHalfUp } from "../reference.js";
import {
  HPARAM_BITS,
  MAX_DEPTH,
  MAX_VALUE_BITS,
  POSITION_QUOTIENT_BITS,
  STEP_BITS,
  bitLength,
  signedBounds,
  type StepShape,
} from "../shape.js";
import type { Example } from "../types.js";

/** Shape of a FullStep instance: no rank, no FW (W is trainable, at scale 2^F, wBits signed). */
export interface FullShape {
  /** input width d_in */
  readonly dIn: number;
  /** output width d_out */
  readonly dOut: number;
  /** examples per step n */
  readonly batch: number;
  /** depth of the dataset Merkle tree */
  readonly depth: number;
  /** fractional bits of x, t, W and lr */
  readonly F: number;
  readonly xBits: number;
  readonly wBits: number;
}

// FULL_STEP_PARAM_ORDER and FULL_STEP_PUBLIC_INPUTS (FullStep's `params` and `pubs` in
// circuits/instances.json) are exported by ../instances.ts.

/** Domain tags of the full fine-tuning commitments (PROTOCOL §10); examples and datasets keep tags 2 and 4. */
export const FULL_TAGS = { weights: 7n, hparams: 8n } as const;

/** The circuit keeps every bounded intermediate within 2^250 < p/2. */
const MAX_INTERMEDIATE_BITS = 250;

/** Bit bounds (|value| <= 2^m) of Y, E and GW from the bit widths alone, as FullStep computes them. */
export interface FullBitBounds {
  readonly mY: number;
  readonly mE: number;
  readonly mG: number;
}

export function fullBitBounds(shape: FullShape): FullBitBounds {
  const mx = shape.xBits - 1;
  const mw = shape.wBits - 1;
  const mY = mw + mx + bitLength(shape.dIn - 1);
  // T * 2^F is t at scale 2^2F.
  const mE = Math.max(mY, mx + shape.F) + 1;
  const mG = mE + mx + bitLength(shape.batch - 1);
  return { mY, mE, mG };
}

/** D = n * d_out * 2^3F, the divisor of the update rounding. */
export function fullUpdateDivisor(shape: FullShape): bigint {
  return (BigInt(shape.batch) * BigInt(shape.dOut)) << (3n * BigInt(shape.F));
}

const FULL_SHAPE_KEYS = FULL_STEP_PARAM_ORDER;

/** The shape words of the full hparamsHash, in the order PROTOCOL §10 hashes them (a definition, not the template's parameter order). */
const FULL_HPARAMS_SHAPE = [
  "dIn",
  "dOut",
  "batch",
  "depth",
  "F",
  "xBits",
  "wBits",
] as const satisfies readonly (keyof FullShape)[];

/** Throws unless `shape` satisfies the compile-time asserts of the FullStep template. */
export function validateFullShape(shape: FullShape): void {
  const problems: string[] = [];
  for (const key of FULL_SHAPE_KEYS) {
    const v = shape[key];
    if (!Number.isSafeInteger(v) || v < 1) problems.push(`${key} = ${v} must be a positive integer`);
  }
  if (problems.length > 0) throw new Error(`invalid full step shape: ${problems.join("; ")}`);

  if (shape.depth > MAX_DEPTH) problems.push(`depth = ${shape.depth} must be <= ${MAX_DEPTH}`);
  for (const key of ["xBits", "wBits"] as const) {
    if (shape[key] < 2 || shape[key] > MAX_VALUE_BITS) {
      problems.push(`${key} = ${shape[key]} must be in [2, ${MAX_VALUE_BITS}]`);
    }
  }
  if (STEP_BITS + bitLength(shape.batch) > POSITION_QUOTIENT_BITS) {
    problems.push(`batch = ${shape.batch} must be < 2^${POSITION_QUOTIENT_BITS - STEP_BITS}`);
  }
  if (problems.length === 0) {
    if (2 + HPARAM_BITS + fullBitBounds(shape).mG > MAX_INTERMEDIATE_BITS) {
      problems.push("the scaled gradient can reach p/2 (dimensions or bit widths too large)");
    }
    if (shape.wBits + 2 + bitLength(fullUpdateDivisor(shape)) > MAX_INTERMEDIATE_BITS) {
      problems.push("the update divisor D is too large");
    }
  }
  if (problems.length > 0) throw new Error(`invalid full step shape: ${problems.join("; ")}`);
}

/**
 * The view of a FullShape that the shared dataset code reads (commitDataset, batchPositions read only
 * dIn, dOut, batch, depth and xBits): the dataset tree and batch selection are exactly LoRA's.
 */
function datasetShape(shape: FullShape): StepShape {
  return { ...shape, rank: 1, FW: 0, aBits: shape.wBits };
}

export interface FullStepInput {
  readonly shape: FullShape;
  /** Ŵ, d_out x d_in, scale 2^F, wBits signed */
  readonly w: Matrix;
  /** l̂, unsigned 16-bit, scale 2^F */
  readonly lr: bigint;
  /** X_j, batch x d_in, scale 2^F */
  readonly xs: Matrix;
  /** T_j, batch x d_out, scale 2^F */
  readonly ts: Matrix;
}

export interface FullStepResult {
  /** Ŵ' = Ŵ - round(2 l̂ GW / D), d_out x d_in */
  readonly wNext: bigint[][];
  /** Y_j = Ŵ X_j, batch x d_out, scale 2^2F */
  readonly y: bigint[][];
  /** E_j = Y_j - T_j 2^F, batch x d_out, scale 2^2F (exact y - t) */
  readonly e: bigint[][];
  /** GW[i][l] = Σ_j E_j[i] X_j[l], d_out x d_in, scale 2^3F */
  readonly gradient: bigint[][];
  /** Σ E^2 / (n d_out 2^4F): the batch MSE before the step, for people only */
  readonly loss: number;
}

function at(m: Matrix, i: number, j: number): bigint {
  const v = m[i]?.[j];
  if (v === undefined) throw new DimensionError(`no entry [${i}][${j}]`);
  return v;
}

function dot(length: number, term: (l: number) => bigint): bigint {
  let sum = 0n;
  for (let l = 0; l < length; l++) sum += term(l);
  return sum;
}

/**
 * One full fine-tuning step in exact integers. Throws StepRangeError when an updated weight leaves
 * the wBits range (such a step cannot be proven).
 */
export function fullStep(input: FullStepInput): FullStepResult {
  const { shape, w, lr, xs, ts } = input;
  validateFullShape(shape);
  const { dIn, dOut, batch, F } = shape;
  assertMatrixShape("w", w, dOut, dIn);
  assertMatrixShape("xs", xs, batch, dIn);
  assertMatrixShape("ts", ts, batch, dOut);
  checkSignedMatrix("w", w, shape.wBits);
  checkSignedMatrix("xs", xs, shape.xBits);
  checkSignedMatrix("ts", ts, shape.xBits);
  checkUnsignedRange("lr", lr, HPARAM_BITS);

  const targetScale = 1n << BigInt(F);
  const y = buildMatrix(batch, dOut, (j, i) => dot(dIn, (l) => at(w, i, l) * at(xs, j, l)));
  const e = buildMatrix(batch, dOut, (j, i) => at(y, j, i) - at(ts, j, i) * targetScale);
  const gradient = buildMatrix(dOut, dIn, (i, l) => dot(batch, (j) => at(e, j, i) * at(xs, j, l)));
  const divisor = fullUpdateDivisor(shape);
  const wNext = buildMatrix(dOut, dIn, (i, l) => at(w, i, l) - roundHalfUp(2n * lr * at(gradient, i, l), divisor));

  const { min, max } = signedBounds(shape.wBits);
  wNext.forEach((row, i) =>
    row.forEach((value, l) => {
      if (value < min || value > max) {
        throw new StepRangeError(
          { field: "wNext", index: [i, l], value, min, max },
          `the ${shape.wBits}-bit weight range`,
        );
      }
    }),
  );

  const squaredError = e.flat().reduce((sum, v) => sum + v * v, 0n);
  const loss = Number(squaredError) / (batch * dOut) / 2 ** (4 * F);
  return { wNext, y, e, gradient, loss };
}

/** PackHash(7, W row-major, wBits): weightsBefore and weightsAfter. */
export function weightsCommitment(w: Matrix, shape: FullShape): bigint {
  assertMatrixShape("w", w, shape.dOut, shape.dIn);
  checkSignedMatrix("w", w, shape.wBits);
  return packHash(FULL_TAGS.weights, flattenRowMajor(w), shape.wBits);
}

/** Poseidon([8, d_in, d_out, n, depth, F, xBits, wBits, l̂, datasetSize]). */
export function fullHparamsHash(shape: FullShape, lr: bigint, datasetSize: bigint): bigint {
  checkUnsignedRange("lr", lr, HPARAM_BITS);
  assertDatasetSize(datasetSize, shape.depth);
  const shapeWords = FULL_HPARAMS_SHAPE.map((key) => BigInt(shape[key]));
  return poseidonHash([FULL_TAGS.hparams, ...shapeWords, lr, datasetSize]);
}

/** The public inputs of a full step proof (PROTOCOL §10). */
export interface FullStepStatement {
  readonly weightsBefore: bigint;
  readonly datasetRoot: bigint;
  readonly hparamsHash: bigint;
  readonly weightsAfter: bigint;
  readonly step: bigint;
  /** address allowed to submit the proof, as a 160-bit integer */
  readonly submitter: bigint;
}

/** The private inputs of a full step proof; signed values are plain (negative) bigints here. */
export interface FullStepWitness {
  readonly w: Matrix;
  readonly wNext: Matrix;
  readonly lr: bigint;
  readonly datasetSize: bigint;
  /** the batch examples, example j at position pos_j of PROTOCOL §6 */
  readonly examples: readonly Example[];
  /** Merkle siblings of each batch example, level 0 first */
  readonly siblings: Matrix;
}

/** Signal name → decimal string(s) of field elements, exactly the inputs of FullStep. */
export type FullCircuitInput = {
  readonly weightsBefore: string;
  readonly datasetRoot: string;
  readonly hparamsHash: string;
  readonly weightsAfter: string;
  readonly step: string;
  readonly submitter: string;
  readonly w: string[][];
  readonly wNext: string[][];
  readonly lr: string;
  readonly datasetSize: string;
  readonly x: string[][];
  readonly t: string[][];
  readonly siblings: string[][];
};

/** The public signals in the order of PROTOCOL §10. */
export function fullPublicSignals(statement: FullStepStatement): bigint[] {
  return FULL_STEP_PUBLIC_INPUTS.map((name) => statement[name]);
}

/**
 * The circuit's input object: every value a decimal field element, signed values as v mod p.
 * Checks dimensions and ranges (so nothing wraps silently), not that statement and witness agree.
 */
export function buildFullCircuitInput(
  shape: FullShape,
  statement: FullStepStatement,
  witness: FullStepWitness,
): FullCircuitInput {
  validateFullShape(shape);
  for (const name of ["weightsBefore", "datasetRoot", "hparamsHash", "weightsAfter"] as const) {
    assertFieldElement(name, statement[name]);
  }
  checkStepAndSubmitter(statement.step, statement.submitter);

  assertMatrixShape("w", witness.w, shape.dOut, shape.dIn);
  assertMatrixShape("wNext", witness.wNext, shape.dOut, shape.dIn);
  checkBatchWitness(shape, witness.examples, witness.siblings, witness.datasetSize);
  checkSignedMatrix("w", witness.w, shape.wBits);
  checkSignedMatrix("wNext", witness.wNext, shape.wBits);
  checkUnsignedRange("lr", witness.lr, HPARAM_BITS);
  const xs = witness.examples.map((example) => example.x);
  const ts = witness.examples.map((example) => example.t);

  return {
    weightsBefore: fieldString(statement.weightsBefore),
    datasetRoot: fieldString(statement.datasetRoot),
    hparamsHash: fieldString(statement.hparamsHash),
    weightsAfter: fieldString(statement.weightsAfter),
    step: fieldString(statement.step),
    submitter: fieldString(statement.submitter),
    w: fieldMatrix(witness.w),
    wNext: fieldMatrix(witness.wNext),
    lr: fieldString(witness.lr),
    datasetSize: fieldString(witness.datasetSize),
    x: fieldMatrix(xs),
    t: fieldMatrix(ts),
    siblings: fieldMatrix(witness.siblings),
  };
}

export interface MakeFullStepParams {
  readonly shape: FullShape;
  readonly w: Matrix;
  readonly lr: bigint;
  /** the whole committed dataset, in tree order */
  readonly dataset: readonly Example[];
  readonly step: bigint;
  readonly submitter: bigint;
}

export interface MadeFullStep {
  readonly statement: FullStepStatement;
  readonly witness: FullStepWitness;
  readonly circuitInput: FullCircuitInput;
  /** batch MSE before the step (for people; not part of the statement) */
  readonly loss: number;
  /** dataset positions of the batch examples (PROTOCOL §6) */
  readonly positions: number[];
  /** every intermediate of the reference step */
  readonly result: FullStepResult;
}

/** Runs the reference full step on the batch that `step` selects and commits to everything. */
export function makeFullStep(params: MakeFullStepParams): MadeFullStep {
  const { shape, w, lr, dataset, step, submitter } = params;
  validateFullShape(shape);
  const view = datasetShape(shape);
  const committed = commitDataset(dataset, view);
  const positions = batchPositions(step, view, committed.size);
  const examples = positions.map((position) => {
    const example = dataset[position];
    if (example === undefined) throw new DimensionError(`no dataset example at position ${position}`);
    return example;
  });
  const result = fullStep({
    shape,
    w,
    lr,
    xs: examples.map((example) => example.x),
    ts: examples.map((example) => example.t),
  });

  const statement: FullStepStatement = {
    weightsBefore: weightsCommitment(w, shape),
    datasetRoot: committed.datasetRoot,
    hparamsHash: fullHparamsHash(shape, lr, committed.size),
    weightsAfter: weightsCommitment(result.wNext, shape),
    step,
    submitter,
  };
  const witness: FullStepWitness = {
    w,
    wNext: result.wNext,
    lr,
    datasetSize: committed.size,
    examples,
    siblings: positions.map((position) => committed.tree.proof(position).siblings),
  };
  const circuitInput = buildFullCircuitInput(shape, statement, witness);
  return { statement, witness, circuitInput, loss: result.loss, positions, result };
}
