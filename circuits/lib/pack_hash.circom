pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./range.circom";

// Number of field elements that `len` signed `bits`-bit values pack into (floor(252 / bits) per word).
function packedWordCount(len, bits) {
    var perWord = 252 \ bits;
    return (len + perWord - 1) \ perWord;
}

/// @title PackWords
/// @notice The packing of docs/PROTOCOL.md §5: offset binary (v + 2^(bits-1)), little-endian,
///         floor(252 / bits) values per field element. Linear: no constraint of its own at --O2.
/// @param len number of values; bits signed width each value fits
/// @input values the signed values. The CALLER guarantees -2^(bits-1) <= values[i] < 2^(bits-1) (a range
///        check, or a bound by construction); otherwise the packing is not injective.
/// @output words packedWordCount(len, bits) field elements
template PackWords(len, bits) {
    assert(len >= 1);
    assert(bits >= 1 && bits <= 126);
    var perWord = 252 \ bits;
    var wordCount = packedWordCount(len, bits);
    signal input values[len];
    signal output words[wordCount];

    var acc[wordCount];
    for (var m = 0; m < wordCount; m++) {
        acc[m] = 0;
    }
    for (var i = 0; i < len; i++) {
        acc[i \ perWord] += (values[i] + (1 << (bits - 1))) * (1 << (bits * (i % perWord)));
    }
    for (var m = 0; m < wordCount; m++) {
        words[m] <== acc[m];
    }
}

/// @title ChainHash
/// @notice The Poseidon chain of §5 over field elements: state = tag * 2^64 + len; then
///         state = Poseidon([state, ...next 15 words]) until done.
/// @param tag domain separator (a TAG_* function of commitments.circom)
/// @param len the number of values the words encode (hashed into the first state)
/// @param wordCount number of words
/// @input words any field elements
/// @output out the final state
/// Cost: one Poseidon(size + 1) per chunk of at most 15 words; the first chunk's constant lane saves 3.
template ChainHash(tag, len, wordCount) {
    assert(wordCount >= 1);
    var chunkCount = (wordCount + 14) \ 15;
    signal input words[wordCount];
    signal output out;

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

/// @title PackHashBounded
/// @notice The commitment of docs/PROTOCOL.md §5 of values that are bounded BY CONSTRUCTION:
///         ChainHash(tag, len, PackWords(values)), WITHOUT range-checking them.
/// @param tag domain separator (a TAG_* function of commitments.circom)
/// @param len number of values
/// @param bits signed width each value is guaranteed to fit
/// @input values the signed values. The CALLER must guarantee -2^(bits-1) <= values[i] < 2^(bits-1) as
///        integers (e.g. values computed from range-checked inputs with a bound asserted at compile
///        time); otherwise the packing is not injective. Use PackHash for anything else.
/// @output out the commitment
/// Cost: the Poseidon chain only (the packing is linear). E.g. 64 values of 49 bits: 13 words, one
///       Poseidon(14), 534 (measured, --O2).
template PackHashBounded(tag, len, bits) {
    signal input values[len];
    signal output out;

    component words = PackWords(len, bits);
    words.values <== values;
    component hash = ChainHash(tag, len, packedWordCount(len, bits));
    hash.words <== words.words;
    out <== hash.out;
}

/// @title PackHash
/// @notice PackHashBounded of values it range-checks first (docs/PROTOCOL.md §4, §5): the range check is
///         what makes the packing injective, so binding and range come together.
/// @param tag domain separator (a TAG_* function of commitments.circom)
/// @param len number of values
/// @param bits signed width of each value
/// @input values the signed values; anything (the range checks are here)
/// @output out the commitment
/// Cost: len * bits for the range checks at --O2, plus the Poseidon chain of PackHashBounded.
template PackHash(tag, len, bits) {
    signal input values[len];
    signal output out;

    component range[len];
    for (var i = 0; i < len; i++) {
        range[i] = SignedRange(bits);
        range[i].in <== values[i];
    }
    component packed = PackHashBounded(tag, len, bits);
    packed.values <== values;
    out <== packed.out;
}
