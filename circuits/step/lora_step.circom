pragma circom 2.1.0;

include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/commitments.circom";
include "../lib/batch.circom";
include "../lib/training.circom";

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

    // ---- §3 the training step from the base output W0 x (LoraUpdate: forward, backward, update). ----
    // [test instance: W0 x 128 here; LoraUpdate 1,885 = A x 32 + h 4 * RoundShift(8, 27) 140 + B h 32 +
    // alpha (B h) 16 + U 32 + GB terms 32 + GA terms 32 + alpha lr 1 + 2 alpha lr GB 16 + GA 16 +
    // remainders 16 * 44 (D_B = 2^44) + 16 * 52 (D_A = 2^52); E is linear]
    signal wx[batch][dOut][dIn];
    component update = LoraUpdate(dIn, dOut, rank, batch, F, FW, xBits, aBits, wBits);
    for (var j = 0; j < batch; j++) {
        for (var i = 0; i < dOut; i++) {
            var baseAcc = 0;
            for (var l = 0; l < dIn; l++) {
                wx[j][i][l] <== w0[i][l] * x[j][l];
                baseAcc += wx[j][i][l];
            }
            update.baseOut[j][i] <== baseAcc;
        }
    }
    // Every input of the update is range-checked above: W0, A, B, A', B' by their commitments, alpha and
    // lr explicitly, x and t by their leaves.
    update.a <== a;
    update.b <== b;
    update.aNext <== aNext;
    update.bNext <== bNext;
    update.alpha <== alpha;
    update.lr <== lr;
    update.x <== x;
    update.t <== t;
    // Version 1 states no loss (it is reported beside the proof, for people): the errors go unused.
    _ <== update.err;
}
