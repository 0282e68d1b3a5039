/**
 * The values the commands exchange: statements (PROTOCOL §7 for a step, §9 for a merge) in snake_case JSON, tensors in either
 * encoding, and the checks that turn them into the library's integers, in the commands' order:
 * schema (exit 3), shape (4), range (5).
 */

import { getAddress } from "ethers";
import { z } from "zod";
import {
  assertFieldElement,
  checkSignedRange,
  checkUnsignedRange,
  fromFixed,
  toFixed,
  toFixedUnsigned,
  HPARAM_BITS,
  MERGE_PUBLIC_INPUTS,
  STEP_BITS,
  STEP_PUBLIC_INPUTS,
  type CircuitInstance,
  type StepShape,
  SUBMITTER_BITS,
  toHex32,
} from "../../protocol/index.js";
import { loadInstances } from "../../node/index.js";
import type { MergeStatement, StepStatement } from "../../protocol/index.js";
import { addressSchema, expected, fail, fieldElementSchema } from "./json.js";

/** How tensors and α, lr are written: reals converted with PROTOCOL §2, or the fixed-point integers. */
export type Encoding = "real" | "fixed";
export const encodingSchema = z.enum(["real", "fixed"], { error: expected('"real" or "fixed"') }).default("real");

/** A tensor entry or hyperparameter as parsed: a real (number) or a fixed-point integer (bigint). */
export type Entry = number | bigint;

export function entrySchema(encoding: Encoding): z.ZodType<Entry> {
  return encoding === "real"
    ? z.number({ error: expected('a real number (encoding "real")') })
    : z
        .union([z.number().int(), z.string().regex(/^-?[0-9]+$/)], {
          error: expected('an integer, a JSON number or a decimal string (encoding "fixed")'),
        })
        .transform((value) => BigInt(value));
}

/** A matrix as parsed: rows of entries, or (a shape error found later) entries where rows belong. */
export type RawMatrix = (Entry | Entry[])[];

export function matrixSchema(encoding: Encoding): z.ZodType<RawMatrix> {
  const entry = entrySchema(encoding);
  return z.array(z.union([z.array(entry), entry], { error: expected("a row, an array of numbers") }), {
    error: expected("a matrix, an array of rows"),
  });
}

export function vectorSchema(encoding: Encoding): z.ZodType<Entry[]> {
  return z.array(entrySchema(encoding), { error: expected("an array of numbers") });
}

const INTEGER_TEXT = /^-?[0-9]+$/;

/**
 * An integer statement field (step, dataset_size, alpha and learning_rate in fixed encoding): a JSON
 * number that is an integer, or a decimal string. Only the type is checked here (a non-integer or
 * another type is exit 3, "must be <what>, got ..."); the range is checked with the other ranges
 * (exit 5, naming the field and the bound), so that -1 and 2^32 are answered alike.
 */
export function integerSchema(what: string): z.ZodType<bigint> {
  const message = expected(`${what} (a JSON number or a decimal string)`);
  return z.union([z.number(), z.string()], { error: message }).transform((input, context) => {
    if (typeof input === "number" ? Number.isInteger(input) : INTEGER_TEXT.test(input)) return BigInt(input);
    context.issues.push({ code: "custom", message: message({ input }), input });
    return z.NEVER;
  });
}

/** statement.rank: an integer (JSON number); any value but the instance's rank is a shape error (exit 4). */
const rankSchema = z
  .number({ error: expected("a positive integer, the instance's rank") })
  .transform((input, context) => {
    if (Number.isInteger(input)) return input;
    context.issues.push({
      code: "custom",
      message: expected("a positive integer, the instance's rank")({ input }),
      input,
    });
    return z.NEVER;
  });

/** α or lr as written: a real (encoding "real") or the fixed-point integer. */
export function hparamSchema(encoding: Encoding): z.ZodType<Entry> {
  return encoding === "real"
    ? z.number({ error: expected('a real number (encoding "real")') })
    : integerSchema(`an integer in [0, 2^${HPARAM_BITS}) (encoding "fixed")`);
}

/** The optional fields of every statement: the rank cross-check and the hyperparameters hparams_hash commits to. */
function hparamFields(encoding: Encoding) {
  const hparam = hparamSchema(encoding);
  return {
    rank: rankSchema.optional(),
    alpha: hparam.optional(),
    learning_rate: hparam.optional(),
    dataset_size: integerSchema("an integer in [1, 2^depth]").optional(),
  };
}

