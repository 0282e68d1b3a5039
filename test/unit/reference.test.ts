import { expect } from "chai";
import fc from "fast-check";

import {
  StepRangeError,
  checkStep,
  floorDiv,
  fromFixed,
  loraStep,
  roundHalfUp,
  type StepInput,
  type StepShape,
} from "../../src/protocol/index.js";
import { smallShape, stepCase, type StepCase } from "./arbitraries.js";

describe("roundHalfUp", () => {
  it("rounds halves up, also for negative numerators", () => {
    expect(roundHalfUp(5n, 2n)).to.equal(3n);
    expect(roundHalfUp(-5n, 2n)).to.equal(-2n);
    expect(roundHalfUp(-7n, 2n)).to.equal(-3n);
    expect(roundHalfUp(7n, 2n)).to.equal(4n);
    expect(roundHalfUp(-1n, 4n)).to.equal(0n);
    expect(roundHalfUp(-2n, 4n)).to.equal(0n);
    expect(roundHalfUp(-3n, 4n)).to.equal(-1n);
    expect(roundHalfUp(-6n, 4n)).to.equal(-1n);
    expect(roundHalfUp(-8n, 4n)).to.equal(-2n);
    expect(roundHalfUp(0n, 256n)).to.equal(0n);
  });

  it("refuses odd or non-positive divisors", () => {
    expect(() => roundHalfUp(1n, 3n)).to.throw(RangeError);
    expect(() => roundHalfUp(1n, 0n)).to.throw(RangeError);
    expect(() => roundHalfUp(1n, -2n)).to.throw(RangeError);
  });

  it("is floor((n + d/2) / d) on the rationals", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }),
        fc.bigInt({ min: 1n, max: 1n << 40n }),
        (n, half) => {
          const d = 2n * half;
          const q = roundHalfUp(n, d);
          // q is the integer with q*d <= n + d/2 < (q+1)*d
          expect(q * d <= n + half && n + half < (q + 1n) * d).to.equal(true);
          expect(floorDiv(n, d) * d <= n).to.equal(true);
        },
      ),
    );
  });
});

// dIn = dOut = 2, rank = 1, batch = 1, F = FW = 1 (scale 2), 8-bit values.
const TINY: StepShape = { dIn: 2, dOut: 2, rank: 1, batch: 1, depth: 1, F: 1, FW: 1, xBits: 8, aBits: 8, wBits: 8 };
const TINY_STEP: StepInput = {
  shape: TINY,
  w0: [
    [2n, 0n],
    [-1n, 1n],
  ],
  a: [[1n, 2n]],
  b: [[3n], [-1n]],
  alpha: 2n,
  lr: 1n,
  xs: [[3n, -1n]],
  ts: [[1n, 2n]],
};

