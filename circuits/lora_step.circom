pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "./lib/range.circom";
include "./lib/pack_hash.circom";
include "./lib/merkle.circom";

/// @title LoraStep
/// @notice Proves that (aNext, bNext) is exactly one fixed-point gradient step of the LoRA adapter
///         (a, b) on the batch that step `step` selects from the committed dataset, for the frozen
///         base weights w0: docs/PROTOCOL.md is the specification, section numbers below refer to it.
/// @param dIn, dOut layer shape; W0 is dOut x dIn
/// @param rank LoRA rank r; A is rank x dIn, B is dOut x rank
/// @param batch examples per step n
/// @param depth depth of the dataset Merkle tree (datasetSize <= 2^depth)
/// @param F fractional bits of inputs, targets, adapters, alpha and lr
/// @param FW fractional bits of the quantized base weights (FW <= 2F)
/// @param xBits, aBits, wBits signed widths of inputs/targets, adapter entries, base weights
/// @input baseRoot, datasetRoot, hparamsHash, adapterBefore, adapterAfter, step, submitter public (§7)
/// @input w0, a, b, aNext, bNext, alpha, lr, datasetSize, x, t, siblings private
template LoraStep(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
    assert(dIn >= 1 && dOut >= 1 && rank >= 1 && batch >= 1);
    assert(depth >= 1 && depth <= 32);
    assert(F >= 1 && FW >= 0 && FW <= 2 * F);
    assert(xBits >= 2 && aBits >= 2 && wBits >= 2);

    var HPARAM_BITS = 16;
    var STEP_BITS = 32;
    var BATCH_QUOTIENT_BITS = 40;

    // Bit bounds (|value| <= 2^m) of every intermediate, so that no equation wraps around p (§3).
    var mx = xBits - 1;
    var ma = aBits - 1;
    var mw = wBits - 1;
    var mH = ma + mx + bitLength(dIn - 1);
    assert(mH >= F);
    var hBits = mH - F + 2;
    var mh = hBits - 1;
    var mY = maxOf(mw + mx + bitLength(dIn - 1) + 2 * F - FW, HPARAM_BITS + ma + mh + bitLength(rank - 1)) + 1;
    var mE = maxOf(mY, mx + 2 * F) + 1;
    var mGB = mE + mh + bitLength(batch - 1);
    var mU = ma + mE + bitLength(dOut - 1);
    var mGA = mU + mx + bitLength(batch - 1);
    var divisorB = batch * dOut * (1 << (5 * F));
    var divisorA = batch * dOut * (1 << (6 * F));
    assert(2 + 2 * HPARAM_BITS + maxOf(mGA, mGB) <= 250);
    assert(aBits + 2 + bitLength(divisorA) <= 250);
    // step * batch + j < 2^(STEP_BITS + bitLength(batch)), so its quotient by datasetSize fits too.
    assert(STEP_BITS + bitLength(batch) <= BATCH_QUOTIENT_BITS);

    signal input baseRoot;
    signal input datasetRoot;
    signal input hparamsHash;
    signal input adapterBefore;
    signal input adapterAfter;
    signal input step;
    signal input submitter;

    signal input w0[dOut][dIn];
    signal input a[rank][dIn];
    signal input b[dOut][rank];
    signal input aNext[rank][dIn];
    signal input bNext[dOut][rank];
    signal input alpha;
    signal input lr;
    signal input datasetSize;
    signal input x[batch][dIn];
    signal input t[batch][dOut];
    signal input siblings[batch][depth];

    // ---- Public inputs that enter no computation are still bound (Groth16 malleability). ----
    signal submitterSquared;
    submitterSquared <== submitter * submitter;

    // ---- §5 commitments; PackHash range-checks every entry it packs (§4). ----
    component base = PackHash(1, dOut * dIn, wBits);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            base.values[i * dIn + l] <== w0[i][l];
        }
    }
    base.out === baseRoot;

    component before = PackHash(3, rank * dIn + dOut * rank, aBits);
    component after = PackHash(3, rank * dIn + dOut * rank, aBits);
    for (var k = 0; k < rank; k++) {
        for (var l = 0; l < dIn; l++) {
            before.values[k * dIn + l] <== a[k][l];
            after.values[k * dIn + l] <== aNext[k][l];
        }
    }
    for (var i = 0; i < dOut; i++) {
        for (var k = 0; k < rank; k++) {
            before.values[rank * dIn + i * rank + k] <== b[i][k];
            after.values[rank * dIn + i * rank + k] <== bNext[i][k];
        }
    }
    before.out === adapterBefore;
    after.out === adapterAfter;

    component alphaRange = UnsignedRange(HPARAM_BITS);
    alphaRange.in <== alpha;
    component lrRange = UnsignedRange(HPARAM_BITS);
    lrRange.in <== lr;
    component hparams = Poseidon(14);
    var shapeAndFormat[10] = [dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits];
    hparams.inputs[0] <== 5;
    for (var s = 0; s < 10; s++) {
        hparams.inputs[1 + s] <== shapeAndFormat[s];
    }
    hparams.inputs[11] <== alpha;
    hparams.inputs[12] <== lr;
    hparams.inputs[13] <== datasetSize;
    hparams.out === hparamsHash;

    // ---- §6 batch selection and inclusion of every example at its position. ----
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

    // ---- §3 forward: h = round(A x / 2^F), E = (W0 x + alpha B h) - t, at scale 2^3F. ----
    signal ax[batch][rank][dIn];
    component h[batch][rank];
    signal wx[batch][dOut][dIn];
    signal bh[batch][dOut][rank];
    signal scaledLora[batch][dOut];
    signal err[batch][dOut];
    for (var j = 0; j < batch; j++) {
        for (var k = 0; k < rank; k++) {
            var hAcc = 0;
            for (var l = 0; l < dIn; l++) {
                ax[j][k][l] <== a[k][l] * x[j][l];
                hAcc += ax[j][k][l];
            }
            h[j][k] = RoundShift(F, hBits);
            h[j][k].in <== hAcc;
        }
        for (var i = 0; i < dOut; i++) {
            var baseAcc = 0;
            for (var l = 0; l < dIn; l++) {
                wx[j][i][l] <== w0[i][l] * x[j][l];
                baseAcc += wx[j][i][l];
            }
            var loraAcc = 0;
            for (var k = 0; k < rank; k++) {
                bh[j][i][k] <== b[i][k] * h[j][k].q;
                loraAcc += bh[j][i][k];
            }
            scaledLora[j][i] <== alpha * loraAcc;
            err[j][i] <== baseAcc * (1 << (2 * F - FW)) + scaledLora[j][i] - t[j][i] * (1 << (2 * F));
        }
    }

    // ---- §3 backward: GB = sum_j E_j h_j^T, U_j = B^T E_j, GA = sum_j U_j x_j^T. ----
    signal gbTerm[dOut][rank][batch];
    signal uTerm[batch][rank][dOut];
    signal gaTerm[rank][dIn][batch];
    var u[batch][rank];
    for (var j = 0; j < batch; j++) {
        for (var k = 0; k < rank; k++) {
            u[j][k] = 0;
            for (var i = 0; i < dOut; i++) {
                uTerm[j][k][i] <== b[i][k] * err[j][i];
                u[j][k] += uTerm[j][k][i];
            }
        }
    }

    // ---- §3 update: before - after = round(2 alpha lr G / D), checked through its remainder. ----
    // The quotient before - after needs no range check of its own: before and after are both
    // aBits-range-checked by PackHash, and the bound asserts above keep q * D + rem below p / 2.
    signal alphaLr;
    alphaLr <== alpha * lr;
    signal scaledGradB[dOut][rank];
    component remainderB[dOut][rank];
    for (var i = 0; i < dOut; i++) {
        for (var k = 0; k < rank; k++) {
            var gb = 0;
            for (var j = 0; j < batch; j++) {
                gbTerm[i][k][j] <== err[j][i] * h[j][k].q;
                gb += gbTerm[i][k][j];
            }
            scaledGradB[i][k] <== 2 * alphaLr * gb;
            remainderB[i][k] = BelowConstant(divisorB);
            remainderB[i][k].in <== scaledGradB[i][k] + divisorB \ 2 - (b[i][k] - bNext[i][k]) * divisorB;
        }
    }
    signal scaledGradA[rank][dIn];
    component remainderA[rank][dIn];
    for (var k = 0; k < rank; k++) {
        for (var l = 0; l < dIn; l++) {
            var ga = 0;
            for (var j = 0; j < batch; j++) {
                gaTerm[k][l][j] <== u[j][k] * x[j][l];
                ga += gaTerm[k][l][j];
            }
            scaledGradA[k][l] <== 2 * alphaLr * ga;
            remainderA[k][l] = BelowConstant(divisorA);
            remainderA[k][l].in <== scaledGradA[k][l] + divisorA \ 2 - (a[k][l] - aNext[k][l]) * divisorA;
        }
    }
}