/** The public values every step statement has, plus the hyperparameters hparams_hash commits to. */
export function statementSchema(encoding: Encoding) {
  return z.object(
    {
      base_root: fieldElementSchema,
      dataset_root: fieldElementSchema,
      hparams_hash: fieldElementSchema,
      adapter_before: fieldElementSchema,
      adapter_after: fieldElementSchema,
      step: integerSchema(`an integer in [0, 2^${STEP_BITS})`),
      submitter: addressSchema,
      ...hparamFields(encoding),
    },
    { error: expected("an object") },
  );
}
export type RawStatement = z.output<ReturnType<typeof statementSchema>>;

/**
 * A merge statement (PROTOCOL §9): the public values, plus the hyperparameters. `prove` computes
 * merged_root when it is omitted (`mergedRootOptional`); `verify` needs it.
 */
export function mergeStatementSchema(encoding: Encoding, mergedRootOptional = false) {
  return z.object(
    {
      base_root: fieldElementSchema,
      adapter: fieldElementSchema,
      hparams_hash: fieldElementSchema,
      merged_root: mergedRootOptional ? fieldElementSchema.optional() : fieldElementSchema,
      ...hparamFields(encoding),
    },
    { error: expected("an object") },
  );
}
export type RawMergeStatement = z.output<ReturnType<typeof mergeStatementSchema>>;

/**
 * The template of the instance a document names: it decides which statement the document carries.
 * Undefined for no instance or an unknown one (read as a step document, whose checks report it).
 */
export function documentTemplate(document: unknown): CircuitInstance["template"] | undefined {
  if (typeof document !== "object" || document === null || !("instance" in document)) return undefined;
  const name = document.instance;
  return loadInstances().instances.find((instance) => instance.name === name)?.template;
}

/** Whether a document names a LoraMerge instance. */
export function isMergeDocument(document: unknown): boolean {
  return documentTemplate(document) === "LoraMerge";
}

/** One dimension of a shape, named as messages name it ("rank 2"). */
export interface Dim {
  readonly name: string;
  readonly size: number;
}

export function dims(shape: StepShape): Record<"dIn" | "dOut" | "rank" | "batch" | "depth", Dim> {
  return {
    dIn: { name: "d_in", size: shape.dIn },
    dOut: { name: "d_out", size: shape.dOut },
    rank: { name: "rank", size: shape.rank },
    batch: { name: "batch", size: shape.batch },
    depth: { name: "depth", size: shape.depth },
  };
}

function shapeError(field: string, message: string): never {
  return fail("wrong_shape", field, message);
}

/** Checks a parsed matrix against rows × cols, counting entries; exit 4 says what is wrong. */
export function asMatrix(field: string, raw: RawMatrix, rows: Dim, cols: Dim): Entry[][] {
  const need = rows.size * cols.size;
  const wanted = `${rows.name} ${rows.size} × ${cols.name} ${cols.size}`;
  const matrix: Entry[][] = [];
  let total = 0;
  raw.forEach((row, i) => {
    if (!Array.isArray(row)) {
      if (raw.every((r) => !Array.isArray(r))) {
        shapeError(
          field,
          `${field} is a flat array of ${raw.length} entries; it must be a matrix of ${rows.size} rows (${rows.name}) ` +
            `of ${cols.size} entries (${cols.name}), ${wanted} = ${need} entries, written [[...], [...], ...]`,
        );
      }
      shapeError(
        `${field}[${i}]`,
        `${field}[${i}] is a single number where a row of ${cols.size} entries (${cols.name}) belongs`,
      );
    }
    matrix.push(row);
    total += row.length;
  });
  if (total !== need) {
    const detail =
      matrix.length !== rows.size
        ? `${matrix.length} rows, expected ${rows.size}`
        : `row ${matrix.findIndex((row) => row.length !== cols.size)} has ${matrix.find((row) => row.length !== cols.size)?.length} entries, expected ${cols.size}`;
    shapeError(field, `${field} has ${total} entries; ${wanted} needs ${need} (${detail})`);
  }
  if (matrix.length !== rows.size) {
    const transposed = matrix.length === cols.size && matrix.every((row) => row.length === rows.size);
    shapeError(
      field,
      `${field} has ${matrix.length} rows (${total} entries); it must be ${wanted}: ${rows.size} rows of ${cols.size} entries` +
        (transposed ? " (it looks transposed)" : ""),
    );
  }
  matrix.forEach((row, i) => {
    if (row.length !== cols.size) {
      shapeError(`${field}[${i}]`, `${field}[${i}] has ${row.length} entries, expected ${cols.size} (${cols.name})`);
    }
  });
  return matrix;
}

