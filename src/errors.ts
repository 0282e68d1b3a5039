import { DimensionError, EntryRangeError } from "./rangeErrors.js";

/**
 * Exit codes of the commands, one per class of failure (documented in README.md).
 * Values are stable: other programs (the prototype's Python among them) branch on them.
 */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  MalformedJson: 2,
  MissingField: 3,
  WrongShape: 4,
  OutOfRange: 5,
  NotOneStep: 6,
  UnknownInstance: 7,
  StatementMismatch: 8,
  ArtifactsMissing: 9,
  InvalidProof: 10,
  Timeout: 11,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_NAMES: Record<ExitCode, string> = {
  0: "ok",
  1: "internal_error",
  2: "malformed_json",
  3: "missing_field",
  4: "wrong_shape",
  5: "out_of_range",
  6: "not_one_step",
  7: "unknown_instance",
  8: "statement_mismatch",
  9: "artifacts_missing",
  10: "invalid_proof",
  11: "timeout",
};

/** An error a user can act on: it names the field at fault and carries the command's exit code. */
export class LoraLedgerError extends Error {
  readonly exitCode: ExitCode;
  readonly field: string | undefined;

  constructor(exitCode: ExitCode, message: string, field?: string) {
    super(message);
    this.name = "LoraLedgerError";
    this.exitCode = exitCode;
    this.field = field;
  }
}

/** Any error from the library or the commands as a LoraLedgerError with its exit code. */
export function asLoraLedgerError(error: unknown): LoraLedgerError {
  if (error instanceof LoraLedgerError) return error;
  if (error instanceof EntryRangeError) return new LoraLedgerError(ExitCode.OutOfRange, error.message, error.entry);
  if (error instanceof DimensionError) return new LoraLedgerError(ExitCode.WrongShape, error.message);
  if (error instanceof RangeError) return new LoraLedgerError(ExitCode.OutOfRange, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new LoraLedgerError(ExitCode.Internal, `internal error: ${message}`);
}
