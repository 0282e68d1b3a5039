/** The committed dataset and the batch selection of a step (PROTOCOL §5, §6). */

import { assertDatasetSize, datasetRoot, exampleLeaf } from "./commitments.js";
import { buildTree, type MerkleTree } from "./merkle.js";
import { STEP_BITS, type StepShape } from "./shape.js";
import type { Example } from "./types.js";

export interface DatasetCommitment {
  /** root of the Merkle tree of example leaves */
  readonly treeRoot: bigint;
  /** Poseidon([4, treeRoot, size]): the value registered on chain */
  readonly datasetRoot: bigint;
  readonly size: bigint;
  readonly tree: MerkleTree;
}

export function commitDataset(examples: readonly Example[], shape: StepShape): DatasetCommitment {
  const size = BigInt(examples.length);
  assertDatasetSize(size, shape.depth);
  const leaves = examples.map((example, m) => exampleLeaf(example.x, example.t, shape, `dataset[${m}]`));
  const tree = buildTree(leaves, shape.depth);
  return { treeRoot: tree.root, datasetRoot: datasetRoot(tree.root, size), size, tree };
}

export function assertStep(step: bigint): void {
  if (step < 0n || step >= 1n << BigInt(STEP_BITS)) {
    throw new RangeError(`step = ${step} must be in [0, 2^${STEP_BITS})`);
  }
}

/** pos_j = (step * batch + j) mod datasetSize, for j = 0..batch-1. */
export function batchPositions(step: bigint, shape: StepShape, datasetSize: bigint): number[] {
  assertStep(step);
  assertDatasetSize(datasetSize, shape.depth);
  const first = step * BigInt(shape.batch);
  return Array.from({ length: shape.batch }, (_, j) => Number((first + BigInt(j)) % datasetSize));
}
