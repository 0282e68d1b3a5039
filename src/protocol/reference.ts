/** The exact integer training step of PROTOCOL §3: what the circuit proves, computed directly. */

import { activationBits, activations } from "./activations.js";
import { DimensionError, StepRangeError, entryName } from "./rangeErrors.js";
import { checkSignedMatrix, checkUnsignedRange } from "./fixedpoint.js";
import { assertMatrixShape, buildMatrix, type Matrix } from "./matrix.js";
import { HPARAM_BITS, signedBounds, updateDivisors, validateShape, type StepShape } from "./shape.js";

/** floor(n / d) for d > 0 (BigInt `/` truncates toward zero, which is wrong for negative n). */
export function floorDiv(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError(`floorDiv divisor ${d} must be positive`);
  const q = n / d;
  return n % d < 0n ? q - 1n : q;
}

/** round(n / d) half up = floor((n + d/2) / d), for an even divisor d > 0 (so -2.5 → -2). */
export function roundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n || d % 2n !== 0n) throw new RangeError(`roundHalfUp divisor ${d} must be positive and even`);
  return floorDiv(n + d / 2n, d);
}

export interface StepInput {
  readonly shape: StepShape;
  /** Ŵ, d_out x d_in, scale 2^FW */
  readonly w0: Matrix;
  /** Â, r x d_in, scale 2^F */
  readonly a: Matrix;
  /** B̂, d_out x r, scale 2^F */
  readonly b: Matrix;
  /** α̂, unsigned 16-bit, scale 2^F */
  readonly alpha: bigint;
  /** l̂, unsigned 16-bit, scale 2^F */
  readonly lr: bigint;
  /** X_j, batch x d_in, scale 2^F */
  readonly xs: Matrix;
  /** T_j, batch x d_out, scale 2^F */
  readonly ts: Matrix;
}

export interface StepGradients {
  /** GA[k][l] = Σ_j U_j[k] X_j[l], r x d_in */
  readonly GA: bigint[][];
  /** GB[i][k] = Σ_j E_j[i] h_j[k], d_out x r */
  readonly GB: bigint[][];
}

export interface StepResult {
  readonly aNext: bigint[][];
  readonly bNext: bigint[][];
  /** h_j = round(Â X_j / 2^F), batch x r, scale 2^F */
  readonly h: bigint[][];
  /** Y_j, batch x d_out, scale 2^3F */
  readonly y: bigint[][];
  /** E_j = Y_j - T_j 2^2F, batch x d_out, scale 2^3F (exact y - t) */
  readonly e: bigint[][];
  /** U_j = B̂^T E_j, batch x r, scale 2^4F */
  readonly u: bigint[][];
  readonly gradients: StepGradients;
  /** Σ E^2 / (n d_out 2^6F): the batch MSE before the step, for people only */
  readonly loss: number;
}

function checkStepInput(input: StepInput): void {
  const { shape } = input;
  validateShape(shape);
  assertMatrixShape("w0", input.w0, shape.dOut, shape.dIn);
  checkSignedMatrix("w0", input.w0, shape.wBits);
  checkAdapterAndBatch(input);
}

/** Everything of a step's input but the base: shapes and ranges of A, B, the batch and α, lr. */
function checkAdapterAndBatch(input: Omit<StepInput, "w0">): void {
  const { shape } = input;
  assertMatrixShape("a", input.a, shape.rank, shape.dIn);
  assertMatrixShape("b", input.b, shape.dOut, shape.rank);
  assertMatrixShape("xs", input.xs, shape.batch, shape.dIn);
  assertMatrixShape("ts", input.ts, shape.batch, shape.dOut);
  checkSignedMatrix("a", input.a, shape.aBits);
  checkSignedMatrix("b", input.b, shape.aBits);
  checkSignedMatrix("xs", input.xs, shape.xBits);
  checkSignedMatrix("ts", input.ts, shape.xBits);
  checkUnsignedRange("alpha", input.alpha, HPARAM_BITS);
  checkUnsignedRange("lr", input.lr, HPARAM_BITS);
}

function dot(length: number, term: (l: number) => bigint): bigint {
  let sum = 0n;
  for (let l = 0; l < length; l++) sum += term(l);
  return sum;
}

