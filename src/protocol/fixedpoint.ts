/** Real numbers ↔ fixed-point integers (PROTOCOL §2), and the range checks of integer inputs. */

import { FixedPointRangeError } from "./rangeErrors.js";
import type { Matrix, Vector } from "./matrix.js";
import { signedBounds } from "./shape.js";

/** round(value * 2^scaleBits), half away from zero (Math.round on the magnitude). */
function roundScaled(value: number, scaleBits: number): number {
  const scaled = value * 2 ** scaleBits;
  return Math.sign(scaled) * Math.round(Math.abs(scaled));
}

function fixedPointError(
  field: string,
  index: readonly number[],
  value: number,
  scaleBits: number,
  bits: number,
  signed: boolean,
): FixedPointRangeError {
  const scale = 2 ** scaleBits;
  const { min, max } = signed ? signedBounds(bits) : { min: 0n, max: (1n << BigInt(bits)) - 1n };
  const kind = `${bits}-bit ${signed ? "" : "unsigned "}fixed point at scale 2^${scaleBits}`;
  return new FixedPointRangeError({ field, index, value, min: Number(min) / scale, max: Number(max) / scale }, kind);
}

/**
 * Real → signed fixed point: round(value * 2^scaleBits), which must fit `bits` signed bits.
 * `fieldName` and `index` name the entry in the error.
 */
export function toFixed(
  value: number,
  scaleBits: number,
  bits: number,
  fieldName: string,
  index: readonly number[] = [],
): bigint {
  const { min, max } = signedBounds(bits);
  if (!Number.isFinite(value)) throw fixedPointError(fieldName, index, value, scaleBits, bits, true);
  const fixed = BigInt(roundScaled(value, scaleBits));
  if (fixed < min || fixed > max) throw fixedPointError(fieldName, index, value, scaleBits, bits, true);
  return fixed;
}

/** Real → unsigned fixed point in [0, 2^bits) (α̂ and l̂). */
export function toFixedUnsigned(value: number, scaleBits: number, bits: number, fieldName: string): bigint {
  if (!Number.isFinite(value)) throw fixedPointError(fieldName, [], value, scaleBits, bits, false);
  const fixed = BigInt(roundScaled(value, scaleBits));
  if (fixed < 0n || fixed >= 1n << BigInt(bits)) throw fixedPointError(fieldName, [], value, scaleBits, bits, false);
  return fixed;
}

export function toFixedVector(values: readonly number[], scaleBits: number, bits: number, fieldName: string): bigint[] {
  return values.map((v, i) => toFixed(v, scaleBits, bits, fieldName, [i]));
}

export function toFixedMatrix(
  rows: readonly (readonly number[])[],
  scaleBits: number,
  bits: number,
  fieldName: string,
): bigint[][] {
  return rows.map((row, i) => row.map((v, j) => toFixed(v, scaleBits, bits, fieldName, [i, j])));
}

/** Fixed point → real (exact when the integer has at most 53 significant bits). */
export function fromFixed(v: bigint, scaleBits: number): number {
  return Number(v) / 2 ** scaleBits;
}

export function fromFixedMatrix(rows: Matrix, scaleBits: number): number[][] {
  return rows.map((row) => row.map((v) => fromFixed(v, scaleBits)));
}

/** Throws unless -2^(bits-1) <= v < 2^(bits-1). */
export function checkSignedRange(fieldName: string, v: bigint, bits: number, index: readonly number[] = []): void {
  const { min, max } = signedBounds(bits);
  if (v < min || v > max) {
    throw new FixedPointRangeError({ field: fieldName, index, value: v, min, max }, `${bits}-bit signed integer`);
  }
}

/** Throws unless 0 <= v < 2^bits. */
export function checkUnsignedRange(fieldName: string, v: bigint, bits: number, index: readonly number[] = []): void {
  const max = (1n << BigInt(bits)) - 1n;
  if (v < 0n || v > max) {
    throw new FixedPointRangeError({ field: fieldName, index, value: v, min: 0n, max }, `${bits}-bit unsigned integer`);
  }
}

export function checkSignedVector(fieldName: string, values: Vector, bits: number): void {
  values.forEach((v, i) => checkSignedRange(fieldName, v, bits, [i]));
}

export function checkSignedMatrix(fieldName: string, rows: Matrix, bits: number): void {
  rows.forEach((row, i) => row.forEach((v, j) => checkSignedRange(fieldName, v, bits, [i, j])));
}
