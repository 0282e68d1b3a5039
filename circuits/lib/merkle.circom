pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

/// @title MerkleRoot
/// @notice Root of a fixed-depth binary Poseidon tree from a leaf, its path bits and siblings.
/// @param depth number of levels above the leaves
/// @input leaf the leaf value
/// @input pathBits bit i is 1 when the node at level i is a right child. The CALLER must constrain
///        them to be 0 or 1 (LoraStep takes them from Num2Bits of the position).
/// @input siblings the sibling at each level, level 0 first
/// @output root the computed root
/// Cost: depth (Poseidon(2) + 1) = 241 depth at --O2 (964 at depth 4, measured).
template MerkleRoot(depth) {
    assert(depth >= 1);
    signal input leaf;
    signal input pathBits[depth];
    signal input siblings[depth];
    signal output root;

    component node[depth];
    signal level[depth + 1];
    signal swap[depth];
    level[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        // swap = bit * (sibling - current): left = current + swap, right = sibling - swap.
        swap[i] <== pathBits[i] * (siblings[i] - level[i]);
        node[i] = Poseidon(2);
        node[i].inputs[0] <== level[i] + swap[i];
        node[i].inputs[1] <== siblings[i] - swap[i];
        level[i + 1] <== node[i].out;
    }
    root <== level[depth];
}
