pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/pack_hash.circom";
include "../lib/merkle.circom";
include "../lib/base.circom";
include "../lib/commitments.circom";
include "../lib/projection.circom";

/// @title BaseProjectionBlock
/// @notice One link of a base projection (docs/PROTOCOL.md §11): the d_out x C weights given are column
///         block blockIndex of the base model baseRoot commits to, and
///         accOut = Poseidon([TAG_PROJECTION, accIn, ChainHash(TAG_PROJECTION_SLICE, C, w_block)]) with
///         w_block[c] = Σ_i c^i W0[i][block column c], c the (baseRoot, datasetRoot) challenge.
/// @param dIn, dOut, wBits the base layer (C = baseColumns(dIn, dOut))
/// @input baseRoot, datasetRoot, blockIndex, accIn, accOut public
/// @input w0 the block's weights (range-checked here); siblings its Merkle path in the block tree
template BaseProjectionBlock(dIn, dOut, wBits) {
    var columns = baseColumns(dIn, dOut);

    signal input baseRoot;
    signal input datasetRoot;
    signal input blockIndex;
    signal input accIn;
    signal input accOut;
    signal input w0[dOut][columns];
    signal input siblings[baseTreeDepth(dIn, dOut)];

    component block = BaseBlockInclusion(dIn, dOut, wBits);
    block.w0 <== w0;
    block.blockIndex <== blockIndex;
    block.siblings <== siblings;
    block.baseRoot <== baseRoot;

    component challenge = ProjectionChallenge(dOut);
    challenge.baseRoot <== baseRoot;
    challenge.datasetRoot <== datasetRoot;

    signal terms[columns][dOut];
    component slice = ChainHash(TAG_PROJECTION_SLICE(), columns, columns);
    for (var c = 0; c < columns; c++) {
        var sum = 0;
        for (var i = 0; i < dOut; i++) {
            terms[c][i] <== challenge.rho[i] * w0[i][c];
            sum += terms[c][i];
        }
        slice.words[c] <== sum;
    }
    component link = Poseidon(3);
    link.inputs[0] <== TAG_PROJECTION();
    link.inputs[1] <== accIn;
    link.inputs[2] <== slice.out;
    link.out === accOut;
}
