pragma circom 2.1.0;

// Compile-time helpers and the protocol's fixed widths (docs/PROTOCOL.md §2, §4, §6, §9): functions
// only, no templates, so every circuit reads the same numbers from one place.

// Number of bits needed to write the non-negative integer `v` (bitLength(0) = 0).
function bitLength(v) {
    var n = 0;
    var rest = v;
    while (rest > 0) {
        rest = rest \ 2;
        n++;
    }
    return n;
}

function maxOf(a, b) {
    return a > b ? a : b;
}

// α̂ and l̂ are unsigned 16-bit integers (§2).
function HPARAM_BITS() {
    return 16;
}

// 0 <= step < 2^32 (§6).
function STEP_BITS() {
    return 32;
}

// The batch-position quotients q_j < 2^40 (§6).
function BATCH_QUOTIENT_BITS() {
    return 40;
}

// Width of the exact merged weights (§9): the bounds of |W0 2^(3F-FW)| and |alpha B A|, plus 2.
function mergedBits(dIn, rank, F, FW, aBits, wBits) {
    var ma = aBits - 1;
    var mw = wBits - 1;
    var mBase = mw + 3 * F - FW;
    var mLora = HPARAM_BITS() + 2 * ma + bitLength(rank - 1);
    return maxOf(mBase, mLora) + 2;
}
