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

// Bits of an Ethereum address, the low part of version 2's stepSubmitter (§12).
function SUBMITTER_BITS() {
    return 160;
}

// Weights per column block of the base model (§11).
function BASE_BLOCK_WEIGHTS() {
    return 4096;
}

// Columns C per block of the base model (§11): the largest power of two dividing dIn with dOut C <= 4096.
function baseColumns(dIn, dOut) {
    var columns = 1;
    while (dIn % (columns * 2) == 0 && dOut * columns * 2 <= BASE_BLOCK_WEIGHTS()) {
        columns = columns * 2;
    }
    return columns;
}

// Depth of the base model's block tree (§11): max(1, ceil(log2 blocks)).
function baseTreeDepth(dIn, dOut) {
    var blocks = dIn \ baseColumns(dIn, dOut);
    return maxOf(1, bitLength(blocks - 1));
}

// Signed width of a base output z = W0 x (§11): |z| <= dIn 2^(wBits-1) 2^(xBits-1).
function activationBits(dIn, xBits, wBits) {
    return wBits + xBits - 1 + bitLength(dIn);
}

// β = floor(2^F / sqrt(dIn)) = isqrt(floor(2^2F / dIn)), at least 1: the canonical init's bound (§12).
function initBound(dIn, F) {
    var n = (1 << (2 * F)) \ dIn;
    var root = 0;
    while ((root + 1) * (root + 1) <= n) {
        root++;
    }
    return root < 1 ? 1 : root;
}