export function asVector<T>(field: string, raw: readonly T[], length: Dim): T[] {
  if (raw.length !== length.size) {
    shapeError(field, `${field} has ${raw.length} entries, expected ${length.size} (${length.name})`);
  }
  return [...raw];
}

/** A signed fixed-point entry: a real is converted (scale 2^scaleBits), an integer range-checked. */
export function fixedEntry(
  value: Entry,
  scaleBits: number,
  bits: number,
  field: string,
  index: readonly number[],
): bigint {
  if (typeof value === "bigint") {
    checkSignedRange(field, value, bits, index);
    return value;
  }
  return toFixed(value, scaleBits, bits, field, index);
}

export function fixedVector(field: string, values: readonly Entry[], scaleBits: number, bits: number): bigint[] {
  return values.map((v, i) => fixedEntry(v, scaleBits, bits, field, [i]));
}

export function fixedMatrix(
  field: string,
  rows: readonly (readonly Entry[])[],
  scaleBits: number,
  bits: number,
): bigint[][] {
  return rows.map((row, i) => row.map((v, j) => fixedEntry(v, scaleBits, bits, field, [i, j])));
}

/** A dataset size the instance's tree holds: [1, 2^depth] (exit 5). */
export function checkDatasetSize(field: string, size: bigint, shape: StepShape): void {
  if (size < 1n || size > 1n << BigInt(shape.depth)) {
    fail("out_of_range", field, `${field} = ${size} is outside [1, 2^${shape.depth}] (depth ${shape.depth})`);
  }
}

/** α̂ or l̂: unsigned 16-bit at scale 2^F. */
export function fixedHparam(field: string, value: Entry, F: number): bigint {
  if (typeof value === "bigint") {
    checkUnsignedRange(field, value, HPARAM_BITS);
    return value;
  }
  return toFixedUnsigned(value, F, HPARAM_BITS, field);
}

/** α̂ or l̂ of protocol version 2: in [1, 2^16) at scale 2^F, since 0 trains nothing (PROTOCOL §12). */
export function nonZeroHparam(field: string, value: Entry, F: number): bigint {
  const fixed = fixedHparam(field, value, F);
  if (fixed === 0n) {
    const written = typeof value === "bigint" ? "0" : `${value} (0 in fixed point)`;
    fail(
      "out_of_range",
      field,
      `${field} = ${written} is outside [1, 2^${HPARAM_BITS}) in fixed point: 0 trains nothing (PROTOCOL §12)`,
    );
  }
  return fixed;
}

/** A fixed-point integer written back in the given encoding. */
export function encodeEntry(value: bigint, scaleBits: number, encoding: Encoding): number | string {
  return encoding === "real"
    ? fromFixed(value, scaleBits)
    : Number.isSafeInteger(Number(value))
      ? Number(value)
      : value.toString();
}

/**
 * The public inputs that are commitments (Poseidon hashes and roots). People read them, in every command,
 * script and page, as 0x and 64 hex digits; integers (steps, losses, seeds, sizes) stay decimal, and
 * `public_signals` and calldata keep snarkjs's decimal strings, which snarkjs and Solidity consume.
 */
export const COMMITMENT_INPUTS: ReadonlySet<string> = new Set([
  "baseRoot",
  "datasetRoot",
  "hparamsHash",
  "adapterBefore",
  "adapterAfter",
  "adapter",
  "adapterStart",
  "mergedRoot",
  "runConfig",
  "projectionId",
  "accIn",
  "accOut",
]);

/** A commitment as people read it: 0x and 64 hex digits. */
export const commitmentText = toHex32;

/** A public input's value for people: commitments in 0x-hex, anything else in decimal. */
export function publicValueText(input: string, value: bigint): string {
  return COMMITMENT_INPUTS.has(input) ? commitmentText(value) : value.toString();
}

export function addressOf(value: bigint): string {
  return getAddress(`0x${value.toString(16).padStart(40, "0")}`);
}

