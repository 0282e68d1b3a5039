pragma circom 2.1.0;

include "./functions.circom";

/// @title UnsignedRange
/// @notice Constrains 0 <= in < 2^bits. Like circomlib's Num2Bits, but keeps the bits internal so that
///         a pure range check leaves no unused outputs for `circom --inspect` to report.
/// @param bits width, 1..252
/// @input in the value to check
/// Cost: bits constraints at --O2 (the booleanity checks; the recomposition is linear and folds away),
///       bits + 1 at --O1.
template UnsignedRange(bits) {
    assert(bits >= 1 && bits <= 252);
    signal input in;

    signal bit[bits];
    var weighted = 0;
    for (var i = 0; i < bits; i++) {
        // Hint, constrained by the booleanity check and the recomposition below.
        bit[i] <-- (in >> i) & 1;
        bit[i] * (bit[i] - 1) === 0;
        weighted += bit[i] * (1 << i);
    }
    weighted === in;
}

/// @title SignedRange
/// @notice Constrains -2^(bits-1) <= in < 2^(bits-1), with `in` read as a signed field element.
/// @param bits width of the signed range, 1..252
/// @input in the value to check
/// Cost: that of UnsignedRange(bits) of the offset value: bits at --O2.
template SignedRange(bits) {
    assert(bits >= 1 && bits <= 252);
    signal input in;

    component offsetRange = UnsignedRange(bits);
    offsetRange.in <== in + (1 << (bits - 1));
}

/// @title BelowConstant
/// @notice Constrains 0 <= in < bound for a compile-time constant bound >= 1.
/// @param bound the exclusive upper bound; one UnsignedRange when it is a power of two, two otherwise
/// @input in the value to check
/// Cost: bitLength(bound - 1) at --O2 when bound is a power of two, twice that otherwise (0 for bound 1).
template BelowConstant(bound) {
    assert(bound >= 1);
    signal input in;

    var width = bitLength(bound - 1);
    if (width == 0) {
        in === 0;
    } else {
        assert(width <= 252);
        component low = UnsignedRange(width);
        low.in <== in;
        // 0 <= in < 2^width already; when bound is not 2^width, also bound - 1 - in >= 0.
        if ((1 << width) != bound) {
            component high = UnsignedRange(width);
            high.in <== bound - 1 - in;
        }
    }
}

/// @title RoundShift
/// @notice q = round(in / 2^shift), rounding half up: in + 2^(shift-1) = q * 2^shift + rem.
/// @param shift the power of two to divide by, >= 1
/// @param qBits signed range of the quotient; the caller chooses it so that every honest quotient
///        fits, and so that q * 2^shift + rem cannot wrap around the field (asserted here)
/// @input in a signed value with |in| < 2^(shift + qBits - 2)
/// @output q the rounded quotient, range-checked to qBits signed
/// Cost: shift + qBits at --O2 (the remainder's and the quotient's range checks).
template RoundShift(shift, qBits) {
    assert(shift >= 1);
    assert(shift + qBits <= 250);
    signal input in;
    signal output q;

    var half = 1 << (shift - 1);
    // Witness hint: shift by an offset so that integer division sees a non-negative value.
    var offset = 1 << (shift + qBits - 1);
    q <-- ((in + half + offset) \ (1 << shift)) - (1 << (qBits - 1));
    // Constrained by: rem below is range-checked to [0, 2^shift) and q to qBits signed, so
    // in + half = q * 2^shift + rem has exactly one solution.
    signal rem;
    rem <== in + half - q * (1 << shift);
    component remRange = UnsignedRange(shift);
    remRange.in <== rem;
    component qRange = SignedRange(qBits);
    qRange.in <== q;
}
