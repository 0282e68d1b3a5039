pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./range.circom";

/// @title PackHash
/// @notice Range-checks `len` signed values of `bits` bits, packs them (offset binary, little-endian,
///         floor(252 / bits) per field element) and hashes the words with a Poseidon chain:
///         state = tag * 2^64 + len; state = Poseidon([state, ...next 15 words]) until done.
///         The range check is what makes the packing injective, so binding and range come together.
/// @param tag domain separator (docs/PROTOCOL.md §5)
/// @param len number of values
/// @param bits signed width of each value
/// @input values the signed values
/// @output out the commitment
/// Cost: len * bits for the range checks after --O2 (their recompositions are linear), plus one
///       Poseidon(16) per 15 words.
template PackHash(tag, len, bits) {
    assert(len >= 1);
    assert(bits >= 1 && bits <= 126);
    signal input values[len];
    signal output out;

    var perWord = 252 \ bits;
    var wordCount = (len + perWord - 1) \ perWord;
    var chunkCount = (wordCount + 14) \ 15;

    component range[len];
    var words[wordCount];
    for (var m = 0; m < wordCount; m++) {
        words[m] = 0;
    }
    for (var i = 0; i < len; i++) {
        range[i] = SignedRange(bits);
        range[i].in <== values[i];
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
