pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./functions.circom";
include "./range.circom";
include "./merkle.circom";
include "./commitments.circom";

/// @title BatchPositions
/// @notice Batch selection (docs/PROTOCOL.md §6): example j of the batch of step `step` is the dataset
///         example at position pos_j = (step * batch + j) mod datasetSize. Proves step * batch + j =
///         q_j * datasetSize + pos_j with 0 <= pos_j < datasetSize and q_j < 2^40.
/// @param batch examples per step n
/// @param depth depth of the dataset tree (datasetSize <= 2^depth), 1..32
/// @input step the step index; range-checked here to 32 bits
/// @input datasetSize range-checked here to 1 <= datasetSize <= 2^depth
/// @output pathBits the bits of each pos_j, level 0 first: the Merkle path of example j
/// Cost: 32 + depth + batch (1 + 2 depth + 40).
template BatchPositions(batch, depth) {
    assert(batch >= 1);
    assert(depth >= 1 && depth <= 32);
    // step * batch + j < 2^(STEP_BITS + bitLength(batch)), so its quotient by datasetSize fits too.
    assert(STEP_BITS() + bitLength(batch) <= BATCH_QUOTIENT_BITS());

    signal input step;
    signal input datasetSize;
    signal output pathBits[batch][depth];

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
        pathBits[j] <== positionBits[j].out;
    }
}

/// @title DatasetPaths
/// @notice Dataset inclusion (§5): every leaf is in the tree datasetRoot commits to, at the position its
///         path bits give. Walks each Merkle path, requires every path to reach the same tree root, and
///         constrains datasetRoot = Poseidon([TAG_DATASET, treeRoot, datasetSize]).
/// @param batch number of leaves
/// @param depth depth of the dataset tree
/// @input leaf the leaves; pathBits their positions' bits. The CALLER constrains the bits (BatchPositions).
/// @input siblings the Merkle siblings of each leaf, level 0 first; any field elements
/// @input datasetSize hashed into the root. The CALLER range-checks it (BatchPositions).
/// @input datasetRoot the dataset commitment; constrained here, so the caller has nothing left to enforce
/// Cost: batch depth (Poseidon(2) + 1) + DatasetRoot.
template DatasetPaths(batch, depth) {
    signal input leaf[batch];
    signal input pathBits[batch][depth];
    signal input siblings[batch][depth];
    signal input datasetSize;
    signal input datasetRoot;

    component path[batch];
    for (var j = 0; j < batch; j++) {
        path[j] = MerkleRoot(depth);
        path[j].leaf <== leaf[j];
        path[j].pathBits <== pathBits[j];
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

/// @title BatchInclusion
/// @notice Batch selection and dataset inclusion of version 1 (§5, §6): example j of the batch of step
///         `step` is the dataset example at pos_j, its leaf PackHash(TAG_EXAMPLE, x ++ t, xBits).
/// @param dIn, dOut lengths of an example's x and t
/// @param batch, depth as BatchPositions'
/// @param xBits signed width of an input or target
/// @input step, datasetSize as BatchPositions'; x, t the batch, range-checked here (xBits) by their leaves
/// @input siblings, datasetRoot as DatasetPaths'
/// Cost: BatchPositions + batch ExampleLeaf + DatasetPaths. 8x8, n = 2, depth 4, 16 bits (the test
///       instance): 36 + 2 (1 + 8 + 40 + 514 + 964) + 258 = 3,348 (measured, --O2).
template BatchInclusion(dIn, dOut, batch, depth, xBits) {
    signal input step;
    signal input datasetSize;
    signal input x[batch][dIn];
    signal input t[batch][dOut];
    signal input siblings[batch][depth];
    signal input datasetRoot;

    component positions = BatchPositions(batch, depth);
    positions.step <== step;
    positions.datasetSize <== datasetSize;
    component leaf[batch];
    component paths = DatasetPaths(batch, depth);
    for (var j = 0; j < batch; j++) {
        leaf[j] = ExampleLeaf(dIn, dOut, xBits);
        leaf[j].x <== x[j];
        leaf[j].t <== t[j];
        paths.leaf[j] <== leaf[j].out;
    }
    paths.pathBits <== positions.pathBits;
    paths.siblings <== siblings;
    paths.datasetSize <== datasetSize;
    paths.datasetRoot <== datasetRoot;
}

/// @title ActivatedBatchInclusion
/// @notice Batch selection and inclusion in an activated dataset (version 2, §11): as BatchInclusion,
///         with each leaf committing the example's base output z too (ActivatedLeaf).
/// @param dIn, dOut, batch, depth, xBits as BatchInclusion's; zBits the signed width of z
/// @input step, datasetSize, x, t, siblings, datasetRoot as BatchInclusion's; z the base outputs,
///        range-checked here (zBits) by their leaves
/// Cost: BatchPositions + batch ActivatedLeaf + DatasetPaths.
template ActivatedBatchInclusion(dIn, dOut, batch, depth, xBits, zBits) {
    signal input step;
    signal input datasetSize;
    signal input x[batch][dIn];
    signal input t[batch][dOut];
    signal input z[batch][dOut];
    signal input siblings[batch][depth];
    signal input datasetRoot;

    component positions = BatchPositions(batch, depth);
    positions.step <== step;
    positions.datasetSize <== datasetSize;
    component leaf[batch];
    component paths = DatasetPaths(batch, depth);
    for (var j = 0; j < batch; j++) {
        leaf[j] = ActivatedLeaf(dIn, dOut, xBits, zBits);
        leaf[j].x <== x[j];
        leaf[j].t <== t[j];
        leaf[j].z <== z[j];
        paths.leaf[j] <== leaf[j].out;
    }
    paths.pathBits <== positions.pathBits;
    paths.siblings <== siblings;
    paths.datasetSize <== datasetSize;
    paths.datasetRoot <== datasetRoot;
}
