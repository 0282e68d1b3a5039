import { adapterCommitment, baseRoot, hparamsHash, TAGS } from "./commitments.js";
import { MERGE_PUBLIC_INPUTS } from "./instances.js";
import { fieldMatrix, fieldString } from "./statement.js";
import { buildMatrix, flattenRowMajor, type Matrix } from "./matrix.js";
import { packHash } from "./poseidon.js";
import { bitLength, HPARAM_BITS, type StepShape } from "./shape.js";

/**
 * Signed width of an exact merged weight (docs/PROTOCOL.md §9): |W0 2^(3F-FW)| < 2^(wBits-1+3F-FW) and
 * |α̂ B̂ Â| < 2^(16 + 2(aBits-1) + log2 r); the sum of both fits one more bit, the sign another.
 */
export function mergedBits(shape: StepShape): number {
  const baseBits = shape.wBits - 1 + 3 * shape.F - shape.FW;
  const loraBits = HPARAM_BITS + 2 * (shape.aBits - 1) + bitLength(shape.rank - 1);
  return Math.max(baseBits, loraBits) + 2;
}

/** W_eff = W0 + α B A exactly, as integers at scale 2^3F: Ŵ 2^(3F-FW) + α̂ Σ_k B̂[i][k] Â[k][l]. */
export function mergedWeights(shape: StepShape, w0: Matrix, a: Matrix, b: Matrix, alpha: bigint): bigint[][] {
  const baseScale = 1n << BigInt(3 * shape.F - shape.FW);
  return buildMatrix(shape.dOut, shape.dIn, (i, l) => {
    let lora = 0n;
    for (let k = 0; k < shape.rank; k++) lora += (b[i]?.[k] ?? 0n) * (a[k]?.[l] ?? 0n);
    return (w0[i]?.[l] ?? 0n) * baseScale + alpha * lora;
  });
}

/** PackHash(6, W_eff row-major, mergedBits). */
export function mergedRoot(shape: StepShape, merged: Matrix): bigint {
  return packHash(TAGS.merged, flattenRowMajor(merged), mergedBits(shape), "merged");
}

/** A merged weight as a real number. */
export function mergedToReal(shape: StepShape, value: bigint): number {
  return Number(value) / 2 ** (3 * shape.F);
}

/** The public inputs of a merge proof, in the order of PROTOCOL §9. */
export interface MergeStatement {
  baseRoot: bigint;
  adapter: bigint;
  hparamsHash: bigint;
  mergedRoot: bigint;
}

export interface MergeParams {
  shape: StepShape;
  w0: Matrix;
  a: Matrix;
  b: Matrix;
  alpha: bigint;
  lr: bigint;
  datasetSize: bigint;
}

export interface MadeMerge {
  statement: MergeStatement;
  merged: bigint[][];
  circuitInput: Record<string, string | string[][]>;
}

export function mergePublicSignals(statement: MergeStatement): bigint[] {
  return MERGE_PUBLIC_INPUTS.map((name) => statement[name]);
}

/** Everything a merge proof needs: the statement, the merged weights and the LoraMerge circuit input. */
export function makeMerge(params: MergeParams): MadeMerge {
  const { shape, w0, a, b, alpha, lr, datasetSize } = params;
  const merged = mergedWeights(shape, w0, a, b, alpha);
  const statement: MergeStatement = {
    baseRoot: baseRoot(w0, shape),
    adapter: adapterCommitment(a, b, shape),
    hparamsHash: hparamsHash(shape, alpha, lr, datasetSize),
    mergedRoot: mergedRoot(shape, merged),
  };
  const field = fieldString;
  const matrix = fieldMatrix;
  return {
    statement,
    merged,
    circuitInput: {
      baseRoot: field(statement.baseRoot),
      adapter: field(statement.adapter),
      hparamsHash: field(statement.hparamsHash),
      mergedRoot: field(statement.mergedRoot),
      w0: matrix(w0),
      a: matrix(a),
      b: matrix(b),
      alpha: field(alpha),
      lr: field(lr),
      datasetSize: field(datasetSize),
    },
  };
}
