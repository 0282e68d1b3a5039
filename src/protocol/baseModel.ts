/**
 * The frozen base layer in protocol version 2 (PROTOCOL §11): W0 committed in column blocks, and its
 * random projection w = ρᵀ W0 that lets a step check the base outputs z = W0 x of its examples
 * without reading W0.
 */

import { TAGS } from "./commitments.js";
import { FIELD_MODULUS, assertFieldElement, toField } from "./field.js";
import { checkSignedMatrix } from "./fixedpoint.js";
import { assertMatrixShape, type Matrix, type Vector } from "./matrix.js";
import { buildTree, type MerkleTree } from "./merkle.js";
import { chainHash, packHash, poseidonHash } from "./poseidon.js";
import { bitLength, type StepShape } from "./shape.js";

/** What the base commitment depends on: the layer's shape and the weights' width. */
export type BaseShape = Pick<StepShape, "dIn" | "dOut" | "wBits">;

/** A column block holds at most this many weights, so that one block's proof fits 2^17 constraints. */
export const BASE_BLOCK_WEIGHTS = 4096;

/** How W0 is cut: `columns` input features per block, `blocks` blocks, a block tree of `treeDepth`. */
export interface BaseLayout {
  readonly columns: number;
  readonly blocks: number;
  readonly treeDepth: number;
}

/**
 * The largest power of two C that divides d_in with d_out * C <= BASE_BLOCK_WEIGHTS (at least 1):
 * a function of the shape alone, so that every party cuts the same W0 the same way.
 */
export function baseLayout(dIn: number, dOut: number): BaseLayout {
  let columns = 1;
  while (dIn % (columns * 2) === 0 && dOut * columns * 2 <= BASE_BLOCK_WEIGHTS) columns *= 2;
  const blocks = dIn / columns;
  return { columns, blocks, treeDepth: Math.max(1, bitLength(blocks - 1)) };
}

/** Column block `index` of W0, row-major (d_out rows of `columns` weights). */
export function baseBlockValues(w0: Matrix, layout: BaseLayout, index: number): bigint[] {
  const first = index * layout.columns;
  return w0.flatMap((row) => row.slice(first, first + layout.columns));
}

export interface BaseCommitment {
  /** Poseidon([10, treeRoot, blocks]): the base model's identity on chain */
  readonly root: bigint;
  readonly treeRoot: bigint;
  readonly tree: MerkleTree;
  readonly blockCommitments: readonly bigint[];
  readonly layout: BaseLayout;
}

/** Block b: PackHash(9, block b row-major, wBits); the blocks are the leaves of a tree of depth treeDepth. */
export function commitBase(w0: Matrix, shape: BaseShape): BaseCommitment {
  assertMatrixShape("w0", w0, shape.dOut, shape.dIn);
  checkSignedMatrix("w0", w0, shape.wBits);
  const layout = baseLayout(shape.dIn, shape.dOut);
  const blockCommitments = Array.from({ length: layout.blocks }, (_, b) =>
    packHash(TAGS.baseBlock, baseBlockValues(w0, layout, b), shape.wBits, `w0 block ${b}`),
  );
  const tree = buildTree(blockCommitments, layout.treeDepth);
  return { root: baseModelRoot(tree.root, layout.blocks), treeRoot: tree.root, tree, blockCommitments, layout };
}

export function baseModelRoot(treeRoot: bigint, blocks: number): bigint {
  return poseidonHash([TAGS.baseModel, treeRoot, BigInt(blocks)]);
}

/** c = Poseidon([12, baseRoot, datasetRoot]): fixed only once W0 and every example's z are committed. */
export function projectionChallenge(baseRoot: bigint, datasetRoot: bigint): bigint {
  assertFieldElement("baseRoot", baseRoot);
  assertFieldElement("datasetRoot", datasetRoot);
  return poseidonHash([TAGS.challenge, baseRoot, datasetRoot]);
}

/** ρ = (c^0, c^1, …, c^(count-1)) mod p. */
export function challengePowers(c: bigint, count: number): bigint[] {
  const powers: bigint[] = [];
  let power = 1n;
  for (let i = 0; i < count; i++) {
    powers.push(power);
    power = (power * c) % FIELD_MODULUS;
  }
  return powers;
}

/** w = ρᵀ W0 mod p: w[l] = Σ_i c^i Ŵ[i][l]. */
export function projectBase(w0: Matrix, c: bigint): bigint[] {
  const rows = w0.length;
  const rho = challengePowers(c, rows);
  const width = w0[0]?.length ?? 0;
  return Array.from({ length: width }, (_, l) => {
    let sum = 0n;
    for (let i = 0; i < rows; i++) sum += (rho[i] as bigint) * toField(w0[i]?.[l] ?? 0n);
    return sum % FIELD_MODULUS;
  });
}

