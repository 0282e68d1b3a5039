pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/pack_hash.circom";
include "../lib/commitments.circom";

/// @title CanonicalInit
/// @notice The canonical initialization of docs/PROTOCOL.md §12 from a seed: B = 0 and
///         Â[k][l] = floor(u_m (2β + 1) / 2^16) - β, u_m the 16-bit chunk m mod 15 of
///         Poseidon([TAG_INIT, seed, floor(m / 15)]), m = k dIn + l; and its adapter commitment.
/// @param dIn, dOut, rank, F, aBits the instance's shape (β = initBound(dIn, F))
/// @input seed any field element
/// @output out the adapter commitment of (A, 0)
/// Cost: per 15 entries a Poseidon(3) and a strict 254-bit decomposition; per entry the 16-bit
///       remainder and the quotient's bound.
template CanonicalInit(dIn, dOut, rank, F, aBits) {
    var bound = initBound(dIn, F);
    var span = 2 * bound + 1;
    // |Â| <= β < 2^(aBits-1): the commitment may pack without range checks.
    assert(bound < (1 << (aBits - 1)));
    var entries = rank * dIn;
    var hashes = (entries + 14) \ 15;

    signal input seed;
    signal output out;

    component word[hashes];
    component bits[hashes];
    for (var q = 0; q < hashes; q++) {
        word[q] = Poseidon(3);
        word[q].inputs[0] <== TAG_INIT();
        word[q].inputs[1] <== seed;
        word[q].inputs[2] <== q;
        // Strict: the 254 bits are the canonical ones (below p), so each chunk is a function of the hash.
        bits[q] = Num2Bits_strict();
        bits[q].in <== word[q].out;
    }

    signal quotient[entries];
    signal remainder[entries];
    component remainderRange[entries];
    component quotientRange[entries];
    component commitment = PackHashBounded(TAG_ADAPTER(), rank * dIn + dOut * rank, aBits);
    for (var m = 0; m < entries; m++) {
        var chunk = 0;
        for (var i = 0; i < 16; i++) {
            chunk += bits[m \ 15].out[16 * (m % 15) + i] * (1 << i);
        }
        // Witness hints, constrained by the equation and the two range checks that follow:
        // chunk span = quotient 2^16 + remainder, 0 <= remainder < 2^16, 0 <= quotient < span.
        quotient[m] <-- (chunk * span) \ (1 << 16);
        remainder[m] <-- (chunk * span) % (1 << 16);
        chunk * span === quotient[m] * (1 << 16) + remainder[m];
        remainderRange[m] = UnsignedRange(16);
        remainderRange[m].in <== remainder[m];
        quotientRange[m] = BelowConstant(span);
        quotientRange[m].in <== quotient[m];
        commitment.values[m] <== quotient[m] - bound;
    }
    for (var m = entries; m < rank * dIn + dOut * rank; m++) {
        commitment.values[m] <== 0;
    }
    out <== commitment.out;
}

/// @title LoraRunStart
/// @notice The start of a run (§12): runConfig is the hash of the run's configuration with
///         1 <= alpha, lr < 2^16, and either fromHead = 0 and adapterStart is the canonical
///         initialization of seed, or fromHead = 1, seed = 0 and adapterStart is left to the registry
///         (it must be the verified head of an earlier run on the same base and shape).
/// @param dIn, dOut, rank, F, aBits the step instance's shape
/// @input runConfig, adapterStart, seed, fromHead, baseRoot, datasetRoot, projectionId, alpha, lr public
template LoraRunStart(dIn, dOut, rank, F, aBits) {
    signal input runConfig;
    signal input adapterStart;
    signal input seed;
    signal input fromHead;
    signal input baseRoot;
    signal input datasetRoot;
    signal input projectionId;
    signal input alpha;
    signal input lr;

    component config = RunConfigHash();
    config.baseRoot <== baseRoot;
    config.datasetRoot <== datasetRoot;
    config.projectionId <== projectionId;
    config.alpha <== alpha;
    config.lr <== lr;
    config.out === runConfig;

    fromHead * (fromHead - 1) === 0;
    fromHead * seed === 0;

    component canonical = CanonicalInit(dIn, dOut, rank, F, aBits);
    canonical.seed <== seed;
    signal difference;
    difference <== canonical.out - adapterStart;
    (1 - fromHead) * difference === 0;
}
