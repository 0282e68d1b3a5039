/** Dimension checks and small helpers on bigint vectors and matrices. */

import { DimensionError } from "./rangeErrors.js";

export type Vector = readonly bigint[];
export type Matrix = readonly (readonly bigint[])[];

export function assertVectorLength(name: string, v: Vector, length: number): void {
  if (v.length !== length) throw new DimensionError(`${name} has length ${v.length}, expected ${length}`);
}

export function assertMatrixShape(name: string, m: Matrix, rows: number, cols: number): void {
  if (m.length !== rows) throw new DimensionError(`${name} has ${m.length} rows, expected ${rows}`);
  m.forEach((row, i) => {
    if (row.length !== cols) throw new DimensionError(`${name}[${i}] has length ${row.length}, expected ${cols}`);
  });
}

/** Row-major flattening, the order in which matrices are committed (PROTOCOL §5). */
export function flattenRowMajor(m: Matrix): bigint[] {
  return m.flatMap((row) => [...row]);
}

export function buildMatrix(rows: number, cols: number, entry: (i: number, j: number) => bigint): bigint[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => entry(i, j)));
}
