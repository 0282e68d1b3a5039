pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./functions.circom";
include "./range.circom";
include "./merkle.circom";
include "./commitments.circom";

/// @title BatchInclusion
/// @notice Batch selection and dataset inclusion (docs/PROTOCOL.md §5, §6), shared by every training-step
///         circuit: example j of the batch of step `step` is the dataset example at position
///         pos_j = (step * batch + j) mod datasetSize, and it is in the tree that datasetRoot commits to.
///         Proves step * batch + j = q_j * datasetSize + pos_j with 0 <= pos_j < datasetSize and
///         q_j < 2^40, hashes each example to its leaf, walks its Merkle path along the bits of pos_j,
///         requires every path to reach the same tree root, and commits to that root with the size.
/// @param dIn, dOut lengths of an example's x and t
/// @param batch examples per step n
/// @param depth depth of the dataset tree (datasetSize <= 2^depth), 1..32
/// @param xBits signed width of an input or target
/// @input step the step index; range-checked here to 32 bits
/// @input datasetSize range-checked here to 1 <= datasetSize <= 2^depth
/// @input x, t the batch; range-checked here (xBits) by their leaves
/// @input siblings the Merkle siblings of each example, level 0 first; any field elements
/// @input datasetRoot the dataset commitment (public in the callers); constrained here to equal
///        Poseidon([TAG_DATASET, treeRoot, datasetSize]), so the caller has nothing left to enforce.
/// Cost: 32 + depth (step, size) + batch (1 + 2 depth + 40 + ExampleLeaf + depth (Poseidon(2) + 1))
///       + DatasetRoot. 8x8, n = 2, depth 4, 16 bits (the test instance): 36 + 2 (1 + 8 + 40 + 514 + 964)
///       + 258 = 3,348 (measured, --O2).
template BatchInclusion(dIn, dOut, batch, depth, xBits) {
    assert(batch >= 1);
    assert(depth >= 1 && depth <= 32);
    // step * batch + j < 2^(STEP_BITS + bitLength(batch)), so its quotient by datasetSize fits too.
    assert(STEP_BITS() + bitLength(batch) <= BATCH_QUOTIENT_BITS());

    signal input step;
    signal input datasetSize;
    signal input x[batch][dIn];
    signal input t[batch][dOut];
    signal input siblings[batch][depth];
    signal input datasetRoot;

    component stepRange = UnsignedRange(STEP_BITS());
    stepRange.in <== step;
    // 1 <= datasetSize <= 2^depth.
    component sizeRange = UnsignedRange(depth);
    sizeRange.in <== datasetSize - 1;

    signal position[batch];
    signal wraps[batch];
    component positionBits[batch];
    component positionBelowSize[batch];
    component wrapsRange[batch];
    component leaf[batch];
    component path[batch];
    for (var j = 0; j < batch; j++) {
        // Witness hints, constrained by the equation and the three range checks that follow:
        // step * batch + j = wraps * datasetSize + position, 0 <= position < datasetSize.
        position[j] <-- (step * batch + j) % datasetSize;
        wraps[j] <-- (step * batch + j) \ datasetSize;
        step * batch + j === wraps[j] * datasetSize + position[j];
        positionBits[j] = Num2Bits(depth);
        positionBits[j].in <== position[j];
        positionBelowSize[j] = UnsignedRange(depth);
        positionBelowSize[j].in <== datasetSize - 1 - position[j];
        wrapsRange[j] = UnsignedRange(BATCH_QUOTIENT_BITS());
        wrapsRange[j].in <== wraps[j];

        leaf[j] = ExampleLeaf(dIn, dOut, xBits);
        leaf[j].x <== x[j];
        leaf[j].t <== t[j];
        path[j] = MerkleRoot(depth);
        path[j].leaf <== leaf[j].out;
        path[j].pathBits <== positionBits[j].out;
        path[j].siblings <== siblings[j];
        if (j > 0) {
            path[j].root === path[0].root;
        }
    }
    component dataset = DatasetRoot();
    dataset.treeRoot <== path[0].root;
    dataset.datasetSize <== datasetSize;
    dataset.out === datasetRoot;
}
