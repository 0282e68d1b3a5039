pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./lib/range.circom";
include "./lib/pack_hash.circom";
include "./lora_merge.circom";

/// @title LoraMergeFreivalds
/// @notice The randomized alternative to LoraMerge, kept to measure it (docs/PROTOCOL.md §9): the merged
///         weights are a witness, and one Freivalds check Weff v = W0 2^(3F-FW) v + alpha B (A v) with
///         v = (c^0, ..., c^(dIn-1)), c = Poseidon(mergedRoot, adapter, baseRoot), replaces the
///         dOut dIn rank products. A witness has no bound by construction, so every merged weight must
///         be range-checked before it can be packed: that is what makes this variant dearer here.
template LoraMergeFreivalds(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
    var HPARAM_BITS = 16;
    var MERGED_BITS = mergedBits(dIn, rank, F, FW, aBits, wBits);

    signal input baseRoot;
    signal input adapter;
    signal input hparamsHash;
    signal input mergedRoot;

    signal input w0[dOut][dIn];
    signal input a[rank][dIn];
    signal input b[dOut][rank];
    signal input alpha;
    signal input lr;
    signal input datasetSize;
    signal input merged[dOut][dIn];

    component base = PackHash(1, dOut * dIn, wBits);
    component mergedHash = PackHash(6, dOut * dIn, MERGED_BITS);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            base.values[i * dIn + l] <== w0[i][l];
            mergedHash.values[i * dIn + l] <== merged[i][l];
        }
    }
    base.out === baseRoot;
    mergedHash.out === mergedRoot;

    component adapterHash = PackHash(3, rank * dIn + dOut * rank, aBits);
    for (var k = 0; k < rank; k++) {
        for (var l = 0; l < dIn; l++) {
            adapterHash.values[k * dIn + l] <== a[k][l];
        }
    }
    for (var i = 0; i < dOut; i++) {
        for (var k = 0; k < rank; k++) {
            adapterHash.values[rank * dIn + i * rank + k] <== b[i][k];
        }
    }
    adapterHash.out === adapter;

    component alphaRange = UnsignedRange(HPARAM_BITS);
    alphaRange.in <== alpha;
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

    // The challenge is fixed only after every commitment it depends on.
    component challenge = Poseidon(3);
    challenge.inputs[0] <== mergedRoot;
    challenge.inputs[1] <== adapter;
    challenge.inputs[2] <== baseRoot;
    signal power[dIn];
    power[0] <== 1;
    for (var l = 1; l < dIn; l++) {
        power[l] <== power[l - 1] * challenge.out;
    }

    signal av[rank][dIn];
    var aTimesV[rank];
    for (var k = 0; k < rank; k++) {
        aTimesV[k] = 0;
        for (var l = 0; l < dIn; l++) {
            av[k][l] <== a[k][l] * power[l];
            aTimesV[k] += av[k][l];
        }
    }
    signal mergedV[dOut][dIn];
    signal baseV[dOut][dIn];
    signal bav[dOut][rank];
    signal scaledLora[dOut];
    for (var i = 0; i < dOut; i++) {
        var left = 0;
        var right = 0;
        for (var l = 0; l < dIn; l++) {
            mergedV[i][l] <== merged[i][l] * power[l];
            baseV[i][l] <== w0[i][l] * power[l];
            left += mergedV[i][l];
            right += baseV[i][l] * (1 << (3 * F - FW));
        }
        var lora = 0;
        for (var k = 0; k < rank; k++) {
            bav[i][k] <== b[i][k] * aTimesV[k];
            lora += bav[i][k];
        }
        scaledLora[i] <== alpha * lora;
        left === right + scaledLora[i];
    }
}
