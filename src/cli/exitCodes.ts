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
  usage: 12,
  key_mismatch: 13,
  not_recorded: 14,
} as const satisfies Record<ErrorCode | "ok" | "internal_error", number>;
export type ExitCodeName = keyof typeof EXIT_CODES;
export type ExitCode = (typeof EXIT_CODES)[ExitCodeName];

/** What each exit code means: the source of the table in docs/COMMANDS.md (npm run docs). */
export const EXIT_CODE_MEANINGS: Record<ExitCodeName, string> = {
  ok: "proved / the proof is valid",
  internal_error: "a bug or an unexpected failure (report it)",
  malformed_json: "stdin is empty or not one JSON document",
  missing_field:
    "a field is missing or has the wrong type (or a bad command-line option or variable); `field` names it",
  wrong_shape: "a matrix, vector or batch has the wrong dimensions; the message counts entries",
  out_of_range:
    "a value outside its fixed-point range (entry and bound named), a field element ≥ p, a step outside [0, 2^32)",
  not_one_step: "the adapters after are not one step from before: first differing entry, expected vs given",
  unknown_instance: "no such circuit instance (the known ones are listed)",
  statement_mismatch:
    "the statement does not match the witness (which commitment, expected vs given), or `public_signals` do not match the statement",
  artifacts_missing: "the instance is not built: `npm run build:circuits -- <instance>`",
  invalid_proof: "`verify`: the proof does not verify",
  timeout: "`verify`: verification took longer than `timeout_ms`",
  usage:
    "a configuration, option or network mistake (an unset or malformed variable, an unreachable node, options that exclude each other): the message names it and the fix",
  key_mismatch:
    "a deployed verifier holds another verification key than the one given or held here (`check-deployment`, chain-only `verify`); the differing coordinates are named",
  not_recorded:
    "`query`: the registry has no such run, or no verified provenance for the adapter or merged root asked about",
};

/** 128 + the signal's number: a command interrupted writes nothing (no stdout, no --out file). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** The exit-code table of docs/COMMANDS.md, rendered from the constants above. */
export function renderExitCodeTable(): string {
  const rows = (Object.keys(EXIT_CODES) as ExitCodeName[]).map(
    (name) => `| ${EXIT_CODES[name]} | \`${name}\` | ${EXIT_CODE_MEANINGS[name]} |`,
  );
  const signals = Object.values(SIGNAL_EXIT_CODES).join(", ");
  return [
    "| exit | code | meaning |",
    "| --- | --- | --- |",
    ...rows,
    `| ${signals} | — | interrupted by ${Object.keys(SIGNAL_EXIT_CODES).join(" / ")} (nothing on stdout, no file written) |`,
  ].join("\n");
}

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
    return {
      code: classified.code,
      exitCode: EXIT_CODES[classified.code],
      field: classified.field,
      message: classified.message,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: "internal_error",
    exitCode: EXIT_CODES.internal_error,
    field: undefined,
    message: `internal error: ${message}`,
  };
}
