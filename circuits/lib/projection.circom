pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./functions.circom";
include "./commitments.circom";

/// @title ProjectionChallenge
/// @notice c = Poseidon([TAG_CHALLENGE, baseRoot, datasetRoot]) (docs/PROTOCOL.md §11): fixed only after
///         W0 and every example's base output z are committed, then ρ = (c^0, …, c^(count-1)).
/// @param count number of powers (d_out)
/// @input baseRoot, datasetRoot the commitments the challenge hashes
/// @output rho the powers of c, rho[0] = 1
/// Cost: one Poseidon(3) with a constant lane (258) + count - 2 products.
template ProjectionChallenge(count) {
    assert(count >= 1);
    signal input baseRoot;
    signal input datasetRoot;
    signal output rho[count];

    component challenge = Poseidon(3);
    challenge.inputs[0] <== TAG_CHALLENGE();
    challenge.inputs[1] <== baseRoot;
    challenge.inputs[2] <== datasetRoot;
    rho[0] <== 1;
    if (count > 1) {
        rho[1] <== challenge.out;
    }
    for (var i = 2; i < count; i++) {
        rho[i] <== rho[i - 1] * challenge.out;
    }
}

/// @title ProjectionId
/// @notice The id of a projection w (§11): acc_0 = 0, acc_(b+1) = Poseidon([TAG_PROJECTION, acc_b,
///         ChainHash(TAG_PROJECTION_SLICE, C, w[b C … (b+1) C - 1])]), the id is acc_blocks; the same
///         chain the base projection blocks prove link by link.
/// @param dIn length of w; columns C per block (baseColumns), dIn / C blocks
/// @input w the projection, any field elements (hashed unpacked, so nothing to range-check)
/// @output out acc_blocks
/// Cost: per block a Poseidon chain over C words and one Poseidon(3).
template ProjectionId(dIn, dOut) {
    var columns = baseColumns(dIn, dOut);
    var blocks = dIn \ columns;
    signal input w[dIn];
    signal output out;

    component slice[blocks];
    component link[blocks];
    for (var blk = 0; blk < blocks; blk++) {
        slice[blk] = ChainHash(TAG_PROJECTION_SLICE(), columns, columns);
        for (var c = 0; c < columns; c++) {
            slice[blk].words[c] <== w[blk * columns + c];
        }
        link[blk] = Poseidon(3);
        link[blk].inputs[0] <== TAG_PROJECTION();
        link[blk].inputs[1] <== blk == 0 ? 0 : link[blk - 1].out;
        link[blk].inputs[2] <== slice[blk].out;
    }
    out <== link[blocks - 1].out;
}

/// @title ProjectionCheck
/// @notice ρ · z = w · x (§11): the example's committed base output z agrees with W0 x on the random
///         projection ρ, where w = ρᵀ W0 is what the projection proofs established. A wrong z passes
///         with probability at most (d_out - 1) / p over the challenge.
/// @param dIn, dOut lengths of x and z
/// @input rho the challenge's powers; w the projection; x the example's input; z its committed base output
/// Cost: dIn + dOut products.
template ProjectionCheck(dIn, dOut) {
    signal input rho[dOut];
    signal input w[dIn];
    signal input x[dIn];
    signal input z[dOut];

    signal rz[dOut];
    signal wx[dIn];
    var left = 0;
    var right = 0;
    for (var i = 0; i < dOut; i++) {
        rz[i] <== rho[i] * z[i];
        left += rz[i];
    }
    for (var l = 0; l < dIn; l++) {
        wx[l] <== w[l] * x[l];
        right += wx[l];
    }
    left === right;
}
