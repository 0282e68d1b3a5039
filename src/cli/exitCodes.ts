import { classifyError, type ErrorCode } from "../protocol/index.js";

/**
 * Exit codes of the commands and scripts, one per class of failure: the only place exit codes exist.
 * Values are stable: other programs (the prototype's Python among them) branch on them. The table in
 * docs/COMMANDS.md is generated from this one (npm run docs).
 */
export const EXIT_CODES = {
  ok: 0,
  internal_error: 1,
  malformed_json: 2,
  missing_field: 3,
  wrong_shape: 4,
  out_of_range: 5,
  not_one_step: 6,
  unknown_instance: 7,
  statement_mismatch: 8,
  artifacts_missing: 9,
  invalid_proof: 10,
  timeout: 11,
} as const satisfies Record<ErrorCode | "ok" | "internal_error", number>;
export type ExitCodeName = keyof typeof EXIT_CODES;
export type ExitCode = (typeof EXIT_CODES)[ExitCodeName];

/** What each exit code means, for `--help` and the generated table. */
export const EXIT_CODE_MEANINGS: Record<ExitCodeName, string> = {
  ok: "success (verify: the proof is valid)",
  internal_error: "a bug or an unexpected failure; the message says what happened",
  malformed_json: "stdin (or a file) is not exactly one JSON document",
  missing_field: "a required field, option or variable is missing or has the wrong type",
  wrong_shape: "a matrix or vector does not have the instance's dimensions",
  out_of_range: "a value is outside its fixed-point range, or a field element is not below p",
  not_one_step: "the adapters after are not one training step from the adapters before",
  unknown_instance: "the circuit instance is not declared in circuits/instances.json",
  statement_mismatch: "the public statement does not match the witness or the chain",
  artifacts_missing: "circuit artifacts or a deployment are missing (build or deploy first)",
  invalid_proof: "the proof does not verify",
  timeout: "verification did not finish in time",
};

/** A failure as the CLI reports it: its class, exit code, the field at fault and the message. */
export interface Failure {
  readonly code: ExitCodeName;
  readonly exitCode: ExitCode;
  readonly field: string | undefined;
  readonly message: string;
}

/** Any error as a Failure: classified library errors keep their class, anything else is internal. */
export function toFailure(error: unknown): Failure {
  const classified = classifyError(error);
  if (classified !== undefined) {
    return { code: classified.code, exitCode: EXIT_CODES[classified.code], field: classified.field, message: classified.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal_error", exitCode: EXIT_CODES.internal_error, field: undefined, message: `internal error: ${message}` };
}
