/**
 * The edge of the commands: one JSON document in, validated with zod, every failure a
 * LoraLedgerError that names the JSON path at fault (exit 2 for malformed JSON, 3 for a missing or
 * mistyped field).
 */

import { getAddress } from "ethers";
import { z } from "zod";
import { ERROR_CODES, LoraLedgerError, type ErrorCode } from "../../protocol/index.js";

/** `statement.base_root`, `witness.adapter_a[0][3]`: the JSON path of a value, as messages name it. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(the document)" : out;
}

/** Parses exactly one JSON document; anything else is exit 2. */
export function parseJsonDocument(text: string, source = "stdin"): unknown {
  if (text.trim() === "") {
    throw new LoraLedgerError("malformed_json", `${source} is empty: expected one JSON document`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // `npm run example | npm run prove` (without -s) prints npm's "> lora-ledger@… example" banner first.
    if (text.trimStart().startsWith("> ")) {
      throw new LoraLedgerError(
        "malformed_json",
        `${source} starts with npm's banner ("${text.trimStart().split("\n")[0]}"), not JSON: run the commands with \`npm run -s\` (silent), which writes only the JSON document`,
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new LoraLedgerError("malformed_json", `${source} is not one valid JSON document: ${detail}`);
  }
}

/**
 * In a pipeline (`example | prove | verify`), a command that failed wrote its error answer on stdout:
 * `{"success": false, "error": {code, message, field}}`. The next command passes that error on, with
 * its class and exit code, instead of complaining that the error answer is not its input.
 */
export function rethrowUpstreamFailure(document: unknown, command: string): void {
  if (typeof document !== "object" || document === null) return;
  const { success, valid, error } = document as { success?: unknown; valid?: unknown; error?: unknown };
  if ((success !== false && valid !== false) || typeof error !== "object" || error === null) return;
  const { code, message, field } = error as { code?: unknown; message?: unknown; field?: unknown };
  if (typeof code !== "string" || typeof message !== "string") return;
  const known = (ERROR_CODES as readonly string[]).includes(code);
  throw new LoraLedgerError(
    known ? (code as ErrorCode) : "malformed_json",
    `the command before ${command} in the pipeline failed (${code}): ${message}`,
    typeof field === "string" ? field : undefined,
  );
}

function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return `an array of ${input.length}`;
  if (typeof input === "string")
    return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === "number" || typeof input === "boolean") return `${typeof input} ${String(input)}`;
  return typeof input;
}

/** A zod error map: "is missing (expected X)" or "must be X, got Y". */
export function expected(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? `is missing (expected ${what})` : `must be ${what}, got ${describe(issue.input)}`;
}

const FIELD_TEXT = /^(0x[0-9a-fA-F]+|[0-9]+)$/;

/**
 * A field element as a decimal or 0x-hex string (JSON numbers lose precision above 2^53). The value
 * is not reduced: whether it is < p is checked later (exit 5), never wrapped.
 */
export const fieldElementSchema = z
  .string({ error: expected("a field element as a decimal or 0x-hex string") })
  .regex(FIELD_TEXT, { error: expected("a field element as a decimal or 0x-hex string") })
  .transform((text) => BigInt(text));

/** A non-negative integer: a JSON number (safe integer) or a decimal string. */
export const naturalSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/)], {
    error: expected("a non-negative integer (JSON number or decimal string)"),
  })
  .transform((value) => BigInt(value));

function hasValidChecksum(address: string): boolean {
  try {
    getAddress(address);
    return true;
  } catch {
    return false;
  }
}

/** An Ethereum address, 0x and 40 hex digits; a mixed-case one must carry a valid EIP-55 checksum. */
export const addressSchema = z
  .string({ error: expected('an address, "0x" and 40 hex digits') })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: expected('an address, "0x" and 40 hex digits') })
  .refine(hasValidChecksum, {
    error: (issue) =>
      `= ${String(issue.input)} has an invalid EIP-55 checksum (write it all lower case to skip the check)`,
  });

type Issue = z.core.$ZodIssue;

/** The issue to report: inside a union, the branch that got furthest into the value. */
function deepestIssue(issue: Issue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    let best: { issue: Issue; depth: number } | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first !== undefined && first.path.length > 0 && (best === undefined || first.path.length > best.depth)) {
        best = { issue: first, depth: first.path.length };
      }
    }
    if (best !== undefined) return deepestIssue(best.issue, path);
  }
  return { path, message: issue.message };
}

/** Parses with a zod schema; the first problem becomes exit 3 naming its JSON path. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first === undefined) throw new LoraLedgerError("missing_field", "the input does not match its schema");
  const { path, message } = deepestIssue(first, prefix);
  const field = jsonPath(path);
  return fail("missing_field", field, `${field} ${message}`);
}

export function fail(code: ErrorCode, field: string, message: string): never {
  throw new LoraLedgerError(code, message, field);
}
