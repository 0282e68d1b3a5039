/** fast-check generators shared by the unit tests (imported only; holds no tests). */

import fc from "fast-check";

import { signedBounds, type StepShape } from "../../src/protocol/index.js";

export function signedInt(bits: number): fc.Arbitrary<bigint> {
  const { min, max } = signedBounds(bits);
  return fc.bigInt({ min, max });
}

export function matrixOf(rows: number, cols: number, entry: fc.Arbitrary<bigint>): fc.Arbitrary<bigint[][]> {
  return fc.array(fc.array(entry, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
}

/** Small shapes: tiny dimensions, a few fractional bits, narrow values. */
export const smallShape: fc.Arbitrary<StepShape> = fc
  .record({
    dIn: fc.integer({ min: 1, max: 3 }),
    dOut: fc.integer({ min: 1, max: 3 }),
    rank: fc.integer({ min: 1, max: 2 }),
    batch: fc.integer({ min: 1, max: 3 }),
    depth: fc.integer({ min: 2, max: 3 }),
    F: fc.integer({ min: 1, max: 6 }),
    xBits: fc.integer({ min: 4, max: 10 }),
    aBits: fc.integer({ min: 6, max: 12 }),
    wBits: fc.integer({ min: 2, max: 8 }),
  })
  .chain((s) => fc.integer({ min: 1, max: 2 * s.F }).map((FW) => ({ ...s, FW })));

export interface StepCase {
  readonly shape: StepShape;
  readonly w0: bigint[][];
  readonly a: bigint[][];
  readonly b: bigint[][];
  readonly alpha: bigint;
  readonly lr: bigint;
  readonly xs: bigint[][];
  readonly ts: bigint[][];
}

/** A random step on a small shape; α̂ and l̂ up to `hparamMax`. */
export function stepCase(hparamMax: bigint, shapes: fc.Arbitrary<StepShape> = smallShape): fc.Arbitrary<StepCase> {
  return shapes.chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      w0: matrixOf(shape.dOut, shape.dIn, signedInt(shape.wBits)),
      a: matrixOf(shape.rank, shape.dIn, signedInt(shape.aBits)),
      b: matrixOf(shape.dOut, shape.rank, signedInt(shape.aBits)),
      alpha: fc.bigInt({ min: 0n, max: hparamMax }),
      lr: fc.bigInt({ min: 0n, max: hparamMax }),
      xs: matrixOf(shape.batch, shape.dIn, signedInt(shape.xBits)),
      ts: matrixOf(shape.batch, shape.dOut, signedInt(shape.xBits)),
    }),
  );
}
