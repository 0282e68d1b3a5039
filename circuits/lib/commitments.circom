pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./functions.circom";
include "./range.circom";
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
function TAG_BASE_BLOCK() { return 9; }    // a column block of W0 (version 2, §11)
function TAG_BASE_MODEL() { return 10; }   // baseRoot of version 2: block tree root and block count (§11)
function TAG_ACTIVATED_EXAMPLE() { return 11; } // leaf of an activated dataset: x, t and z = W0 x (§11)
function TAG_CHALLENGE() { return 12; }    // the projection's challenge c (§11)
function TAG_PROJECTION_SLICE() { return 13; } // a block's slice of the projection w (§11)
function TAG_PROJECTION() { return 14; }   // a link of the projection's chain (§11)
function TAG_INIT() { return 15; }         // the canonical initialization's stream (§12)
function TAG_RUN() { return 16; }          // runConfig (§12)
function TAG_MERGED_BLOCK() { return 17; } // a column block of the merged weights (§13)
function TAG_MERGED_MODEL() { return 18; } // a link of the merged model's chain (§13)

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

/// @title ActivatedLeaf
/// @notice The leaf of an activated dataset (§11): ChainHash(TAG_ACTIVATED_EXAMPLE, dIn + 2 dOut,
///         packed(x ++ t, xBits) ++ packed(z, zBits)); range-checks x, t (xBits) and z (zBits), which makes
///         both packings injective.
/// @param dIn, dOut lengths of x and of t and z
/// @param xBits, zBits signed widths of an input or target, and of a base output
/// @input x, t, z the example and its base output; anything (range-checked here)
/// @output out the leaf
/// Cost: (dIn + dOut) xBits + dOut zBits + the Poseidon chain.
template ActivatedLeaf(dIn, dOut, xBits, zBits) {
    signal input x[dIn];
    signal input t[dOut];
    signal input z[dOut];
    signal output out;

    component example = PackWords(dIn + dOut, xBits);
    component activation = PackWords(dOut, zBits);
    for (var l = 0; l < dIn; l++) {
        example.values[l] <== x[l];
    }
    for (var i = 0; i < dOut; i++) {
        example.values[dIn + i] <== t[i];
        activation.values[i] <== z[i];
    }
    component range[dIn + 2 * dOut];
    for (var m = 0; m < dIn + dOut; m++) {
        range[m] = SignedRange(xBits);
        range[m].in <== example.values[m];
    }
    for (var i = 0; i < dOut; i++) {
        range[dIn + dOut + i] = SignedRange(zBits);
        range[dIn + dOut + i].in <== z[i];
    }
    var exampleWords = packedWordCount(dIn + dOut, xBits);
    var activationWords = packedWordCount(dOut, zBits);
    component hash = ChainHash(TAG_ACTIVATED_EXAMPLE(), dIn + 2 * dOut, exampleWords + activationWords);
    for (var m = 0; m < exampleWords; m++) {
        hash.words[m] <== example.words[m];
    }
    for (var m = 0; m < activationWords; m++) {
        hash.words[exampleWords + m] <== activation.words[m];
    }
    out <== hash.out;
}

/// @title RunConfigHash
/// @notice runConfig = Poseidon([TAG_RUN, baseRoot, datasetRoot, projectionId, alpha, lr]) (§12), with
///         1 <= alpha, lr < 2^16 range-checked here (a run with alpha or lr 0 trains nothing).
/// @input baseRoot, datasetRoot, projectionId the run's commitments; alpha, lr its hyperparameters
/// @output out the run's configuration hash
/// Cost: 4 16-bit range checks and one Poseidon(6).
template RunConfigHash() {
    signal input baseRoot;
    signal input datasetRoot;
    signal input projectionId;
    signal input alpha;
    signal input lr;
    signal output out;

    component range[4];
    var checked[4] = [alpha, lr, alpha - 1, lr - 1];
    for (var r = 0; r < 4; r++) {
        range[r] = UnsignedRange(HPARAM_BITS());
        range[r].in <== checked[r];
    }
    component hash = Poseidon(6);
    hash.inputs[0] <== TAG_RUN();
    hash.inputs[1] <== baseRoot;
    hash.inputs[2] <== datasetRoot;
    hash.inputs[3] <== projectionId;
    hash.inputs[4] <== alpha;
    hash.inputs[5] <== lr;
    out <== hash.out;
}
