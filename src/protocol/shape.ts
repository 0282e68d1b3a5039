/** Shape of one circuit instance (PROTOCOL §2, §8): fixed at compile time, so plain numbers. */

export interface StepShape {
  /** input width d_in */
  readonly dIn: number;
  /** output width d_out */
  readonly dOut: number;
  /** LoRA rank r */
  readonly rank: number;
  /** examples per step n */
  readonly batch: number;
  /** depth of the dataset Merkle tree */
  readonly depth: number;
  /** fractional bits of x, t, A, B, α, lr */
  readonly F: number;
  /** fractional bits of the base weights W0 */
  readonly FW: number;
  readonly xBits: number;
  readonly aBits: number;
  readonly wBits: number;
}

/** α̂ and l̂ are unsigned 16-bit (PROTOCOL §2). */
export const HPARAM_BITS = 16;
/** The step index t is in [0, 2^32) (PROTOCOL §6). */
export const STEP_BITS = 32;
/** Batch-position quotients q_j are in [0, 2^40) (PROTOCOL §6). */
export const POSITION_QUOTIENT_BITS = 40;
/** Limit of the bit widths of signed values (packing then holds at least 3 values per word). */
export const MAX_VALUE_BITS = 64;
/** Limit of the tree depth: positions and dataset sizes stay within 32 bits. */
export const MAX_DEPTH = 32;
/** The circuit keeps every bounded intermediate within 2^250 < p/2. */
const MAX_INTERMEDIATE_BITS = 250;

export interface SignedBounds {
  readonly min: bigint;
  readonly max: bigint;
}

/** Range of a signed `bits`-bit integer: [-2^(bits-1), 2^(bits-1) - 1]. */
export function signedBounds(bits: number): SignedBounds {
  const half = 1n << BigInt(bits - 1);
  return { min: -half, max: half - 1n };
}

/** Divisors of the two update roundings (PROTOCOL §3). */
export function updateDivisors(shape: StepShape): { dB: bigint; dA: bigint } {
  const rows = BigInt(shape.batch) * BigInt(shape.dOut);
  const f = BigInt(shape.F);
  return { dB: rows << (5n * f), dA: rows << (6n * f) };
}

/** Number of bits needed to write v >= 0 (bitLength(0) = 0), as in circuits/lib/range.circom. */
export function bitLength(v: bigint | number): number {
  return v === 0 || v === 0n ? 0 : BigInt(v).toString(2).length;
}

/**
 * Bit bounds (|value| <= 2^m) of the step's intermediates from the bit widths alone, computed as
 * the LoraStep template computes them. `hBits` is the signed width of the h quotients.
 */
export interface IntermediateBitBounds {
  readonly mH: number;
  readonly hBits: number;
  readonly mY: number;
  readonly mE: number;
  readonly mGB: number;
  readonly mU: number;
  readonly mGA: number;
}

export function intermediateBitBounds(shape: StepShape): IntermediateBitBounds {
  const { dIn, dOut, rank, batch, F, FW } = shape;
  const mx = shape.xBits - 1;
  const ma = shape.aBits - 1;
  const mw = shape.wBits - 1;
  const mH = ma + mx + bitLength(dIn - 1);
  const hBits = mH - F + 2;
  const mh = hBits - 1;
  const mY = Math.max(mw + mx + bitLength(dIn - 1) + 2 * F - FW, HPARAM_BITS + ma + mh + bitLength(rank - 1)) + 1;
  // T * 2^2F is t at scale 2^3F.
  const mE = Math.max(mY, mx + 2 * F) + 1;
  const mGB = mE + mh + bitLength(batch - 1);
  const mU = ma + mE + bitLength(dOut - 1);
  const mGA = mU + mx + bitLength(batch - 1);
  return { mH, hBits, mY, mE, mGB, mU, mGA };
}

const SHAPE_KEYS = ["dIn", "dOut", "rank", "batch", "depth", "F", "FW", "xBits", "aBits", "wBits"] as const;

/**
 * Throws unless `shape` satisfies the compile-time conditions of the LoraStep template (its
 * asserts), so that a shape accepted here is one the circuit compiles and proves for.
 */
export function validateShape(shape: StepShape): void {
  const problems: string[] = [];
  for (const key of SHAPE_KEYS) {
    const v = shape[key];
    if (!Number.isSafeInteger(v) || v < (key === "FW" ? 0 : 1)) {
      problems.push(`${key} = ${v} must be a ${key === "FW" ? "non-negative" : "positive"} integer`);
    }
  }
  if (problems.length > 0) throw new Error(`invalid step shape: ${problems.join("; ")}`);

  if (shape.FW > 2 * shape.F) problems.push(`FW = ${shape.FW} must be <= 2F = ${2 * shape.F}`);
  if (shape.depth > MAX_DEPTH) problems.push(`depth = ${shape.depth} must be <= ${MAX_DEPTH}`);
  for (const key of ["xBits", "aBits", "wBits"] as const) {
    if (shape[key] < 2 || shape[key] > MAX_VALUE_BITS) {
      problems.push(`${key} = ${shape[key]} must be in [2, ${MAX_VALUE_BITS}]`);
    }
  }
  // q_j < 2^40 for every t < 2^32, checked as the circuit does (bitLength(batch) <= 8).
  if (STEP_BITS + bitLength(shape.batch) > POSITION_QUOTIENT_BITS) {
    problems.push(`batch = ${shape.batch} must be < 2^${POSITION_QUOTIENT_BITS - STEP_BITS}`);
  }
  if (problems.length === 0) {
    const bounds = intermediateBitBounds(shape);
    // h = round(H / 2^F) can be 1 when |H| <= 2^mH < 2^F: the h range needs hBits >= 2.
    if (bounds.mH < shape.F) problems.push(`F = ${shape.F} is too large for the bounds of A x (2^${bounds.mH})`);
    if (shape.F + bounds.hBits > MAX_INTERMEDIATE_BITS) problems.push("the h rescale can reach p/2");
    if (2 + 2 * HPARAM_BITS + Math.max(bounds.mGA, bounds.mGB) > MAX_INTERMEDIATE_BITS) {
      problems.push("the scaled gradients can reach p/2 (dimensions or bit widths too large)");
    }
    if (shape.aBits + 2 + bitLength(updateDivisors(shape).dA) > MAX_INTERMEDIATE_BITS) {
      problems.push("the update divisor D_A is too large");
    }
  }
  if (problems.length > 0) throw new Error(`invalid step shape: ${problems.join("; ")}`);
}
