pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../lib/functions.circom";
include "../lib/range.circom";
include "../lib/pack_hash.circom";
include "../lib/commitments.circom";

/// @title CanonicalLowBits
/// @notice The low 240 bits of a field element's canonical representation: in = low + 2^240 high as
///         integers with 0 <= in < p, so the bits are a function of `in` (no alias in + p < 2^254).
/// @input in any field element
/// @output bits the low 240 bits, least significant first
/// Cost: 240 + 2 * 14 booleanity checks, one IsZero (2), and the 240-bit check of the alias bound.
template CanonicalLowBits() {
    // p - 1 = P_HIGH 2^240 + P_LOW (BN254's scalar field).
    var P_HIGH = 12388;
    var P_LOW = 21888242871839275222246405745257275088548364400416034343698204186575808495616 - 12388 * (1 << 240);
    signal input in;
    signal output bits[240];

    signal high;
    var low = 0;
    for (var i = 0; i < 240; i++) {
        // Hints, constrained by the booleanity checks and the recomposition below.
        bits[i] <-- (in >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        low += bits[i] * (1 << i);
    }
    high <-- in >> 240;
    in === low + high * (1 << 240);
    // 0 <= high < 2^14 and P_HIGH - high >= 0 (both range checks: either alone lets high = p - j,
    // j small, through), and when high = P_HIGH, low <= P_LOW: in <= p - 1 as integers.
    component highBits = UnsignedRange(14);
    highBits.in <== high;
    component highRange = UnsignedRange(14);
    highRange.in <== P_HIGH - high;
    component atTop = IsZero();
    atTop.in <== P_HIGH - high;
    component lowRange = UnsignedRange(240);
    lowRange.in <== atTop.out * (P_LOW - low);
}

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
        bits[q] = CanonicalLowBits();
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
            chunk += bits[m \ 15].bits[16 * (m % 15) + i] * (1 << i);
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
    // The last word's chunks past the last entry are drawn but unused.
    for (var m = entries; m < hashes * 15; m++) {
        for (var i = 0; i < 16; i++) {
            _ <== bits[m \ 15].bits[16 * (m % 15) + i];
        }
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
