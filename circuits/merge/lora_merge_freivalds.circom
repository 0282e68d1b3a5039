pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/pack_hash.circom";
include "../lib/commitments.circom";

/// @title LoraMergeFreivalds
/// @notice The randomized alternative to LoraMerge, kept to measure it (docs/PROTOCOL.md §9): the merged
///         weights are a witness, and one Freivalds check Weff v = W0 2^(3F-FW) v + alpha B (A v) with
///         v = (c^0, ..., c^(dIn-1)), c = Poseidon(mergedRoot, adapter, baseRoot), replaces the
///         dOut dIn rank products. A witness has no bound by construction, so every merged weight must
///         be range-checked before it can be packed: that is what makes this variant dearer here.
///         A comparison circuit of the benchmark (circuits/instances.json, "comparisons"), not an instance.
/// @param dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits as LoraMerge
/// @input baseRoot, adapter, hparamsHash, mergedRoot public, as LoraMerge (§9)
/// @input w0, a, b, alpha, lr, datasetSize, merged private; anything (merged is range-checked here)
/// Cost (--O2): 6,219 at 8x8, r = 2 = base 806 + merged 3,136 + 534 + adapter 806 + alpha 16 +
///       hparamsHash 504 + challenge Poseidon(3) 261 + the check 156 (products by c^0 = 1 are linear).
template LoraMergeFreivalds(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
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

    component base = BaseCommitment(dIn, dOut, wBits);
    base.w0 <== w0;
    base.out === baseRoot;
    // The merged weights are a witness: PackHash range-checks them (mergedBits each), which is what
    // makes their packing injective, and what makes this variant dearer than LoraMerge.
    component mergedHash = PackHash(TAG_MERGED(), dOut * dIn, MERGED_BITS);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            mergedHash.values[i * dIn + l] <== merged[i][l];
        }
    }
    mergedHash.out === mergedRoot;

    component adapterHash = AdapterCommitment(dIn, dOut, rank, aBits);
    adapterHash.a <== a;
    adapterHash.b <== b;
    adapterHash.out === adapter;

    component alphaRange = UnsignedRange(HPARAM_BITS());
    alphaRange.in <== alpha;
    component hparams = HparamsHash(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits);
    hparams.alpha <== alpha;
    hparams.lr <== lr;
    hparams.datasetSize <== datasetSize;
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
