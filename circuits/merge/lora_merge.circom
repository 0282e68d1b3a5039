pragma circom 2.1.0;

include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/commitments.circom";

/// @title LoraMerge
/// @notice Proves that mergedRoot commits to the exact merged weights W_eff = W0 + alpha B A of the
///         adapter `adapter`, for the base model `baseRoot` and the alpha bound in `hparamsHash`:
///         Weff[i][l] = W0[i][l] 2^(3F-FW) + alpha sum_k B[i][k] A[k][l], an integer at scale 2^3F
///         (docs/PROTOCOL.md §9). Every product B[i][k] A[k][l] is computed: no randomized check.
/// @param dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits as LoraStep (the hyperparameters
///        hash covers all of them, so a merge proof is for one step instance's runs)
/// @input baseRoot, adapter, hparamsHash, mergedRoot public
/// @input w0, a, b, alpha, lr, datasetSize private; anything (W0, A, B through their commitments and
///        alpha are range-checked here; lr and datasetSize are only hashed)
/// Cost (--O2): 2,858 for lora_merge_8x8_r2_b2_d4 = commitments and alpha 2,132 (base 806 + adapter 806
///       + alpha 16 + hparamsHash 504) + products 128 + alpha (B A) 64 + mergedRoot chain 534.
template LoraMerge(dIn, dOut, rank, batch, depth, F, FW, xBits, aBits, wBits) {
    assert(F >= 1 && FW >= 0 && FW <= 3 * F);
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
    component base = BaseCommitment(dIn, dOut, wBits);
    base.w0 <== w0;
    base.out === baseRoot;

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

    signal product[dOut][dIn][rank];
    signal scaledLora[dOut][dIn];
    component merged = PackHashBounded(TAG_MERGED(), dOut * dIn, MERGED_BITS);
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
