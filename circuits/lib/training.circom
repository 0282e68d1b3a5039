pragma circom 2.1.0;

include "./functions.circom";
include "./range.circom";

/// @title LoraUpdate
/// @notice One exact LoRA training step (docs/PROTOCOL.md §3) given the base layer's output on the batch:
///         h = round(A x / 2^F), E = base 2^(2F-FW) + alpha B h - t 2^2F, and the update of (A, B) with
///         one round-half-up rescale per entry, proven through its remainder (§4). Shared by the
///         version-1 step (base = W0 x computed here from W0) and the version-2 checkpoint (base = z,
///         committed with the example and checked by the projection, §11).
/// @param dIn, dOut, rank, batch, F, FW, xBits, aBits, wBits as LoraStep's (the bounds below use them)
/// @input baseOut the exact base output W0 x_j of each example (scale 2^(FW+F)). The CALLER guarantees it
///        is that integer, |baseOut| <= dIn 2^(wBits-1) 2^(xBits-1).
/// @input a, b, aNext, bNext the adapters before and after. The CALLER range-checks all four (aBits): the
///        range of before and after is what bounds each update quotient (§4).
/// @input alpha, lr the hyperparameters. The CALLER range-checks them (16 bits unsigned).
/// @input x, t the batch. The CALLER range-checks them (xBits).
/// @output err E_j at scale 2^3F (exact), for the caller's loss
/// Cost: batch rank (dIn + F + hBits) for h, batch dOut (rank + 1) for the forward pass, batch rank dOut
///       + dOut rank batch + rank dIn batch products for the gradients, 1 + dOut rank (1 + bits(D_B))
///       + rank dIn (1 + bits(D_A)) for the update.
template LoraUpdate(dIn, dOut, rank, batch, F, FW, xBits, aBits, wBits) {
    assert(dIn >= 1 && dOut >= 1 && rank >= 1 && batch >= 1);
    assert(F >= 1 && FW >= 0 && FW <= 2 * F);
    assert(xBits >= 2 && aBits >= 2 && wBits >= 2);

    // Bit bounds (|value| <= 2^m) of every intermediate, so that no equation wraps around p (§3).
    var mx = xBits - 1;
    var ma = aBits - 1;
    var mw = wBits - 1;
    var mH = ma + mx + bitLength(dIn - 1);
    assert(mH >= F);
    var hBits = mH - F + 2;
    var mh = hBits - 1;
    var mY = maxOf(mw + mx + bitLength(dIn - 1) + 2 * F - FW, HPARAM_BITS() + ma + mh + bitLength(rank - 1)) + 1;
    var mE = maxOf(mY, mx + 2 * F) + 1;
    var mGB = mE + mh + bitLength(batch - 1);
    var mU = ma + mE + bitLength(dOut - 1);
    var mGA = mU + mx + bitLength(batch - 1);
    var divisorB = batch * dOut * (1 << (5 * F));
    var divisorA = batch * dOut * (1 << (6 * F));
    assert(2 + 2 * HPARAM_BITS() + maxOf(mGA, mGB) <= 250);
    assert(aBits + 2 + bitLength(divisorA) <= 250);

    signal input baseOut[batch][dOut];
    signal input a[rank][dIn];
    signal input b[dOut][rank];
    signal input aNext[rank][dIn];
    signal input bNext[dOut][rank];
    signal input alpha;
    signal input lr;
    signal input x[batch][dIn];
    signal input t[batch][dOut];
    signal output err[batch][dOut];

    // ---- §3 forward: h = round(A x / 2^F), E = base 2^(2F-FW) + alpha B h - t 2^2F, at scale 2^3F. ----
    signal ax[batch][rank][dIn];
    component h[batch][rank];
    signal bh[batch][dOut][rank];
    signal scaledLora[batch][dOut];
    for (var j = 0; j < batch; j++) {
        for (var k = 0; k < rank; k++) {
            var hAcc = 0;
            for (var l = 0; l < dIn; l++) {
                ax[j][k][l] <== a[k][l] * x[j][l];
                hAcc += ax[j][k][l];
            }
            h[j][k] = RoundShift(F, hBits);
            h[j][k].in <== hAcc;
        }
        for (var i = 0; i < dOut; i++) {
            var loraAcc = 0;
            for (var k = 0; k < rank; k++) {
                bh[j][i][k] <== b[i][k] * h[j][k].q;
                loraAcc += bh[j][i][k];
            }
            scaledLora[j][i] <== alpha * loraAcc;
            err[j][i] <== baseOut[j][i] * (1 << (2 * F - FW)) + scaledLora[j][i] - t[j][i] * (1 << (2 * F));
        }
    }

    // ---- §3 backward: GB = sum_j E_j h_j^T, U_j = B^T E_j, GA = sum_j U_j x_j^T. ----
    signal gbTerm[dOut][rank][batch];
    signal uTerm[batch][rank][dOut];
    signal gaTerm[rank][dIn][batch];
    var u[batch][rank];
    for (var j = 0; j < batch; j++) {
        for (var k = 0; k < rank; k++) {
            u[j][k] = 0;
            for (var i = 0; i < dOut; i++) {
                uTerm[j][k][i] <== b[i][k] * err[j][i];
                u[j][k] += uTerm[j][k][i];
            }
        }
    }

    // ---- §3 update: before - after = round(2 alpha lr G / D), checked through its remainder. ----
    // The quotient before - after needs no range check of its own: the CALLER range-checks before and
    // after (aBits), and the bound asserts above keep q * D + rem below p / 2.
    signal alphaLr;
    alphaLr <== alpha * lr;
    signal scaledGradB[dOut][rank];
    component remainderB[dOut][rank];
    for (var i = 0; i < dOut; i++) {
        for (var k = 0; k < rank; k++) {
            var gb = 0;
            for (var j = 0; j < batch; j++) {
                gbTerm[i][k][j] <== err[j][i] * h[j][k].q;
                gb += gbTerm[i][k][j];
            }
            scaledGradB[i][k] <== 2 * alphaLr * gb;
            remainderB[i][k] = BelowConstant(divisorB);
            remainderB[i][k].in <== scaledGradB[i][k] + divisorB \ 2 - (b[i][k] - bNext[i][k]) * divisorB;
        }
    }
    signal scaledGradA[rank][dIn];
    component remainderA[rank][dIn];
    for (var k = 0; k < rank; k++) {
        for (var l = 0; l < dIn; l++) {
            var ga = 0;
            for (var j = 0; j < batch; j++) {
                gaTerm[k][l][j] <== u[j][k] * x[j][l];
                ga += gaTerm[k][l][j];
            }
            scaledGradA[k][l] <== 2 * alphaLr * ga;
            remainderA[k][l] = BelowConstant(divisorA);
            remainderA[k][l].in <== scaledGradA[k][l] + divisorA \ 2 - (a[k][l] - aNext[k][l]) * divisorA;
        }
    }
}
