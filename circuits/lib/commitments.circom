pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./pack_hash.circom";

// ---- Domain tags (docs/PROTOCOL.md §5, §9, §10): the first word each kind of commitment hashes. ----
// src/protocol/commitments.ts (TAGS) and src/protocol/baseline/fullStep.ts (FULL_TAGS) hold the same.

function TAG_BASE() { return 1; }          // baseRoot: the frozen base weights W0
function TAG_EXAMPLE() { return 2; }       // example leaf of the dataset tree
function TAG_ADAPTER() { return 3; }       // adapterCommitment: (A, B)
function TAG_DATASET() { return 4; }       // datasetRoot: tree root and size
function TAG_HPARAMS() { return 5; }       // hparamsHash of a LoRA run
function TAG_MERGED() { return 6; }        // mergedRoot: the exact merged weights (§9)
function TAG_FULL_WEIGHTS() { return 7; }  // weightsBefore / weightsAfter of the full baseline (§10)
function TAG_FULL_HPARAMS() { return 8; }  // hparamsHash of the full baseline (§10)

/// @title BaseCommitment
/// @notice baseRoot = PackHash(TAG_BASE, W0 row-major, wBits) (§5); range-checks every weight (§4).
/// @param dIn, dOut shape of W0 (dOut x dIn)
/// @param wBits signed width of a base weight
/// @input w0 the base weights; anything (range-checked here)
/// @output out the commitment
/// Cost: dOut dIn wBits + the Poseidon chain. 8x8, int8: 512 + 294 = 806 (measured, --O2).
template BaseCommitment(dIn, dOut, wBits) {
    signal input w0[dOut][dIn];
    signal output out;

    component hash = PackHash(TAG_BASE(), dOut * dIn, wBits);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            hash.values[i * dIn + l] <== w0[i][l];
        }
    }
    out <== hash.out;
}

/// @title AdapterCommitment
/// @notice adapterCommitment = PackHash(TAG_ADAPTER, A row-major ++ B row-major, aBits) (§5); range-checks
///         every entry (§4), which is also what bounds an update quotient (§4).
/// @param dIn, dOut, rank A is rank x dIn, B is dOut x rank
/// @param aBits signed width of an adapter entry
/// @input a, b the adapters; anything (range-checked here)
/// @output out the commitment
/// Cost: rank (dIn + dOut) aBits + the Poseidon chain. 8x8, r = 2, 16 bits: 512 + 294 = 806 (measured).
template AdapterCommitment(dIn, dOut, rank, aBits) {
    signal input a[rank][dIn];
    signal input b[dOut][rank];
    signal output out;

    component hash = PackHash(TAG_ADAPTER(), rank * dIn + dOut * rank, aBits);
    for (var k = 0; k < rank; k++) {
        for (var l = 0; l < dIn; l++) {
            hash.values[k * dIn + l] <== a[k][l];
        }
    }
    for (var i = 0; i < dOut; i++) {
        for (var k = 0; k < rank; k++) {
            hash.values[rank * dIn + i * rank + k] <== b[i][k];
        }
    }
    out <== hash.out;
}

/// @title ExampleLeaf
/// @notice The Merkle leaf of one example, PackHash(TAG_EXAMPLE, x ++ t, xBits) (§5); range-checks x and t.
/// @param dIn, dOut lengths of x and t
/// @param xBits signed width of an input or target
/// @input x, t the example; anything (range-checked here)
/// @output out the leaf
/// Cost: (dIn + dOut) xBits + the Poseidon chain. 8 + 8 values of 16 bits: 256 + 258 = 514 (measured).
template ExampleLeaf(dIn, dOut, xBits) {
    signal input x[dIn];
    signal input t[dOut];
    signal output out;

    component hash = PackHash(TAG_EXAMPLE(), dIn + dOut, xBits);
    for (var l = 0; l < dIn; l++) {
        hash.values[l] <== x[l];
    }
    for (var i = 0; i < dOut; i++) {
        hash.values[dIn + i] <== t[i];
    }
    out <== hash.out;
}

