/**
 * Protocol version 2's dataset (PROTOCOL §11): each leaf commits an example together with the frozen
 * base layer's exact output for it, z = W0 x, so that a step uses z and never reads W0.
 */

import { TAGS, assertDatasetSize, datasetRoot } from "./commitments.js";
import { checkSignedMatrix, checkSignedVector } from "./fixedpoint.js";
import { assertMatrixShape, assertVectorLength, type Matrix, type Vector } from "./matrix.js";
import { buildTree } from "./merkle.js";
import { packSigned } from "./packing.js";
import { chainHash } from "./poseidon.js";
import { bitLength, type StepShape } from "./shape.js";
import type { DatasetCommitment } from "./dataset.js";
import type { Example } from "./types.js";

/** An example with its base output z = Ŵ X (d_out integers at scale 2^(FW+F)). */
export interface ActivatedExample extends Example {
  readonly z: Vector;
}

/** Signed width of z: |z| <= d_in 2^(wBits-1) 2^(xBits-1) < 2^(wBits + xBits - 2 + bitLength(d_in)). */
export function activationBits(shape: Pick<StepShape, "dIn" | "xBits" | "wBits">): number {
  return shape.wBits + shape.xBits - 1 + bitLength(shape.dIn);
}

/** z = Ŵ X exactly. */
export function activations(w0: Matrix, x: Vector): bigint[] {
  return w0.map((row) => row.reduce((sum, weight, l) => sum + weight * (x[l] ?? 0n), 0n));
}

export function activateExamples(examples: readonly Example[], w0: Matrix, shape: StepShape): ActivatedExample[] {
  assertMatrixShape("w0", w0, shape.dOut, shape.dIn);
  checkSignedMatrix("w0", w0, shape.wBits);
  return examples.map((example) => ({ ...example, z: activations(w0, example.x) }));
}

/**
 * ChainHash(11, d_in + 2 d_out, packed(x ++ t, xBits) ++ packed(z, zBits)): x and t pack as in
 * version 1, z in words of its own width.
 */
export function activatedLeaf(example: ActivatedExample, shape: StepShape, name = "example"): bigint {
  assertVectorLength(`${name}.x`, example.x, shape.dIn);
  assertVectorLength(`${name}.t`, example.t, shape.dOut);
  assertVectorLength(`${name}.z`, example.z, shape.dOut);
  checkSignedVector(`${name}.x`, example.x, shape.xBits);
  checkSignedVector(`${name}.t`, example.t, shape.xBits);
  checkSignedVector(`${name}.z`, example.z, activationBits(shape));
  const words = [
    ...packSigned([...example.x, ...example.t], shape.xBits, name),
    ...packSigned(example.z, activationBits(shape), `${name}.z`),
  ];
  return chainHash(TAGS.activatedExample, shape.dIn + 2 * shape.dOut, words);
}

/** The activated dataset's tree and root: datasetRoot = Poseidon([4, treeRoot, size]) as in version 1. */
export function commitActivatedDataset(examples: readonly ActivatedExample[], shape: StepShape): DatasetCommitment {
  const size = BigInt(examples.length);
  assertDatasetSize(size, shape.depth);
  const leaves = examples.map((example, m) => activatedLeaf(example, shape, `dataset[${m}]`));
  const tree = buildTree(leaves, shape.depth);
  return { treeRoot: tree.root, datasetRoot: datasetRoot(tree.root, size), size, tree };
}
