import { DimensionError, EntryRangeError } from "./rangeErrors.js";

/**
 * The classes of failure a caller can act on. The library names the class; only the CLI turns it into
 * an exit code (src/cli/exitCodes.ts), so a dApp or a test branches on `code`, never on a number.
 */
export const ERROR_CODES = [
  "malformed_json",
  "missing_field",
  "wrong_shape",
  "out_of_range",
  "not_one_step",
  "unknown_instance",
  "statement_mismatch",
  "artifacts_missing",
  "invalid_proof",
  "timeout",
  "usage",
  "key_mismatch",
  "not_recorded",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error a user can act on: its class and the field (JSON path, variable, option) at fault. */
export class LoraLedgerError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = "LoraLedgerError";
    this.code = code;
    this.field = field;
  }
}

/** A library error as a LoraLedgerError when it belongs to a class; undefined for anything else (a bug). */
export function classifyError(error: unknown): LoraLedgerError | undefined {
  if (error instanceof LoraLedgerError) return error;
  if (error instanceof EntryRangeError) return new LoraLedgerError("out_of_range", error.message, error.entry);
  if (error instanceof DimensionError) return new LoraLedgerError("wrong_shape", error.message);
  if (error instanceof RangeError) return new LoraLedgerError("out_of_range", error.message);
  return undefined;
}