/// @title DatasetRoot
/// @notice datasetRoot = Poseidon([TAG_DATASET, treeRoot, datasetSize]) (§5).
/// @input treeRoot root of the dataset tree
/// @input datasetSize number of examples. The CALLER range-checks it (1 <= datasetSize <= 2^depth).
/// @output out the commitment
/// Cost: one Poseidon(3) with one constant lane: 258 (measured).
template DatasetRoot() {
    signal input treeRoot;
    signal input datasetSize;
    signal output out;

    component hash = Poseidon(3);
    hash.inputs[0] <== TAG_DATASET();
    hash.inputs[1] <== treeRoot;
    hash.inputs[2] <== datasetSize;
    out <== hash.out;
}

/// @title HparamsHash
/// @notice hparamsHash of a LoRA run (§5): Poseidon([TAG_HPARAMS, dIn, dOut, rank, batch, depth, F, FW,
///         xBits, aBits, wBits, alpha, lr, datasetSize]); the shape and format are the template's
///         parameters, so a proof is for one instance's runs.
/// @param dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits the instance (LoraStep's parameters)
/// @input alpha, lr, datasetSize the run's values. The CALLER range-checks what it computes with (alpha
///        and lr 16 bits unsigned, datasetSize against depth); a value only hashed needs no check.
/// @output out the commitment
/// Cost: one Poseidon(14) with 11 constant inputs: 3 (8 * 15 + 60) - 3 * 12 = 504 (measured).
template HparamsHash(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
    signal input alpha;
    signal input lr;
    signal input datasetSize;
    signal output out;

    component hash = Poseidon(14);
    var shapeAndFormat[10] = [dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits];
    hash.inputs[0] <== TAG_HPARAMS();
    for (var s = 0; s < 10; s++) {
        hash.inputs[1 + s] <== shapeAndFormat[s];
    }
    hash.inputs[11] <== alpha;
    hash.inputs[12] <== lr;
    hash.inputs[13] <== datasetSize;
    out <== hash.out;
}

/// @title FullWeightsCommitment
/// @notice weightsBefore / weightsAfter of the full fine-tuning baseline (§10): PackHash(TAG_FULL_WEIGHTS,
///         W row-major, wBits); range-checks every weight, which also bounds the update quotient.
/// @param dIn, dOut shape of W (dOut x dIn)
/// @param wBits signed width of a (trainable) weight
/// @input w the weights; anything (range-checked here)
/// @output out the commitment
/// Cost: dOut dIn wBits + the Poseidon chain. 8x8, 16 bits: 1,024 + 351 = 1,375 (measured).
template FullWeightsCommitment(dIn, dOut, wBits) {
    signal input w[dOut][dIn];
    signal output out;

    component hash = PackHash(TAG_FULL_WEIGHTS(), dOut * dIn, wBits);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            hash.values[i * dIn + l] <== w[i][l];
        }
    }
    out <== hash.out;
}

/// @title FullHparamsHash
/// @notice hparamsHash of the full fine-tuning baseline (§10): Poseidon([TAG_FULL_HPARAMS, dIn, dOut,
///         batch, depth, F, xBits, wBits, lr, datasetSize]).
/// @param dIn, dOut, batch, depth, F, xBits, wBits the circuit's parameters (FullStep's)
/// @input lr, datasetSize the run's values. The CALLER range-checks them.
/// @output out the commitment
/// Cost: one Poseidon(10) with 8 constant inputs: 3 (8 * 11 + 66) - 3 * 9 = 435 (measured).
template FullHparamsHash(dIn, dOut, batch, depth, F, xBits, wBits) {
    signal input lr;
    signal input datasetSize;
    signal output out;

    component hash = Poseidon(10);
    var shapeAndFormat[7] = [dIn, dOut, batch, depth, F, xBits, wBits];
    hash.inputs[0] <== TAG_FULL_HPARAMS();
    for (var s = 0; s < 7; s++) {
        hash.inputs[1 + s] <== shapeAndFormat[s];
    }
    hash.inputs[8] <== lr;
    hash.inputs[9] <== datasetSize;
    out <== hash.out;
}
