pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./lib/range.circom";
include "./lib/pack_hash.circom";
include "./lib/pack_hash_bounded.circom";

// Width of the exact merged weights (docs/PROTOCOL.md §9): |W0 2^(3F-FW)| and |alpha B A| bounds.
function mergedBits(dIn, rank, F, FW, aBits, wBits) {
    var ma = aBits - 1;
    var mw = wBits - 1;
    var mBase = mw + 3 * F - FW;
    var mLora = 16 + 2 * ma + bitLength(rank - 1);
    return maxOf(mBase, mLora) + 2;
}

/// @title LoraMerge
/// @notice Proves that mergedRoot commits to the exact merged weights W_eff = W0 + alpha B A of the
///         adapter `adapter`, for the base model `baseRoot` and the alpha bound in `hparamsHash`:
///         Weff[i][l] = W0[i][l] 2^(3F-FW) + alpha sum_k B[i][k] A[k][l], an integer at scale 2^3F
///         (docs/PROTOCOL.md §9). Every product B[i][k] A[k][l] is computed: no randomized check.
/// @param dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits as LoraStep (the hyperparameters
///        hash covers all of them, so a merge proof is for one step instance's runs)
/// @input baseRoot, adapter, hparamsHash, mergedRoot public
/// @input w0, a, b, alpha, lr, datasetSize private
template LoraMerge(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
    assert(F >= 1 && FW >= 0 && FW <= 3 * F);
    var HPARAM_BITS = 16;
    var MERGED_BITS = mergedBits(dIn, rank, F, FW, aBits, wBits);
    assert(MERGED_BITS <= 126);

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

    // The inputs are range-checked by the packing of their commitments, alpha here: together they
    // bound every merged weight below 2^(MERGED_BITS - 1), so its packing needs no check of its own.
    component base = PackHash(1, dOut * dIn, wBits);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            base.values[i * dIn + l] <== w0[i][l];
        }
    }
    base.out === baseRoot;

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

    signal product[dOut][dIn][rank];
    signal scaledLora[dOut][dIn];
    component merged = PackHashBounded(6, dOut * dIn, MERGED_BITS);
    for (var i = 0; i < dOut; i++) {
        for (var l = 0; l < dIn; l++) {
            var loraAcc = 0;
            for (var k = 0; k < rank; k++) {
                product[i][l][k] <== b[i][k] * a[k][l];
                loraAcc += product[i][l][k];
            }
            scaledLora[i][l] <== alpha * loraAcc;
            merged.values[i * dIn + l] <== w0[i][l] * (1 << (3 * F - FW)) + scaledLora[i][l];
        }
    }
    merged.out === mergedRoot;
}
