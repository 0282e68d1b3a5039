pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

/// @title PackHashBounded
/// @notice PackHash (docs/PROTOCOL.md §5) of values that are bounded BY CONSTRUCTION: it packs and
///         hashes without range-checking. The CALLER must guarantee -2^(bits-1) <= values[i] <
///         2^(bits-1) as integers (e.g. values computed from range-checked inputs with a bound
///         asserted at compile time); otherwise the packing is not injective.
/// @param tag domain separator
/// @param len number of values
/// @param bits signed width each value is guaranteed to fit
/// @input values the signed values
/// @output out the commitment
/// Cost: one Poseidon(16) per 15 words; the packing is linear.
template PackHashBounded(tag, len, bits) {
    assert(len >= 1);
    assert(bits >= 1 && bits <= 126);
    signal input values[len];
    signal output out;

    var perWord = 252 \ bits;
    var wordCount = (len + perWord - 1) \ perWord;
    var chunkCount = (wordCount + 14) \ 15;

    var words[wordCount];
    for (var m = 0; m < wordCount; m++) {
        words[m] = 0;
    }
    for (var i = 0; i < len; i++) {
        words[i \ perWord] += (values[i] + (1 << (bits - 1))) * (1 << (bits * (i % perWord)));
    }

    component chunk[chunkCount];
    for (var c = 0; c < chunkCount; c++) {
        var first = c * 15;
        var size = wordCount - first < 15 ? wordCount - first : 15;
        chunk[c] = Poseidon(size + 1);
        if (c == 0) {
            chunk[c].inputs[0] <== tag * (1 << 64) + len;
        } else {
            chunk[c].inputs[0] <== chunk[c - 1].out;
        }
        for (var s = 0; s < size; s++) {
            chunk[c].inputs[1 + s] <== words[first + s];
        }
    }
    out <== chunk[chunkCount - 1].out;
}
