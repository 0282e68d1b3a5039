pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "./lib/range.circom";
include "./lib/pack_hash.circom";
include "./lib/merkle.circom";

/// @title FullStep
/// @notice The full fine-tuning baseline (docs/PROTOCOL.md §10): proves that wNext is exactly one
///         fixed-point gradient step of the whole weight matrix w (no adapters) on the batch that
///         `step` selects from the committed dataset. Fixed point, rounding, dataset commitment and
///         batch selection are those of LoraStep (§2, §5, §6); it exists to measure what LoRA saves.
/// @param dIn, dOut layer shape; W is dOut x dIn
/// @param batch examples per step n
/// @param depth depth of the dataset Merkle tree (datasetSize <= 2^depth)
/// @param F fractional bits of inputs, targets, weights and lr
/// @param xBits, wBits signed widths of inputs/targets and of the (trainable) weights
/// @input weightsBefore, datasetRoot, hparamsHash, weightsAfter, step, submitter public (§10)
/// @input w, wNext, lr, datasetSize, x, t, siblings private
template FullStep(dIn, dOut, batch, depth, F, xBits, wBits) {
    assert(dIn >= 1 && dOut >= 1 && batch >= 1);
    assert(depth >= 1 && depth <= 32);
    assert(F >= 1);
    assert(xBits >= 2 && wBits >= 2);

    var HPARAM_BITS = 16;
    var STEP_BITS = 32;
    var BATCH_QUOTIENT_BITS = 40;

    // Bit bounds (|value| <= 2^m) of every intermediate, so that no equation wraps around p.
    var mx = xBits - 1;
    var mw = wBits - 1;
    var mY = mw + mx + bitLength(dIn - 1);
    var mE = maxOf(mY, mx + F) + 1;
    var mG = mE + mx + bitLength(batch - 1);
    var divisor = batch * dOut * (1 << (3 * F));
    // |2 lr GW| <= 2^(1 + HPARAM_BITS + mG); with D/2 and (w - wNext) * D it stays below p / 2.
    assert(2 + HPARAM_BITS + mG <= 250);
    assert(wBits + 2 + bitLength(divisor) <= 250);
    // step * batch + j < 2^(STEP_BITS + bitLength(batch)), so its quotient by datasetSize fits too.
    assert(STEP_BITS + bitLength(batch) <= BATCH_QUOTIENT_BITS);

    signal input weightsBefore;
    signal input datasetRoot;
    signal input hparamsHash;
    signal input weightsAfter;
    signal input step;
    signal input submitter;

    signal input w[dOut][dIn];
    signal input wNext[dOut][dIn];
    signal input lr;
    signal input datasetSize;
    signal input x[batch][dIn];
    signal input t[batch][dOut];
    signal input siblings[batch][depth];

    // ---- Public inputs that enter no computation are still bound (Groth16 malleability). ----
    signal submitterSquared;
    submitterSquared <== submitter * submitter;

    // ---- Commitments; PackHash range-checks every entry it packs. ----
    component before = PackHash(7, dOut * dIn, wBits);
    component after = PackHash(7, dOut * dIn, wBits);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            before.values[i * dIn + l] <== w[i][l];
            after.values[i * dIn + l] <== wNext[i][l];
        }
    }
    before.out === weightsBefore;
    after.out === weightsAfter;

    component lrRange = UnsignedRange(HPARAM_BITS);
    lrRange.in <== lr;
    component hparams = Poseidon(10);
    var shapeAndFormat[7] = [dIn, dOut, batch, depth, F, xBits, wBits];
    hparams.inputs[0] <== 8;
    for (var s = 0; s < 7; s++) {
        hparams.inputs[1 + s] <== shapeAndFormat[s];
    }
    hparams.inputs[8] <== lr;
    hparams.inputs[9] <== datasetSize;
    hparams.out === hparamsHash;

    // ---- §6 batch selection and inclusion of every example at its position (as LoraStep). ----
    component stepRange = UnsignedRange(STEP_BITS);
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
        wrapsRange[j] = UnsignedRange(BATCH_QUOTIENT_BITS);
        wrapsRange[j].in <== wraps[j];

        leaf[j] = PackHash(2, dIn + dOut, xBits);
        for (var l = 0; l < dIn; l++) {
            leaf[j].values[l] <== x[j][l];
        }
        for (var i = 0; i < dOut; i++) {
            leaf[j].values[dIn + i] <== t[j][i];
        }
        path[j] = MerkleRoot(depth);
        path[j].leaf <== leaf[j].out;
        path[j].pathBits <== positionBits[j].out;
        path[j].siblings <== siblings[j];
        if (j > 0) {
            path[j].root === path[0].root;
        }
    }
    component dataset = Poseidon(3);
    dataset.inputs[0] <== 4;
    dataset.inputs[1] <== path[0].root;
    dataset.inputs[2] <== datasetSize;
    dataset.out === datasetRoot;

    // ---- Forward: E = W x - t, exactly, at scale 2^2F. ----
    signal wx[batch][dOut][dIn];
    signal lrErr[batch][dOut];
    for (var j = 0; j < batch; j++) {
        for (var i = 0; i < dOut; i++) {
            var acc = 0;
            for (var l = 0; l < dIn; l++) {
                wx[j][i][l] <== w[i][l] * x[j][l];
                acc += wx[j][i][l];
            }
            // lr * E_j[i], E_j[i] = Y_j[i] - T_j[i] * 2^F: lr enters once per error rather than once
            // per weight; lr * GW = sum_j (lr E_j[i]) X_j[l] is the same integer.
            lrErr[j][i] <== lr * (acc - t[j][i] * (1 << F));
        }
    }

    // ---- Backward and update: w - wNext = round(2 lr GW / D), GW = sum_j E_j x_j^T. ----
    // The quotient w - wNext needs no range check of its own: w and wNext are both wBits-range-checked
    // by PackHash, and the bound asserts above keep q * D + rem below p / 2.
    signal gwTerm[dOut][dIn][batch];
    component remainder[dOut][dIn];
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            var lrGw = 0;
            for (var j = 0; j < batch; j++) {
                gwTerm[i][l][j] <== lrErr[j][i] * x[j][l];
                lrGw += gwTerm[i][l][j];
            }
            remainder[i][l] = BelowConstant(divisor);
            remainder[i][l].in <== 2 * lrGw + divisor \ 2 - (w[i][l] - wNext[i][l]) * divisor;
        }
    }
}
