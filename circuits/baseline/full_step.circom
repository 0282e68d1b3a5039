pragma circom 2.1.0;

include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/commitments.circom";
include "../lib/batch.circom";

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
/// @input w, wNext, lr, datasetSize, x, t, siblings private; anything (every range is checked here)
/// Cost (--O2, bench/lib/constraints.ts has the formula): 8,614 at 8x8, n = 2, depth 4, wBits 16:
///       submitter 1 + commitments 3,201 + BatchInclusion 3,348 + forward 144 + backward/update 1,920.
template FullStep(dIn, dOut, batch, depth, F, xBits, wBits) {
    assert(dIn >= 1 && dOut >= 1 && batch >= 1);
    assert(depth >= 1 && depth <= 32);
    assert(F >= 1);
    assert(xBits >= 2 && wBits >= 2);

    // Bit bounds (|value| <= 2^m) of every intermediate, so that no equation wraps around p.
    var mx = xBits - 1;
    var mw = wBits - 1;
    var mY = mw + mx + bitLength(dIn - 1);
    var mE = maxOf(mY, mx + F) + 1;
    var mG = mE + mx + bitLength(batch - 1);
    var divisor = batch * dOut * (1 << (3 * F));
    // |2 lr GW| <= 2^(1 + HPARAM_BITS() + mG); with D/2 and (w - wNext) * D it stays below p / 2.
    assert(2 + HPARAM_BITS() + mG <= 250);
    assert(wBits + 2 + bitLength(divisor) <= 250);

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

    // ---- Public inputs that enter no computation are still bound (Groth16 malleability). [1] ----
    signal submitterSquared;
    submitterSquared <== submitter * submitter;

    // ---- §10 commitments; each range-checks every weight it packs. [8x8: 3,201 = W, W' 1,375 each +
    // lr 16 + hparamsHash 435] ----
    component before = FullWeightsCommitment(dIn, dOut, wBits);
    before.w <== w;
    before.out === weightsBefore;
    component after = FullWeightsCommitment(dIn, dOut, wBits);
    after.w <== wNext;
    after.out === weightsAfter;

    component lrRange = UnsignedRange(HPARAM_BITS());
    lrRange.in <== lr;
    component hparams = FullHparamsHash(dIn, dOut, batch, depth, F, xBits, wBits);
    hparams.lr <== lr;
    hparams.datasetSize <== datasetSize;
    hparams.out === hparamsHash;

    // ---- §6 batch selection and inclusion of every example at its position (as LoraStep). [8x8: 3,348] ----
    component inclusion = BatchInclusion(dIn, dOut, batch, depth, xBits);
    inclusion.step <== step;
    inclusion.datasetSize <== datasetSize;
    inclusion.x <== x;
    inclusion.t <== t;
    inclusion.siblings <== siblings;
    inclusion.datasetRoot <== datasetRoot;

    // ---- Forward: E = W x - t, exactly, at scale 2^2F. [8x8: 144 = W x 128 + lr E 16] ----
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

    // ---- Backward and update: w - wNext = round(2 lr GW / D), GW = sum_j E_j x_j^T. [8x8: 1,920 =
    // GW terms 128 + remainders 64 * 28 (D = 2^28)] ----
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