/** Reads entry [i][j] of a matrix whose dimensions were checked. */
function at(m: Matrix, i: number, j: number): bigint {
  const v = m[i]?.[j];
  if (v === undefined) throw new DimensionError(`no entry [${i}][${j}]`);
  return v;
}

function assertAdapterRange(field: string, m: Matrix, bits: number): void {
  const { min, max } = signedBounds(bits);
  m.forEach((row, i) =>
    row.forEach((value, j) => {
      if (value < min || value > max) {
        throw new StepRangeError({ field, index: [i, j], value, min, max }, `the ${bits}-bit adapter range`);
      }
    }),
  );
}

/**
 * One LoRA training step in exact integers. Throws StepRangeError when an updated adapter entry
 * leaves the aBits range (such a step cannot be proven).
 */
export function loraStep(input: StepInput): StepResult {
  checkStepInput(input);
  const { w0, ...rest } = input;
  return stepFromActivations({ ...rest, zs: input.xs.map((x) => activations(w0, x)) });
}

/** A step's input with the base outputs z = Ŵ X of its examples in place of Ŵ (PROTOCOL §11). */
export interface ActivatedStepInput extends Omit<StepInput, "w0"> {
  /** Z_j = Ŵ X_j, batch x d_out, scale 2^(FW+F) */
  readonly zs: Matrix;
}

/** The step of PROTOCOL §3 from the examples' base outputs: protocol version 2 never reads Ŵ. */
export function loraStepFromActivations(input: ActivatedStepInput): StepResult {
  const { shape } = input;
  validateShape(shape);
  checkAdapterAndBatch(input);
  assertMatrixShape("zs", input.zs, shape.batch, shape.dOut);
  checkSignedMatrix("zs", input.zs, activationBits(shape));
  return stepFromActivations(input);
}

function stepFromActivations(input: ActivatedStepInput): StepResult {
  const { shape, zs, a, b, alpha, lr, xs, ts } = input;
  const { dIn, dOut, rank, batch } = shape;
  const { h, y, e } = forwardFromActivations(shape, zs, a, b, alpha, xs, ts);
  const u = buildMatrix(batch, rank, (j, k) => dot(dOut, (i) => at(b, i, k) * at(e, j, i)));
  const GB = buildMatrix(dOut, rank, (i, k) => dot(batch, (j) => at(e, j, i) * at(h, j, k)));
  const GA = buildMatrix(rank, dIn, (k, l) => dot(batch, (j) => at(u, j, k) * at(xs, j, l)));

  // Both updates start from the same (A, B), one rounding each.
  const c = 2n * alpha * lr;
  const { dA, dB } = updateDivisors(shape);
  const aNext = buildMatrix(rank, dIn, (k, l) => at(a, k, l) - roundHalfUp(c * at(GA, k, l), dA));
  const bNext = buildMatrix(dOut, rank, (i, k) => at(b, i, k) - roundHalfUp(c * at(GB, i, k), dB));
  assertAdapterRange("aNext", aNext, shape.aBits);
  assertAdapterRange("bNext", bNext, shape.aBits);

  return { aNext, bNext, h, y, e, u, gradients: { GA, GB }, loss: meanSquaredError(shape, e) };
}

/**
 * The forward pass of PROTOCOL §3 on any number of examples (rows of xs and ts): h = round(A x / 2^F),
 * Y = W0 x 2^(2F-FW) + α B h and E = Y - T 2^2F, exactly.
 */
export function forward(
  shape: StepShape,
  w0: Matrix,
  a: Matrix,
  b: Matrix,
  alpha: bigint,
  xs: Matrix,
  ts: Matrix,
): { h: bigint[][]; y: bigint[][]; e: bigint[][] } {
  return forwardFromActivations(
    shape,
    xs.map((x) => activations(w0, x)),
    a,
    b,
    alpha,
    xs,
    ts,
  );
}

