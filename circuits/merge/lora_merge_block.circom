pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/pack_hash.circom";
include "../lib/merkle.circom";
include "../lib/base.circom";
include "../lib/commitments.circom";

/// @title LoraMergeBlock
/// @notice One block of the merged weights of docs/PROTOCOL.md §13: W_eff = W0 2^(3F-FW) + alpha B A
///         exactly on column block blockIndex of the base model, and
///         accOut = Poseidon([TAG_MERGED_MODEL, accIn, PackHash(TAG_MERGED_BLOCK, W_eff block, mergedBits)]).
/// @param dIn, dOut, rank, F, FW, aBits, wBits the step instance's shape
/// @input baseRoot, adapter, alpha, blockIndex, accIn, accOut public
/// @input w0 the block's base weights; siblings its path; a, b the adapter
/// Cost: the block's inclusion, the adapter's commitment, rank dIn products to select the block's
///       columns of A (none with one block), dOut C (rank + 1) products, the merged block's Poseidon chain.
template LoraMergeBlock(dIn, dOut, rank, F, FW, aBits, wBits) {
    var columns = baseColumns(dIn, dOut);
    var blocks = dIn \ columns;
    var bits = mergedBits(dIn, rank, F, FW, aBits, wBits);

    signal input baseRoot;
    signal input adapter;
    signal input alpha;
    signal input blockIndex;
    signal input accIn;
    signal input accOut;
    signal input w0[dOut][columns];
    signal input siblings[baseTreeDepth(dIn, dOut)];
    signal input a[rank][dIn];
    signal input b[dOut][rank];

    component block = BaseBlockInclusion(dIn, dOut, wBits);
    block.w0 <== w0;
    block.blockIndex <== blockIndex;
    block.siblings <== siblings;
    block.baseRoot <== baseRoot;

    component committed = AdapterCommitment(dIn, dOut, rank, aBits);
    committed.a <== a;
    committed.b <== b;
    committed.out === adapter;
    component alphaRange = UnsignedRange(HPARAM_BITS());
    alphaRange.in <== alpha;

    // The block's columns of A: a one-hot selection by blockIndex (the inclusion bounds blockIndex).
    signal aBlock[rank][columns];
    if (blocks == 1) {
        aBlock <== a;
    } else {
        component isBlock[blocks];
        var selected = 0;
        for (var blk = 0; blk < blocks; blk++) {
            isBlock[blk] = IsEqual();
            isBlock[blk].in[0] <== blockIndex;
            isBlock[blk].in[1] <== blk;
            selected += isBlock[blk].out;
        }
        selected === 1;
        signal choice[rank][columns][blocks];
        for (var k = 0; k < rank; k++) {
            for (var c = 0; c < columns; c++) {
                var sum = 0;
                for (var blk = 0; blk < blocks; blk++) {
                    choice[k][c][blk] <== isBlock[blk].out * a[k][blk * columns + c];
                    sum += choice[k][c][blk];
                }
                aBlock[k][c] <== sum;
            }
        }
    }

    signal product[dOut][columns][rank];
    signal scaled[dOut][columns];
    component merged = PackHashBounded(TAG_MERGED_BLOCK(), dOut * columns, bits);
    for (var i = 0; i < dOut; i++) {
        for (var c = 0; c < columns; c++) {
            var lora = 0;
            for (var k = 0; k < rank; k++) {
                product[i][c][k] <== b[i][k] * aBlock[k][c];
                lora += product[i][c][k];
            }
            scaled[i][c] <== alpha * lora;
            merged.values[i * columns + c] <== w0[i][c] * (1 << (3 * F - FW)) + scaled[i][c];
        }
    }
    component link = Poseidon(3);
    link.inputs[0] <== TAG_MERGED_MODEL();
    link.inputs[1] <== accIn;
    link.inputs[2] <== merged.out;
    link.out === accOut;
}