/** ChainHash(13, C, w[block columns]): the projection's slice of one column block, unpacked field elements. */
export function projectionSliceHash(slice: Vector): bigint {
  return chainHash(TAGS.projectionSlice, slice.length, slice);
}

/**
 * The chain of projection accumulators: acc_0 = 0, acc_(b+1) = Poseidon([14, acc_b, sliceHash_b]).
 * Block b's proof goes from acc_b to acc_(b+1); the projection's id is acc_blocks.
 */
export function projectionAccumulators(w: Vector, layout: BaseLayout): bigint[] {
  if (w.length !== layout.blocks * layout.columns) {
    throw new RangeError(`the projection has ${w.length} entries; the layout needs ${layout.blocks * layout.columns}`);
  }
  const accumulators = [0n];
  for (let b = 0; b < layout.blocks; b++) {
    const slice = w.slice(b * layout.columns, (b + 1) * layout.columns);
    accumulators.push(poseidonHash([TAGS.projection, accumulators[b] as bigint, projectionSliceHash(slice)]));
  }
  return accumulators;
}

/** The projection's id from w alone: acc_blocks of its chain over the base layout's blocks. */
export function projectionIdOf(w: Vector, shape: Pick<BaseShape, "dIn" | "dOut">): bigint {
  const layout = baseLayout(shape.dIn, shape.dOut);
  return projectionAccumulators(w, layout)[layout.blocks] as bigint;
}

/**
 * The check a step makes of an example's base output (PROTOCOL §11): Σ_i ρ_i z_i = Σ_l w_l x_l mod p,
 * ρ the powers of the challenge. It fails, but with probability (d_out - 1)/p, when z is not W0 x.
 */
export function projectionCheckHolds(challenge: bigint, w: Vector, x: Vector, z: Vector): boolean {
  const rho = challengePowers(challenge, z.length);
  const left = z.reduce((sum, value, i) => sum + (rho[i] as bigint) * toField(value), 0n) % FIELD_MODULUS;
  const right = x.reduce((sum, value, l) => sum + toField(w[l] ?? 0n) * toField(value), 0n) % FIELD_MODULUS;
  return left === right;
}

/** The projection a run's steps use: everything a step needs to check z without W0. */
export interface BaseProjection {
  readonly challenge: bigint;
  /** w = ρᵀ W0 mod p, d_in field elements */
  readonly w: bigint[];
  /** acc_0 … acc_blocks */
  readonly accumulators: bigint[];
  /** acc_blocks: what the registry records once every block is verified */
  readonly id: bigint;
}

export function baseProjection(w0: Matrix, base: BaseCommitment, datasetRoot: bigint): BaseProjection {
  const challenge = projectionChallenge(base.root, datasetRoot);
  const w = projectBase(w0, challenge);
  const accumulators = projectionAccumulators(w, base.layout);
  return { challenge, w, accumulators, id: accumulators[base.layout.blocks] as bigint };
}

/** The public inputs of one base projection block's proof (BaseProjectionBlock), in the order of PROTOCOL §11. */
export type ProjectionBlockStatement = {
  readonly baseRoot: bigint;
  readonly datasetRoot: bigint;
  readonly blockIndex: bigint;
  readonly accIn: bigint;
  readonly accOut: bigint;
};

/** Block `index` of a projection: its statement and the circuit's input (the block's weights and path). */
export function projectionBlockInput(
  w0: Matrix,
  base: BaseCommitment,
  projection: BaseProjection,
  datasetRoot: bigint,
  index: number,
): { statement: ProjectionBlockStatement; circuitInput: Record<string, unknown> } {
  const statement: ProjectionBlockStatement = {
    baseRoot: base.root,
    datasetRoot,
    blockIndex: BigInt(index),
    accIn: projection.accumulators[index] as bigint,
    accOut: projection.accumulators[index + 1] as bigint,
  };
  return { statement, circuitInput: { ...decimalRecord(statement), ...baseBlockWitness(w0, base, index) } };
}

/** The private inputs that place a column block in the base model: its weights (d_out x C) and Merkle path. */
export function baseBlockWitness(
  w0: Matrix,
  base: BaseCommitment,
  index: number,
): { w0: string[][]; siblings: string[] } {
  const { columns } = base.layout;
  return {
    w0: w0.map((row) => row.slice(index * columns, (index + 1) * columns).map((v) => toField(v).toString())),
    siblings: base.tree.proof(index).siblings.map((s) => s.toString()),
  };
}

/** A statement's values as decimal strings, the form circuit inputs take. */
export function decimalRecord<K extends string>(values: Readonly<Record<K, bigint>>): Record<K, string> {
  return Object.fromEntries(
    Object.entries<bigint>(values).map(([name, value]) => [name, toField(value).toString()]),
  ) as Record<K, string>;
}
