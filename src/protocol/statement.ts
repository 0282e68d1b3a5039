/** The input JSON of the step circuit, its public signals (PROTOCOL §7), and makeStep. */

import { adapterCommitment, assertDatasetSize, baseRoot, hparamsHash } from "./commitments.js";
import { batchPositions, commitDataset, assertStep } from "./dataset.js";
import { DimensionError } from "./rangeErrors.js";
import { assertFieldElement, toField } from "./field.js";
import { STEP_PUBLIC_INPUTS } from "./instances.js";
import { checkSignedMatrix, checkUnsignedRange } from "./fixedpoint.js";
import { assertMatrixShape, assertVectorLength, type Matrix } from "./matrix.js";
import { loraStep, type StepResult } from "./reference.js";
import { HPARAM_BITS, validateShape, type StepShape } from "./shape.js";
import type { Example, StepStatement, StepWitness } from "./types.js";

/** Bits of an Ethereum address. */
export const SUBMITTER_BITS = 160;

/**
 * Signal name → decimal string(s) of field elements, exactly the inputs of the circom template.
 * A type alias, not an interface, so that it is assignable to Record<string, unknown> (snarkjs input).
 */
export type CircuitInput = {
  // public
  readonly baseRoot: string;
  readonly datasetRoot: string;
  readonly hparamsHash: string;
  readonly adapterBefore: string;
  readonly adapterAfter: string;
  readonly step: string;
  readonly submitter: string;
  // private
  readonly w0: string[][];
  readonly a: string[][];
  readonly b: string[][];
  readonly aNext: string[][];
  readonly bNext: string[][];
  readonly alpha: string;
  readonly lr: string;
  readonly datasetSize: string;
  readonly x: string[][];
  readonly t: string[][];
  readonly siblings: string[][];
};

/** The names of the public signals in the order of PROTOCOL §7: LoraStep's `pubs` in circuits/instances.json. */
export const PUBLIC_SIGNAL_NAMES = STEP_PUBLIC_INPUTS;

/** The public signals in the order of PROTOCOL §7. */
export function publicSignals(statement: StepStatement): bigint[] {
  return PUBLIC_SIGNAL_NAMES.map((name) => statement[name]);
}

/** A circuit input value: the decimal field element of a signed integer (v mod p). */
export function fieldString(v: bigint): string {
  return toField(v).toString(10);
}

export function fieldMatrix(m: Matrix): string[][] {
  return m.map((row) => row.map(fieldString));
}

/** The shape of a batch of dataset examples, shared by every training-step circuit. */
export type BatchShape = Pick<StepShape, "dIn" | "dOut" | "batch" | "depth" | "xBits">;

/** Checks the step index and the submitter, the public inputs every training-step circuit has. */
export function checkStepAndSubmitter(step: bigint, submitter: bigint): void {
  assertStep(step);
  checkUnsignedRange("submitter", submitter, SUBMITTER_BITS);
}

/** Checks the batch examples, their Merkle siblings and the dataset size: shapes first, then ranges. */
export function checkBatchWitness(
  shape: BatchShape,
  examples: readonly Example[],
  siblings: Matrix,
  datasetSize: bigint,
): void {
  if (examples.length !== shape.batch) {
    throw new DimensionError(`${examples.length} batch examples, expected ${shape.batch}`);
  }
  examples.forEach((example, j) => {
    assertVectorLength(`examples[${j}].x`, example.x, shape.dIn);
    assertVectorLength(`examples[${j}].t`, example.t, shape.dOut);
  });
  assertMatrixShape("siblings", siblings, shape.batch, shape.depth);
  checkSignedMatrix("x", batchInputs(examples), shape.xBits);
  checkSignedMatrix("t", batchTargets(examples), shape.xBits);
  assertDatasetSize(datasetSize, shape.depth);
  siblings.forEach((row, j) => row.forEach((s, level) => assertFieldElement(`siblings[${j}][${level}]`, s)));
}

function checkStatement(statement: StepStatement): void {
  for (const name of ["baseRoot", "datasetRoot", "hparamsHash", "adapterBefore", "adapterAfter"] as const) {
    assertFieldElement(name, statement[name]);
  }
  checkStepAndSubmitter(statement.step, statement.submitter);
}

function checkWitnessShape(shape: StepShape, witness: StepWitness): void {
  assertMatrixShape("w0", witness.w0, shape.dOut, shape.dIn);
  assertMatrixShape("a", witness.a, shape.rank, shape.dIn);
  assertMatrixShape("b", witness.b, shape.dOut, shape.rank);
  assertMatrixShape("aNext", witness.aNext, shape.rank, shape.dIn);
  assertMatrixShape("bNext", witness.bNext, shape.dOut, shape.rank);
}

function checkWitnessRanges(shape: StepShape, witness: StepWitness): void {
  checkSignedMatrix("w0", witness.w0, shape.wBits);
  checkSignedMatrix("a", witness.a, shape.aBits);
  checkSignedMatrix("b", witness.b, shape.aBits);
  checkSignedMatrix("aNext", witness.aNext, shape.aBits);
  checkSignedMatrix("bNext", witness.bNext, shape.aBits);
  checkUnsignedRange("alpha", witness.alpha, HPARAM_BITS);
  checkUnsignedRange("lr", witness.lr, HPARAM_BITS);
}

