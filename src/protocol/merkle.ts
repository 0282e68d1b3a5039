/** Fixed-depth binary Poseidon Merkle tree with empty leaves 0 (PROTOCOL §5, dataset tree). */

import { assertFieldElement } from "./field.js";
import type { Vector } from "./matrix.js";
import { poseidonHash } from "./poseidon.js";
import { MAX_DEPTH } from "./shape.js";

export interface MerkleProof {
  /** sibling hashes from the leaf level (level 0) up to the level below the root */
  readonly siblings: bigint[];
  /** bit i of the leaf index: 1 when the path node at level i is a right child */
  readonly pathBits: number[];
}

export interface MerkleTree {
  readonly depth: number;
  readonly root: bigint;
  readonly leafCount: number;
  proof(index: number): MerkleProof;
}

function hashPair(left: bigint, right: bigint): bigint {
  return poseidonHash([left, right]);
}

/** zeroHashes[i] is the root of an all-empty subtree of height i. */
function zeroSubtreeHashes(depth: number): bigint[] {
  const zeros = [0n];
  for (let level = 0; level < depth; level++) {
    const below = zeros[level] as bigint;
    zeros.push(hashPair(below, below));
  }
  return zeros;
}

function assertDepth(depth: number): void {
  if (!Number.isSafeInteger(depth) || depth < 0 || depth > MAX_DEPTH) {
    throw new RangeError(`tree depth ${depth} must be an integer in [0, ${MAX_DEPTH}]`);
  }
}

function assertLeafIndex(index: number, depth: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** depth) {
    throw new RangeError(`leaf index ${index} is outside a tree of depth ${depth}`);
  }
}

/** Bits of `index`, level 0 first (arithmetic, not `>>`, so indices up to 2^32 work). */
function indexBits(index: number, depth: number): number[] {
  return Array.from({ length: depth }, (_, level) => Math.floor(index / 2 ** level) % 2);
}

/**
 * Builds the tree over `leaves` (positions 0..leaves.length-1, every other leaf 0). Only the
 * non-empty part is hashed: an empty subtree is replaced by its precomputed hash.
 */
export function buildTree(leaves: Vector, depth: number): MerkleTree {
  assertDepth(depth);
  if (leaves.length > 2 ** depth) {
    throw new RangeError(`${leaves.length} leaves do not fit a tree of depth ${depth}`);
  }
  leaves.forEach((leaf, i) => assertFieldElement(`leaf ${i}`, leaf));
  const zeros = zeroSubtreeHashes(depth);

  // levels[i] holds the non-empty prefix of level i; nodes past its end are zeros[i].
  const levels: bigint[][] = [[...leaves]];
  for (let level = 0; level < depth; level++) {
    const below = levels[level] as bigint[];
    const above: bigint[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(hashPair(below[i] as bigint, below[i + 1] ?? (zeros[level] as bigint)));
    }
    levels.push(above);
  }
  const root: bigint = levels[depth]?.[0] ?? (zeros[depth] as bigint);

  const nodeAt = (level: number, i: number): bigint => levels[level]?.[i] ?? (zeros[level] as bigint);

  return {
    depth,
    root,
    leafCount: leaves.length,
    proof(index: number): MerkleProof {
      assertLeafIndex(index, depth);
      const pathBits = indexBits(index, depth);
      const siblings = pathBits.map((bit, level) => {
        const nodeIndex = Math.floor(index / 2 ** level);
        return nodeAt(level, bit === 1 ? nodeIndex - 1 : nodeIndex + 1);
      });
      return { siblings, pathBits };
    },
  };
}

/** Root reached from `leaf` at `index` through `siblings` (level 0 first). */
export function rootFromProof(leaf: bigint, index: number, siblings: Vector): bigint {
  assertLeafIndex(index, siblings.length);
  assertFieldElement("leaf", leaf);
  let node = leaf;
  indexBits(index, siblings.length).forEach((bit, level) => {
    const sibling = siblings[level] as bigint;
    node = bit === 1 ? hashPair(sibling, node) : hashPair(node, sibling);
  });
  return node;
}

export function verifyProof(leaf: bigint, index: number, siblings: Vector, root: bigint): boolean {
  return rootFromProof(leaf, index, siblings) === root;
}
