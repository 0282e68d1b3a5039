/** Errors that name the offending entry, its value and the allowed bound. */

/** `a[1][3]` from field `a` and index path [1, 3]. */
export function entryName(field: string, index: readonly number[]): string {
  return field + index.map((i) => `[${i}]`).join("");
}

export interface RangeViolation {
  readonly field: string;
  /** index path inside the field, outermost first (empty for a scalar) */
  readonly index: readonly number[];
  readonly value: number | bigint;
  readonly min: number | bigint;
  readonly max: number | bigint;
}

/** A value outside the range its field allows. `kind` says which range, e.g. "16-bit signed integer". */
export class EntryRangeError extends RangeError implements RangeViolation {
  readonly field: string;
  readonly index: readonly number[];
  readonly value: number | bigint;
  readonly min: number | bigint;
  readonly max: number | bigint;

  constructor(violation: RangeViolation, kind: string) {
    const { field, index, value, min, max } = violation;
    super(`${entryName(field, index)} = ${value} does not fit ${kind} (allowed [${min}, ${max}])`);
    this.name = new.target.name;
    this.field = field;
    this.index = [...index];
    this.value = value;
    this.min = min;
    this.max = max;
  }

  get entry(): string {
    return entryName(this.field, this.index);
  }
}

/** An input (real or integer) that does not fit its fixed-point or integer range. */
export class FixedPointRangeError extends EntryRangeError {}

/** A training step whose updated adapter leaves the `aBits` range: not a valid step. */
export class StepRangeError extends EntryRangeError {}

/** A vector or matrix whose dimensions are not the ones of the shape. */
export class DimensionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DimensionError";
  }
}
