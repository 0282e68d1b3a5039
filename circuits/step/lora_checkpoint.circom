pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/commitments.circom";
include "../lib/batch.circom";
include "../lib/projection.circom";
include "../lib/training.circom";

/// @title LoraCheckpoint
/// @notice Protocol version 2's training statement (docs/PROTOCOL.md §12): `steps` consecutive exact LoRA
///         steps (§3) of a run, from the adapter adapterBefore commits to, to the one adapterAfter commits
///         to, the intermediate adapters private. Step firstStep + s trains on the batch that index
///         selects (§6) from the activated dataset (§11), whose leaves commit each example with its base
///         output z = W0 x; the step uses z and never reads W0, and checks z by the random projection
///         ρ·z = w·x against the run's projection w = ρᵀ W0. `loss` is the exact Σ E² of every batch.
/// @param dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits as LoraStep's (§8)
/// @param steps k >= 1 steps per proof
/// @input runConfig, adapterBefore, adapterAfter, stepSubmitter, loss public (§12)
/// @input baseRoot, datasetRoot, projectionId, alpha, lr, datasetSize the run's configuration (bound by runConfig)
/// @input w the projection; a, b the k + 1 adapters; x, t, z, siblings each step's batch
template LoraCheckpoint(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits, steps) {
    assert(steps >= 1);
    var zBits = activationBits(dIn, xBits, wBits);

    signal input runConfig;
    signal input adapterBefore;
    signal input adapterAfter;
    signal input stepSubmitter;
    signal input loss;

    signal input baseRoot;
    signal input datasetRoot;
    signal input projectionId;
    signal input alpha;
    signal input lr;
    signal input datasetSize;
    signal input w[dIn];
    signal input a[steps + 1][rank][dIn];
    signal input b[steps + 1][dOut][rank];
    signal input x[steps][batch][dIn];
    signal input t[steps][batch][dOut];
    signal input z[steps][batch][dOut];
    signal input siblings[steps][batch][depth];

    // ---- §12 the run's configuration: the values every step of the run shares, by their hash. ----
    component config = RunConfigHash();
    config.baseRoot <== baseRoot;
    config.datasetRoot <== datasetRoot;
    config.projectionId <== projectionId;
    config.alpha <== alpha;
    config.lr <== lr;
    config.out === runConfig;

    // ---- §12 stepSubmitter = firstStep 2^160 + submitter: its bits bind both (nothing else to square). ----
    component packed = Num2Bits(STEP_BITS() + SUBMITTER_BITS());
    packed.in <== stepSubmitter;
    // The submitter's bits enter no other constraint: the decomposition itself binds them.
    for (var i = 0; i < SUBMITTER_BITS(); i++) {
        _ <== packed.out[i];
    }
    var firstStep = 0;
    for (var i = 0; i < STEP_BITS(); i++) {
        firstStep += packed.out[SUBMITTER_BITS() + i] * (1 << i);
    }

    // ---- §11 the projection: ρ from the roots, w bound by the projection's id. ----
    component challenge = ProjectionChallenge(dOut);
    challenge.baseRoot <== baseRoot;
    challenge.datasetRoot <== datasetRoot;
    component projection = ProjectionId(dIn, dOut);
    projection.w <== w;
    projection.out === projectionId;

    // ---- §5 the adapters: before and after committed, the intermediate ones range-checked (§4). ----
    component before = AdapterCommitment(dIn, dOut, rank, aBits);
    before.a <== a[0];
    before.b <== b[0];
    before.out === adapterBefore;
    component after = AdapterCommitment(dIn, dOut, rank, aBits);
    after.a <== a[steps];
    after.b <== b[steps];
    after.out === adapterAfter;
    component aRange[steps][rank][dIn];
    component bRange[steps][dOut][rank];
    for (var s = 1; s < steps; s++) {
        for (var k = 0; k < rank; k++) {
            for (var l = 0; l < dIn; l++) {
                aRange[s][k][l] = SignedRange(aBits);
                aRange[s][k][l].in <== a[s][k][l];
            }
        }
        for (var i = 0; i < dOut; i++) {
            for (var k = 0; k < rank; k++) {
                bRange[s][i][k] = SignedRange(aBits);
                bRange[s][i][k].in <== b[s][i][k];
            }
        }
    }

    // ---- each step: its batch in the activated dataset, z checked, the exact update, its errors. ----
    component inclusion[steps];
    component check[steps][batch];
    component update[steps];
    signal squaredError[steps][batch][dOut];
    var lossSum = 0;
    for (var s = 0; s < steps; s++) {
        inclusion[s] = ActivatedBatchInclusion(dIn, dOut, batch, depth, xBits, zBits);
        inclusion[s].step <== firstStep + s;
        inclusion[s].datasetSize <== datasetSize;
        inclusion[s].x <== x[s];
        inclusion[s].t <== t[s];
        inclusion[s].z <== z[s];
        inclusion[s].siblings <== siblings[s];
        inclusion[s].datasetRoot <== datasetRoot;
        for (var j = 0; j < batch; j++) {
            check[s][j] = ProjectionCheck(dIn, dOut);
            check[s][j].rho <== challenge.rho;
            check[s][j].w <== w;
            check[s][j].x <== x[s][j];
            check[s][j].z <== z[s][j];
        }
        update[s] = LoraUpdate(dIn, dOut, rank, batch, F, FW, xBits, aBits, wBits);
        update[s].baseOut <== z[s];
        update[s].a <== a[s];
        update[s].b <== b[s];
        update[s].aNext <== a[s + 1];
        update[s].bNext <== b[s + 1];
        update[s].alpha <== alpha;
        update[s].lr <== lr;
        update[s].x <== x[s];
        update[s].t <== t[s];
        for (var j = 0; j < batch; j++) {
            for (var i = 0; i < dOut; i++) {
                squaredError[s][j][i] <== update[s].err[j][i] * update[s].err[j][i];
                lossSum += squaredError[s][j][i];
            }
        }
    }
    loss === lossSum;
}