function batchInputs(examples: readonly Example[]): Matrix {
  return examples.map((example) => example.x);
}

function batchTargets(examples: readonly Example[]): Matrix {
  return examples.map((example) => example.t);
}

/**
 * The circuit's input object: every value a decimal field element, signed values as v mod p.
 * Checks dimensions and ranges (so nothing wraps silently), not that statement and witness agree.
 */
export function buildCircuitInput(shape: StepShape, statement: StepStatement, witness: StepWitness): CircuitInput {
  validateShape(shape);
  checkStatement(statement);
  checkWitnessShape(shape, witness);
  checkBatchWitness(shape, witness.examples, witness.siblings, witness.datasetSize);
  checkWitnessRanges(shape, witness);
  return {
    baseRoot: fieldString(statement.baseRoot),
    datasetRoot: fieldString(statement.datasetRoot),
    hparamsHash: fieldString(statement.hparamsHash),
    adapterBefore: fieldString(statement.adapterBefore),
    adapterAfter: fieldString(statement.adapterAfter),
    step: fieldString(statement.step),
    submitter: fieldString(statement.submitter),
    w0: fieldMatrix(witness.w0),
    a: fieldMatrix(witness.a),
    b: fieldMatrix(witness.b),
    aNext: fieldMatrix(witness.aNext),
    bNext: fieldMatrix(witness.bNext),
    alpha: fieldString(witness.alpha),
    lr: fieldString(witness.lr),
    datasetSize: fieldString(witness.datasetSize),
    x: fieldMatrix(batchInputs(witness.examples)),
    t: fieldMatrix(batchTargets(witness.examples)),
    siblings: fieldMatrix(witness.siblings),
  };
}

export interface MakeStepParams {
  readonly shape: StepShape;
  readonly w0: Matrix;
  readonly a: Matrix;
  readonly b: Matrix;
  readonly alpha: bigint;
  readonly lr: bigint;
  /** the whole committed dataset, in tree order */
  readonly dataset: readonly Example[];
  readonly step: bigint;
  readonly submitter: bigint;
}

export interface MadeStep {
  readonly statement: StepStatement;
  readonly witness: StepWitness;
  readonly circuitInput: CircuitInput;
  /** batch MSE before the step (for people; not part of the statement) */
  readonly loss: number;
  /** dataset positions of the batch examples (PROTOCOL §6) */
  readonly positions: number[];
  /** every intermediate of the reference step */
  readonly result: StepResult;
}

/** Runs the reference step on the batch that `step` selects and commits to everything. */
export function makeStep(params: MakeStepParams): MadeStep {
  const { shape, w0, a, b, alpha, lr, dataset, step, submitter } = params;
  validateShape(shape);
  const committed = commitDataset(dataset, shape);
  const positions = batchPositions(step, shape, committed.size);
  const examples = positions.map((position) => {
    const example = dataset[position];
    if (example === undefined) throw new DimensionError(`no dataset example at position ${position}`);
    return example;
  });
  const result = loraStep({ shape, w0, a, b, alpha, lr, xs: batchInputs(examples), ts: batchTargets(examples) });

  const statement: StepStatement = {
    baseRoot: baseRoot(w0, shape),
    datasetRoot: committed.datasetRoot,
    hparamsHash: hparamsHash(shape, alpha, lr, committed.size),
    adapterBefore: adapterCommitment(a, b, shape),
    adapterAfter: adapterCommitment(result.aNext, result.bNext, shape),
    step,
    submitter,
  };
  const witness: StepWitness = {
    w0,
    a,
    b,
    aNext: result.aNext,
    bNext: result.bNext,
    alpha,
    lr,
    datasetSize: committed.size,
    examples,
    siblings: positions.map((position) => committed.tree.proof(position).siblings),
  };
  const circuitInput = buildCircuitInput(shape, statement, witness);
  return { statement, witness, circuitInput, loss: result.loss, positions, result };
}

/** What replaying a run needs: everything of makeStep's parameters but the step and the submitter. */
export type RunTask = Omit<MakeStepParams, "step" | "submitter">;

/**
 * The adapter a run of `task` holds before step `step`: steps 0 … step - 1 replayed with the exact
 * reference, each on the batch its index selects (PROTOCOL §6). Deterministic, so a run's adapters are
 * recomputed rather than stored.
 */
export function adapterBeforeStep(task: RunTask, step: bigint): { a: Matrix; b: Matrix } {
  const size = BigInt(task.dataset.length);
  let { a, b } = task;
  for (let t = 0n; t < step; t++) {
    const examples = batchPositions(t, task.shape, size).map((position) => task.dataset[position] as Example);
    const result = loraStep({ ...task, a, b, xs: batchInputs(examples), ts: batchTargets(examples) });
    a = result.aNext;
    b = result.bNext;
  }
  return { a, b };
}