/** `adapterBefore` → `adapter_before`, in the types too. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

export function snakeCase<S extends string>(name: S): SnakeCase<S> {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`) as SnakeCase<S>;
}

/** The step's public inputs as the CLI's documents name them, in PROTOCOL §7 order (from circuits/instances.json). */
export const PUBLIC_INPUT_FIELDS = STEP_PUBLIC_INPUTS.map(snakeCase);
export type PublicInputField = (typeof PUBLIC_INPUT_FIELDS)[number];

/** The public inputs, named and decoded: commitments in 0x-hex, step a number, submitter an address. */
export interface NamedPublicInputs {
  base_root: string;
  dataset_root: string;
  hparams_hash: string;
  adapter_before: string;
  adapter_after: string;
  step: number;
  submitter: string;
}

/** A step index in [0, 2^32) (exit 5) and a 160-bit submitter, as every training statement has them. */
export function stepAndSubmitterValues(
  raw: { step: bigint; submitter: string },
  prefix = "statement",
): { step: bigint; submitter: bigint } {
  if (raw.step < 0n || raw.step >= 1n << BigInt(STEP_BITS)) {
    fail("out_of_range", `${prefix}.step`, `${prefix}.step = ${raw.step} is outside [0, 2^${STEP_BITS})`);
  }
  const submitter = BigInt(raw.submitter);
  checkUnsignedRange(`${prefix}.submitter`, submitter, SUBMITTER_BITS);
  return { step: raw.step, submitter };
}

/** The statement's public values, range-checked (exit 5): commitments < p, step < 2^32, a 160-bit submitter. */
export function statementValues(raw: RawStatement, prefix = "statement"): StepStatement {
  for (const name of ["base_root", "dataset_root", "hparams_hash", "adapter_before", "adapter_after"] as const) {
    assertInField(`${prefix}.${name}`, raw[name]);
  }
  const { step, submitter } = stepAndSubmitterValues(raw, prefix);
  return {
    baseRoot: raw.base_root,
    datasetRoot: raw.dataset_root,
    hparamsHash: raw.hparams_hash,
    adapterBefore: raw.adapter_before,
    adapterAfter: raw.adapter_after,
    step,
    submitter,
  };
}

/** The public inputs of a merge, in PROTOCOL §9 order (from circuits/instances.json). */
export const MERGE_PUBLIC_INPUT_FIELDS = MERGE_PUBLIC_INPUTS.map(snakeCase);

/** A merge's public inputs, named: field elements as decimal strings. */
export interface NamedMergePublicInputs {
  base_root: string;
  adapter: string;
  hparams_hash: string;
  merged_root: string;
}

/** A merge statement's public values, range-checked (exit 5: each < p); merged_root may be absent. */
export function mergeStatementValues(
  raw: RawMergeStatement,
  prefix = "statement",
): Omit<MergeStatement, "mergedRoot"> & { mergedRoot: bigint | undefined } {
  for (const name of ["base_root", "adapter", "hparams_hash", "merged_root"] as const) {
    const value = raw[name];
    if (value !== undefined) assertInField(`${prefix}.${name}`, value);
  }
  return { baseRoot: raw.base_root, adapter: raw.adapter, hparamsHash: raw.hparams_hash, mergedRoot: raw.merged_root };
}

export function namedMergePublicInputs(statement: MergeStatement): NamedMergePublicInputs {
  return {
    base_root: commitmentText(statement.baseRoot),
    adapter: commitmentText(statement.adapter),
    hparams_hash: commitmentText(statement.hparamsHash),
    merged_root: commitmentText(statement.mergedRoot),
  };
}

/** Exit 5 for a value >= p: snarkjs would reduce it mod p, the Solidity verifier rejects it. */
export function assertInField(field: string, value: bigint): void {
  try {
    assertFieldElement(field, value);
  } catch (error) {
    fail("out_of_range", field, error instanceof Error ? error.message : String(error));
  }
}

export function namedPublicInputs(statement: StepStatement): NamedPublicInputs {
  return {
    base_root: commitmentText(statement.baseRoot),
    dataset_root: commitmentText(statement.datasetRoot),
    hparams_hash: commitmentText(statement.hparamsHash),
    adapter_before: commitmentText(statement.adapterBefore),
    adapter_after: commitmentText(statement.adapterAfter),
    step: Number(statement.step),
    submitter: addressOf(statement.submitter),
  };
}
