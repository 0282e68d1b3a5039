pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "./functions.circom";
include "./pack_hash.circom";
include "./merkle.circom";
include "./commitments.circom";

/// @title BaseBlockInclusion
/// @notice A column block of the version-2 base model (docs/PROTOCOL.md §11): the d_out x C weights are
///         block blockIndex of the model baseRoot commits to: PackHash(TAG_BASE_BLOCK, block row-major,
///         wBits) is the leaf at blockIndex of the block tree, and baseRoot = Poseidon([TAG_BASE_MODEL,
///         treeRoot, blocks]). Range-checks every weight (wBits) and blockIndex (treeDepth bits; an index
///         past the last block would need a leaf of 0, a Poseidon preimage).
/// @param dIn, dOut, wBits the base layer
/// @input w0 the block's weights; blockIndex its index; siblings its Merkle path; baseRoot the model
/// Cost: dOut C wBits + the block's Poseidon chain + treeDepth (1 + Poseidon(2) + 1) + one Poseidon(3).
template BaseBlockInclusion(dIn, dOut, wBits) {
    var columns = baseColumns(dIn, dOut);
    var blocks = dIn \ columns;
    var depth = baseTreeDepth(dIn, dOut);
    signal input w0[dOut][columns];
    signal input blockIndex;
    signal input siblings[depth];
    signal input baseRoot;

    component block = PackHash(TAG_BASE_BLOCK(), dOut * columns, wBits);
    for (var i = 0; i < dOut; i++) {
        for (var c = 0; c < columns; c++) {
            block.values[i * columns + c] <== w0[i][c];
        }
    }
    component index = Num2Bits(depth);
    index.in <== blockIndex;
    component path = MerkleRoot(depth);
    path.leaf <== block.out;
    path.pathBits <== index.out;
    path.siblings <== siblings;
    component root = Poseidon(3);
    root.inputs[0] <== TAG_BASE_MODEL();
    root.inputs[1] <== path.root;
    root.inputs[2] <== blocks;
    root.out === baseRoot;
}