describe("loraStep", () => {
  it("computes a tiny step known by hand", () => {
    // H = 1*3 + 2*(-1) = 1;  h = round(1/2) = floor(2/2) = 1  (a half, rounded up)
    // 2F - FW = 1, so W0 X is scaled by 2; T is scaled by 2^2F = 4
    // Y0 = (2*3 + 0*(-1))*2 + 2*(3*1)     = 12 + 6 = 18;   E0 = 18 - 1*4  = 14
    // Y1 = (-1*3 + 1*(-1))*2 + 2*(-1*1)   = -8 - 2 = -10;  E1 = -10 - 2*4 = -18
    // U = 3*14 + (-1)*(-18) = 60;  GB = [14, -18];  GA = [60*3, 60*(-1)] = [180, -60]
    // c = 2*2*1 = 4;  D_B = 1*2*2^5 = 64;  D_A = 1*2*2^6 = 128
    // B'0 = 3 - round(56/64)  = 3 - floor(88/64)  = 3 - 1 = 2
    // B'1 = -1 - round(-72/64) = -1 - floor(-40/64) = -1 + 1 = 0
    // A'0 = 1 - round(720/128)  = 1 - floor(784/128)  = 1 - 6 = -5
    // A'1 = 2 - round(-240/128) = 2 - floor(-176/128) = 2 + 2 = 4
    // loss = (14^2 + 18^2) / (1*2*2^6) = 520/128 = 4.0625
    // Reals (scale 2): x = (1.5, -0.5), t = (0.5, 1), y = W0 x + α B h = (1.5 + 0.75, -1 - 0.25),
    // so y - t = (1.75, -2.25) = E / 2^3F = (14/8, -18/8).
    const result = loraStep(TINY_STEP);
    expect(result.h).to.deep.equal([[1n]]);
    expect(result.y).to.deep.equal([[18n, -10n]]);
    expect(result.e).to.deep.equal([[14n, -18n]]);
    expect(result.u).to.deep.equal([[60n]]);
    expect(result.gradients.GB).to.deep.equal([[14n], [-18n]]);
    expect(result.gradients.GA).to.deep.equal([[180n, -60n]]);
    expect(result.bNext).to.deep.equal([[2n], [0n]]);
    expect(result.aNext).to.deep.equal([[-5n, 4n]]);
    expect(result.loss).to.equal(4.0625);
  });

  it("refuses a step that leaves the adapter range, naming the entry", () => {
    // lr = 100: A'0 = 1 - round(400*180/128) = 1 - round(562.5) = 1 - 563 = -562, outside 8 bits.
    expect(() => loraStep({ ...TINY_STEP, lr: 100n })).to.throw(
      StepRangeError,
      "aNext[0][0] = -562 does not fit the 8-bit adapter range (allowed [-128, 127])",
    );
  });

  it("refuses inputs out of range or of the wrong shape", () => {
    expect(() => loraStep({ ...TINY_STEP, xs: [[3n, 128n]] })).to.throw(RangeError, /xs\[0\]\[1\] = 128/);
    expect(() => loraStep({ ...TINY_STEP, alpha: -1n })).to.throw(RangeError, /alpha = -1/);
    expect(() => loraStep({ ...TINY_STEP, a: [[1n, 2n, 3n]] })).to.throw(/a\[0\] has length 3, expected 2/);
    expect(() => loraStep({ ...TINY_STEP, shape: { ...TINY, FW: 3 } })).to.throw(/FW = 3 must be <= 2F = 2/);
  });

  it("matches the float computation of PROTOCOL §3 within the update rounding", () => {
    fc.assert(
      fc.property(stepCase(1n << 10n), (c) => {
        const result = tryStep(c);
        fc.pre(result !== undefined);
        const real = realStep(c, result.h);
        const { F } = c.shape;
        const closeTo = (got: number, want: number, slack: number): boolean =>
          Math.abs(got - want) <= slack + 1e-9 * Math.max(1, Math.abs(want));
        // h is the only forward rounding: within half a unit of A x.
        real.hUnrounded.forEach((row, j) =>
          row.forEach((v, k) => expect(closeTo(fromFixed(result.h[j]?.[k] ?? 0n, F), v, 0.5 / 2 ** F)).to.equal(true)),
        );
        // E is exact: y - t at scale 2^3F.
        real.e.forEach((row, j) =>
          row.forEach((v, i) => expect(closeTo(fromFixed(result.e[j]?.[i] ?? 0n, 3 * F), v, 0)).to.equal(true)),
        );
        // One rounding per update: within half a unit of 2^F (A - lr ∇A), 2^F (B - lr ∇B).
        real.aNext.forEach((row, k) =>
          row.forEach((v, l) => expect(closeTo(Number(result.aNext[k]?.[l]), v * 2 ** F, 0.5)).to.equal(true)),
        );
        real.bNext.forEach((row, i) =>
          row.forEach((v, k) => expect(closeTo(Number(result.bNext[i]?.[k]), v * 2 ** F, 0.5)).to.equal(true)),
        );
        expect(closeTo(result.loss, real.loss, 0)).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it("has exact gradients: central differences of Σ E^2 are 2α̂ GB, and 2α̂ GA / 2^F without forward rounding", () => {
    // With every X a multiple of 2^F, h = Â X / 2^F exactly, so Σ E^2 is a quadratic in Â and B̂
    // and the central difference is the exact derivative.
    const roundFreeCase = smallShape.chain((shape) =>
      stepCase(1n << 6n, fc.constant(shape)).map((c) => ({
        ...c,
        // BigInt % truncates toward zero, so the magnitude only shrinks and stays in range.
        xs: c.xs.map((row) => row.map((v) => v - (v % (1n << BigInt(c.shape.F))))),
      })),
    );
    fc.assert(
      fc.property(roundFreeCase, fc.nat(), fc.nat(), (c, pickA, pickB) => {
        const { shape } = c;
        const sumSquares = (input: StepCase): bigint =>
          loraStepUnchecked(input)
            .e.flat()
            .reduce((s, v) => s + v * v, 0n);
        const base = loraStepUnchecked(c);
        const k = pickA % shape.rank;
        const l = Math.floor(pickA / shape.rank) % shape.dIn;
        const i = pickB % shape.dOut;
        const kb = Math.floor(pickB / shape.dOut) % shape.rank;
        const bump = (m: bigint[][], r: number, col: number, by: bigint): bigint[][] =>
          m.map((row, ri) => row.map((v, ci) => (ri === r && ci === col ? v + by : v)));
        const dB = sumSquares({ ...c, b: bump(c.b, i, kb, 1n) }) - sumSquares({ ...c, b: bump(c.b, i, kb, -1n) });
        expect(dB).to.equal(4n * c.alpha * (base.gradients.GB[i]?.[kb] ?? 0n));
        const dA = sumSquares({ ...c, a: bump(c.a, k, l, 1n) }) - sumSquares({ ...c, a: bump(c.a, k, l, -1n) });
        expect(dA << BigInt(shape.F)).to.equal(4n * c.alpha * (base.gradients.GA[k]?.[l] ?? 0n));
      }),
      { numRuns: 200 },
    );
  });

  it("moves every adapter entry against its gradient (or not at all)", () => {
    fc.assert(
      fc.property(stepCase((1n << 16n) - 1n), (c) => {
        const result = tryStep(c);
        fc.pre(result !== undefined);
        const sign = (v: bigint): number => (v > 0n ? 1 : v < 0n ? -1 : 0);
        result.gradients.GA.forEach((row, k) =>
          row.forEach((g, l) => {
            const moved = sign((c.a[k]?.[l] ?? 0n) - (result.aNext[k]?.[l] ?? 0n));
            expect(moved === 0 || moved === sign(g)).to.equal(true);
          }),
        );
        result.gradients.GB.forEach((row, i) =>
          row.forEach((g, k) => {
            const moved = sign((c.b[i]?.[k] ?? 0n) - (result.bNext[i]?.[k] ?? 0n));
            expect(moved === 0 || moved === sign(g)).to.equal(true);
          }),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("checkStep", () => {
  it("accepts the reference step", () => {
    const { aNext, bNext } = loraStep(TINY_STEP);
    expect(checkStep(TINY_STEP, { aNext, bNext })).to.deep.equal({ ok: true });
  });

  it("reports the first differing entry and by how much", () => {
    const check = checkStep(TINY_STEP, { aNext: [[-5n, 4n]], bNext: [[2n], [-2n]] });
    expect(check.ok).to.equal(false);
    if (check.ok) return;
    expect(check.field).to.equal("bNext");
    expect(check.index).to.deep.equal([1, 0]);
    expect(check.expected).to.equal(0n);
    expect(check.claimed).to.equal(-2n);
    expect(check.difference).to.equal(-2n);
    expect(check.message).to.equal("bNext[1][0] is -2 but one step from the adapters before gives 0 (off by -2)");
  });
});

/** The reference step, or undefined when it leaves the adapter range (a valid refusal). */
function tryStep(c: StepCase): ReturnType<typeof loraStep> | undefined {
  try {
    return loraStep(c);
  } catch (error) {
    if (error instanceof StepRangeError) return undefined;
    throw error;
  }
}

/**
 * For gradient checks only E and the gradients matter: lr = 0 keeps the update in range, and one
 * more adapter bit lets Â, B̂ be bumped by ±1 at their bounds.
 */
function loraStepUnchecked(c: StepCase): ReturnType<typeof loraStep> {
  return loraStep({ ...c, lr: 0n, shape: { ...c.shape, aBits: c.shape.aBits + 1 } });
}

interface RealStep {
  readonly hUnrounded: number[][];
  readonly e: number[][];
  readonly aNext: number[][];
  readonly bNext: number[][];
  readonly loss: number;
}

/** PROTOCOL §3 in floating point on the real values, with the (rounded) h of the reference. */
function realStep(c: StepCase, hFixed: bigint[][]): RealStep {
  const { dIn, dOut, rank, batch, F, FW } = c.shape;
  const real = (m: bigint[][], scaleBits: number): number[][] =>
    m.map((row) => row.map((v) => fromFixed(v, scaleBits)));
  const [w0, a, b, xs, ts, h] = [
    real(c.w0, FW),
    real(c.a, F),
    real(c.b, F),
    real(c.xs, F),
    real(c.ts, F),
    real(hFixed, F),
  ];
  const alpha = fromFixed(c.alpha, F);
  const lr = fromFixed(c.lr, F);
  const get = (m: number[][], i: number, j: number): number => m[i]?.[j] ?? Number.NaN;
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  const sum = (n: number, f: (i: number) => number): number => range(n).reduce((s, i) => s + f(i), 0);

  const hUnrounded = range(batch).map((j) => range(rank).map((k) => sum(dIn, (l) => get(a, k, l) * get(xs, j, l))));
  const e = range(batch).map((j) =>
    range(dOut).map(
      (i) =>
        sum(dIn, (l) => get(w0, i, l) * get(xs, j, l)) +
        alpha * sum(rank, (k) => get(b, i, k) * get(h, j, k)) -
        get(ts, j, i),
    ),
  );
  const scale = (2 * alpha) / (batch * dOut);
  const gradB = range(dOut).map((i) => range(rank).map((k) => scale * sum(batch, (j) => get(e, j, i) * get(h, j, k))));
  const gradA = range(rank).map((k) =>
    range(dIn).map((l) => scale * sum(batch, (j) => sum(dOut, (i) => get(b, i, k) * get(e, j, i)) * get(xs, j, l))),
  );
  return {
    hUnrounded,
    e,
    aNext: a.map((row, k) => row.map((v, l) => v - lr * get(gradA, k, l))),
    bNext: b.map((row, i) => row.map((v, k) => v - lr * get(gradB, i, k))),
    loss: sum(batch, (j) => sum(dOut, (i) => get(e, j, i) ** 2)) / (batch * dOut),
  };
}
