/**
 * Merged weights in protocol version 2 (PROTOCOL §13): W_eff = W0 + α B A exactly, committed in the
 * base model's column blocks, so that a wide layer's merge is proven block by block.
 */

import {
  baseBlockValues,
  baseBlockWitness,
  baseLayout,
  decimalRecord,
  type BaseCommitment,
  type BaseLayout,
} from "./baseModel.js";
import { TAGS, adapterCommitment } from "./commitments.js";
import { fieldMatrix } from "./statement.js";
import { mergedBits, mergedWeights } from "./merge.js";
import type { Matrix } from "./matrix.js";
import { packHash, poseidonHash } from "./poseidon.js";
import type { StepShape } from "./shape.js";

export interface MergedBlocks {
  readonly layout: BaseLayout;
  /** W_eff as integers at scale 2^3F, d_out x d_in */
  readonly merged: bigint[][];
  /** PackHash(17, block b of W_eff row-major, mergedBits) */
  readonly blockCommitments: readonly bigint[];
  /** acc_0 = 0, acc_(b+1) = Poseidon([18, acc_b, blockCommitment_b]) */
  readonly accumulators: readonly bigint[];
  /** acc_blocks: the merged model's commitment */
  readonly root: bigint;
}

export function mergeInBlocks(shape: StepShape, w0: Matrix, a: Matrix, b: Matrix, alpha: bigint): MergedBlocks {
  const layout = baseLayout(shape.dIn, shape.dOut);
  const merged = mergedWeights(shape, w0, a, b, alpha);
  const bits = mergedBits(shape);
  const blockCommitments = Array.from({ length: layout.blocks }, (_, block) =>
    packHash(TAGS.mergedBlock, baseBlockValues(merged, layout, block), bits, "merged"),
  );
  const accumulators = [0n];
  blockCommitments.forEach((commitment, block) => {
    accumulators.push(poseidonHash([TAGS.mergedModel, accumulators[block] as bigint, commitment]));
  });
  return { layout, merged, blockCommitments, accumulators, root: accumulators[layout.blocks] as bigint };
}

/** The public inputs of one merge block's proof (LoraMergeBlock), in the order of PROTOCOL §13. */
export type MergeBlockStatement = {
  readonly baseRoot: bigint;
  readonly adapter: bigint;
  readonly alpha: bigint;
  readonly blockIndex: bigint;
  readonly accIn: bigint;
  readonly accOut: bigint;
};

/** Block `index` of a merge: its statement and the circuit's input. */
export function mergeBlockInput(
  shape: StepShape,
  params: { w0: Matrix; a: Matrix; b: Matrix; alpha: bigint; base: BaseCommitment; merged: MergedBlocks },
  index: number,
): { statement: MergeBlockStatement; circuitInput: Record<string, unknown> } {
  const statement: MergeBlockStatement = {
    baseRoot: params.base.root,
    adapter: adapterCommitment(params.a, params.b, shape),
    alpha: params.alpha,
    blockIndex: BigInt(index),
    accIn: params.merged.accumulators[index] as bigint,
    accOut: params.merged.accumulators[index + 1] as bigint,
  };
  return {
    statement,
    circuitInput: {
      ...decimalRecord(statement),
      ...baseBlockWitness(params.w0, params.base, index),
      a: fieldMatrix(params.a),
      b: fieldMatrix(params.b),
    },
  };
}
