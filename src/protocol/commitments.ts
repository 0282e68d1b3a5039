/** The commitments of a step statement (PROTOCOL §5). */

import { assertFieldElement } from "./field.js";
import { checkSignedMatrix, checkSignedVector, checkUnsignedRange } from "./fixedpoint.js";
import { assertMatrixShape, assertVectorLength, flattenRowMajor, type Matrix, type Vector } from "./matrix.js";
import { packHash, poseidonHash } from "./poseidon.js";
import { HPARAM_BITS, type StepShape } from "./shape.js";

/**
 * Domain tags: the first thing hashed by each kind of commitment (PROTOCOL §5). 7 and 8 are the full
 * fine-tuning baseline's (FULL_TAGS); 9 and above are protocol version 2's.
 */
export const TAGS = {
  base: 1n,
  example: 2n,
  adapter: 3n,
  dataset: 4n,
  hparams: 5n,
  merged: 6n,
  baseBlock: 9n,
  baseModel: 10n,
  activatedExample: 11n,
  challenge: 12n,
  projectionSlice: 13n,
  projection: 14n,
  init: 15n,
  run: 16n,
  mergedBlock: 17n,
  mergedModel: 18n,
} as const;

/** PackHash(1, W0 row-major, wBits). */
export function baseRoot(w0: Matrix, shape: StepShape): bigint {
  assertMatrixShape("w0", w0, shape.dOut, shape.dIn);
  checkSignedMatrix("w0", w0, shape.wBits);
  return packHash(TAGS.base, flattenRowMajor(w0), shape.wBits);
}

/** PackHash(2, x ++ t, xBits): the Merkle leaf of one example. `name` prefixes errors ("dataset[4]"). */
export function exampleLeaf(x: Vector, t: Vector, shape: StepShape, name?: string): bigint {
  const xName = name === undefined ? "x" : `${name}.x`;
  const tName = name === undefined ? "t" : `${name}.t`;
  assertVectorLength(xName, x, shape.dIn);
  assertVectorLength(tName, t, shape.dOut);
  checkSignedVector(xName, x, shape.xBits);
  checkSignedVector(tName, t, shape.xBits);
  return packHash(TAGS.example, [...x, ...t], shape.xBits);
}

/** PackHash(3, A row-major ++ B row-major, aBits). */
export function adapterCommitment(a: Matrix, b: Matrix, shape: StepShape): bigint {
  assertMatrixShape("a", a, shape.rank, shape.dIn);
  assertMatrixShape("b", b, shape.dOut, shape.rank);
  checkSignedMatrix("a", a, shape.aBits);
  checkSignedMatrix("b", b, shape.aBits);
  return packHash(TAGS.adapter, [...flattenRowMajor(a), ...flattenRowMajor(b)], shape.aBits);
}

/** Throws unless 1 <= size <= 2^depth (PROTOCOL §5, dataset tree). */
export function assertDatasetSize(size: bigint, depth: number): void {
  if (size < 1n || size > 1n << BigInt(depth)) {
    throw new RangeError(`datasetSize = ${size} must be in [1, 2^${depth}]`);
  }
}

/** Poseidon([4, treeRoot, datasetSize]). */
export function datasetRoot(treeRoot: bigint, size: bigint): bigint {
  assertFieldElement("treeRoot", treeRoot);
  if (size < 1n) throw new RangeError(`datasetSize = ${size} must be at least 1`);
  return poseidonHash([TAGS.dataset, treeRoot, size]);
}

/** Poseidon([5, d_in, d_out, r, n, depth, F, FW, xBits, aBits, wBits, α̂, l̂, datasetSize]). */
export function hparamsHash(shape: StepShape, alpha: bigint, lr: bigint, datasetSize: bigint): bigint {
  checkUnsignedRange("alpha", alpha, HPARAM_BITS);
  checkUnsignedRange("lr", lr, HPARAM_BITS);
  assertDatasetSize(datasetSize, shape.depth);
  const { dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits } = shape;
  const shapeWords = [dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits].map(BigInt);
  return poseidonHash([TAGS.hparams, ...shapeWords, alpha, lr, datasetSize]);
}