/** The forward pass of `adapter` on whole examples (x, t): what the held-out evaluations measure. */
export function forwardExamples(
  shape: StepShape,
  w0: Matrix,
  adapter: { a: Matrix; b: Matrix },
  alpha: bigint,
  examples: readonly { x: readonly bigint[]; t: readonly bigint[] }[],
): { h: bigint[][]; y: bigint[][]; e: bigint[][] } {
  return forward(
    shape,
    w0,
    adapter.a,
    adapter.b,
    alpha,
    examples.map((example) => example.x),
    examples.map((example) => example.t),
  );
}

/** The forward pass from the base outputs Z = Ŵ X: Y = Z 2^(2F-FW) + α B h. */
export function forwardFromActivations(
  shape: StepShape,
  zs: Matrix,
  a: Matrix,
  b: Matrix,
  alpha: bigint,
  xs: Matrix,
  ts: Matrix,
): { h: bigint[][]; y: bigint[][]; e: bigint[][] } {
  const { dIn, dOut, rank, F, FW } = shape;
  const rows = xs.length;
  const hDivisor = 1n << BigInt(F);
  const baseScale = 1n << BigInt(2 * F - FW);
  // T has scale 2^F, Y has scale 2^3F: T * 2^2F is t at the scale of Y.
  const targetScale = 1n << BigInt(2 * F);
  const h = buildMatrix(rows, rank, (j, k) =>
    roundHalfUp(
      dot(dIn, (l) => at(a, k, l) * at(xs, j, l)),
      hDivisor,
    ),
  );
  const y = buildMatrix(
    rows,
    dOut,
    (j, i) => at(zs, j, i) * baseScale + alpha * dot(rank, (k) => at(b, i, k) * at(h, j, k)),
  );
  const e = buildMatrix(rows, dOut, (j, i) => at(y, j, i) - at(ts, j, i) * targetScale);
  return { h, y, e };
}

/** Mean squared error, as a float for people, of errors E at scale 2^3F. */
export function meanSquaredError(shape: StepShape, e: Matrix): number {
  const squaredError = e.flat().reduce((sum, v) => sum + v * v, 0n);
  const count = e.length * shape.dOut;
  return count === 0 ? 0 : Number(squaredError) / count / 2 ** (6 * shape.F);
}

export interface ClaimedAdapters {
  readonly aNext: Matrix;
  readonly bNext: Matrix;
}

export type StepCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly field: "aNext" | "bNext";
      readonly index: readonly [number, number];
      readonly expected: bigint;
      readonly claimed: bigint;
      /** claimed - expected */
      readonly difference: bigint;
      readonly message: string;
    };

function firstDifference(
  field: "aNext" | "bNext",
  expected: Matrix,
  claimed: Matrix,
): Exclude<StepCheck, { ok: true }> | undefined {
  for (let i = 0; i < expected.length; i++) {
    const row = expected[i] ?? [];
    for (let j = 0; j < row.length; j++) {
      const want = at(expected, i, j);
      const got = at(claimed, i, j);
      if (want !== got) {
        const difference = got - want;
        const sign = difference > 0n ? "+" : "";
        return {
          ok: false,
          field,
          index: [i, j],
          expected: want,
          claimed: got,
          difference,
          message:
            `${entryName(field, [i, j])} is ${got} but one step from the adapters before gives ${want} ` +
            `(off by ${sign}${difference})`,
        };
      }
    }
  }
  return undefined;
}

/**
 * Compares claimed adapters after a step with the reference step from `input`; reports the first
 * differing entry (A' row-major, then B' row-major). Propagates StepRangeError when no valid step exists.
 */
export function checkStep(input: StepInput, claimed: ClaimedAdapters): StepCheck {
  return compareAdapters(input.shape, loraStep(input), claimed);
}

/** The first entry where claimed adapters differ from the reference's (A' row-major, then B' row-major). */
export function compareAdapters(
  shape: Pick<StepShape, "dIn" | "dOut" | "rank">,
  reference: ClaimedAdapters,
  claimed: ClaimedAdapters,
): StepCheck {
  assertMatrixShape("aNext", claimed.aNext, shape.rank, shape.dIn);
  assertMatrixShape("bNext", claimed.bNext, shape.dOut, shape.rank);
  return (
    firstDifference("aNext", reference.aNext, claimed.aNext) ??
    firstDifference("bNext", reference.bNext, claimed.bNext) ?? { ok: true }
  );
}
