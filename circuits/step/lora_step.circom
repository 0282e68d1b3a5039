pragma circom 2.1.0;

include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/commitments.circom";
include "../lib/batch.circom";

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
/// @input w0, a, b, aNext, bNext, alpha, lr, datasetSize, x, t, siblings private; anything: every
///        range of §4 is checked here (through the commitments, BatchInclusion and explicit checks)
/// Cost (--O2, bench/lib/constraints.ts has the formula): 8,316 for the test instance
///       lora_step_8x8_r2_b2_d4, split per section below.
template LoraStep(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
    assert(dIn >= 1 && dOut >= 1 && rank >= 1 && batch >= 1);
    assert(depth >= 1 && depth <= 32);
    assert(F >= 1 && FW >= 0 && FW <= 2 * F);
    assert(xBits >= 2 && aBits >= 2 && wBits >= 2);

    // Bit bounds (|value| <= 2^m) of every intermediate, so that no equation wraps around p (§3).
    var mx = xBits - 1;
    var ma = aBits - 1;
    var mw = wBits - 1;
    var mH = ma + mx + bitLength(dIn - 1);
    assert(mH >= F);
    var hBits = mH - F + 2;
    var mh = hBits - 1;
    var mY = maxOf(mw + mx + bitLength(dIn - 1) + 2 * F - FW, HPARAM_BITS() + ma + mh + bitLength(rank - 1)) + 1;
    var mE = maxOf(mY, mx + 2 * F) + 1;
    var mGB = mE + mh + bitLength(batch - 1);
    var mU = ma + mE + bitLength(dOut - 1);
    var mGA = mU + mx + bitLength(batch - 1);
    var divisorB = batch * dOut * (1 << (5 * F));
    var divisorA = batch * dOut * (1 << (6 * F));
    assert(2 + 2 * HPARAM_BITS() + maxOf(mGA, mGB) <= 250);
    assert(aBits + 2 + bitLength(divisorA) <= 250);

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

    // ---- Public inputs that enter no computation are still bound (Groth16 malleability). [1] ----
    signal submitterSquared;
    submitterSquared <== submitter * submitter;

    // ---- §5 commitments; each range-checks every entry it packs (§4). [test instance: 2,954 =
    // base 806 + adapters before/after 806 each + alpha, lr 16 each + hparamsHash 504] ----
    component base = BaseCommitment(dIn, dOut, wBits);
    base.w0 <== w0;
    base.out === baseRoot;

    component before = AdapterCommitment(dIn, dOut, rank, aBits);
    before.a <== a;
    before.b <== b;
    before.out === adapterBefore;
    component after = AdapterCommitment(dIn, dOut, rank, aBits);
    after.a <== aNext;
    after.b <== bNext;
    after.out === adapterAfter;

    component alphaRange = UnsignedRange(HPARAM_BITS());
    alphaRange.in <== alpha;
    component lrRange = UnsignedRange(HPARAM_BITS());
    lrRange.in <== lr;
    component hparams = HparamsHash(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits);
    hparams.alpha <== alpha;
    hparams.lr <== lr;
    hparams.datasetSize <== datasetSize;
    hparams.out === hparamsHash;

    // ---- §6 batch selection and inclusion of every example at its position; range-checks step,
    // datasetSize, x and t. [test instance: 3,348, see BatchInclusion] ----
    component inclusion = BatchInclusion(dIn, dOut, batch, depth, xBits);
    inclusion.step <== step;
    inclusion.datasetSize <== datasetSize;
    inclusion.x <== x;
    inclusion.t <== t;
    inclusion.siblings <== siblings;
    inclusion.datasetRoot <== datasetRoot;

    // ---- §3 forward: h = round(A x / 2^F), E = (W0 x + alpha B h) - t, at scale 2^3F. [test instance:
    // 348 = A x 32 + h 4 * RoundShift(8, 27) 140 + W0 x 128 + B h 32 + alpha (B h) 16; E is linear] ----
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

    // ---- §3 backward: GB = sum_j E_j h_j^T, U_j = B^T E_j, GA = sum_j U_j x_j^T. [test instance: 96 =
    // U 32 + GB terms 32 + GA terms 32, the last two counted in the update loops below] ----
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

    // ---- §3 update: before - after = round(2 alpha lr G / D), checked through its remainder. [test
    // instance: 1,569 = alpha lr 1 + 2 alpha lr GB 16 + GA 16 + remainders 16 * 44 (D_B = 2^44) +
    // 16 * 52 (D_A = 2^52)] ----
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
