/**
 * `prove` for version 2's statements that are public inputs only (PROTOCOL §11–§13): a run's start
 * (LoraRunStart), a block of the base projection (BaseProjectionBlock) and a block of the merge
 * (LoraMergeBlock). Checked in the order of a step's: fields (3), instance (7), shapes (4), ranges (5),
 * the statement against the witness (8: each commitment, expected vs given; those the statement omits
 * are computed), then proven.
 */
import { z } from "zod";
import {
  baseProjection,
  canonicalAdapter,
  commitBase,
  decimalRecord,
  mergeBlockInput,
  mergeInBlocks,
  orderedPublicSignals,
  projectionBlockInput,
  runStartStatement,
  type CircuitInstance,
  type RunConfig,
} from "../../../protocol/index.js";
import { getInstance, noProgress, type Progress } from "../../../node/index.js";
import { expected, fail, parseWith } from "../json.js";
import {
  documentFieldName,
  normalizedPublicStatement,
  publicStatementSchema,
  publicStatementValues,
  type PublicStatementTemplate,
  type PublicStatementValues,
  type RawPublicStatement,
} from "../runStatements.js";
import { asMatrix, dims, encodingSchema, fixedMatrix, matrixSchema, type Encoding } from "../values.js";
import type { PreparedRunProof, RunProveAnswer } from "./answers.js";
import { headSchema, shapeAdapter } from "./document.js";
import { notTheCommitment } from "./messages.js";
import { proveRun } from "./proof.js";

/** Phase 3: the document's structure, its statement the template's. */
function parsePublicDocument<W extends z.ZodType>(
  template: PublicStatementTemplate,
  document: unknown,
  witness: (encoding: Encoding) => W,
) {
  const { encoding } = parseWith(headSchema, document);
  const parsed = parseWith(
    z.object({
      instance: z.string(),
      encoding: encodingSchema,
      statement: publicStatementSchema(template, encoding, true),
      witness: witness(encoding),
    }),
    document,
  );
  // A start's witness schema accepts anything, which zod types as an optional key.
  const given = (parsed as { witness?: unknown }).witness as z.output<W>;
  return { encoding, instanceName: parsed.instance, raw: parsed.statement, witness: given };
}

function witnessSchema<S extends z.ZodRawShape>(fields: (matrix: ReturnType<typeof matrixSchema>) => S) {
  return (encoding: Encoding) => z.object(fields(matrixSchema(encoding)), { error: expected("an object") });
}

/**
 * Phase 8: each public input the statement gives must be the one computed from the witness, in the
 * template's order; `what` says what each is the commitment of.
 */
function checkAgainstComputed(
  given: PublicStatementValues,
  computed: object,
  what: Readonly<Record<string, string>>,
): void {
  for (const [input, value] of Object.entries(computed)) {
    const stated = given[input];
    if (typeof value === "bigint" && stated !== undefined && stated !== value) {
      const { field, message } = notTheCommitment(
        documentFieldName(input),
        what[input] ?? "the witness",
        value,
        stated,
      );
      fail("statement_mismatch", field, message);
    }
  }
}

/** A value the statement must give (its schema requires it); undefined only for derived inputs. */
function required(values: PublicStatementValues, input: string): bigint {
  const value = values[input];
  if (value === undefined) throw new Error(`the statement has no ${input}`);
  return value;
}

function prepared(
  template: PublicStatementTemplate,
  instance: CircuitInstance,
  encoding: Encoding,
  statement: object,
  circuitInput: Record<string, unknown>,
  summary: string,
): PreparedRunProof {
  return {
    instance,
    template,
    encoding,
    signals: orderedPublicSignals(template, statement),
    circuitInput,
    normalizedStatement: normalizedPublicStatement(template, statement, instance, encoding),
    summary,
    metadata: {},
  };
}

/** The run configuration a start statement gives in the clear. */
function configOf(values: PublicStatementValues): RunConfig {
  return {
    baseRoot: required(values, "baseRoot"),
    datasetRoot: required(values, "datasetRoot"),
    projection: required(values, "projectionId"),
    alpha: required(values, "alpha"),
    lr: required(values, "lr"),
  };
}

/**
 * A run's start (PROTOCOL §12): no witness. From a seed (from_head 0), adapter_start is the canonical
 * initialization of the seed; from a verified head (from_head 1), seed is 0 and adapter_start is the
 * head's, which the registry checks. run_config and, from a seed, adapter_start are computed when omitted.
 */
export function prepareRunStart(document: unknown): PreparedRunProof {
  // 3
  const parsed = parsePublicDocument("LoraRunStart", document, () => z.unknown().optional());
  const raw: RawPublicStatement = parsed.raw;
  if (raw.from_head === 1n && raw.adapter_start === undefined) {
    fail(
      "missing_field",
      "statement.adapter_start",
      "statement.adapter_start is missing: a run that continues from a verified head (from_head 1) names the head's adapter",
    );
  }
  // 7 (there are no shapes: no witness)
  const instance = getInstance(parsed.instanceName);
  // 5
  const values = publicStatementValues("LoraRunStart", raw, instance);
  // 8
  const config = configOf(values);
  const seed = required(values, "seed");
  const fromHead = required(values, "fromHead") === 1n;
  if (fromHead && seed !== 0n) {
    fail(
      "statement_mismatch",
      "statement.seed",
      `statement.seed is ${seed} but a run that continues from a verified head (from_head 1) has seed 0 (PROTOCOL §12)`,
    );
  }
  const statement = fromHead
    ? runStartStatement(config, { parentHead: required(values, "adapterStart") })
    : runStartStatement(config, { seed, adapterStart: canonicalAdapter(seed, instance.params) });
  checkAgainstComputed(values, statement, {
    runConfig: "the run configuration (base_root, dataset_root, projection_id, alpha, learning_rate; PROTOCOL §12)",
    adapterStart: `the canonical initialization of seed ${seed} (B = 0, A from the seed; PROTOCOL §12)`,
  });
  return prepared(
    "LoraRunStart",
    instance,
    parsed.encoding,
    statement,
    decimalRecord(statement),
    fromHead ? "a run that continues from a verified head" : `a run from the canonical initialization of seed ${seed}`,
  );
}

const baseWitness = witnessSchema((matrix) => ({ base_weights: matrix }));
const mergeWitness = witnessSchema((matrix) => ({ base_weights: matrix, adapter_a: matrix, adapter_b: matrix }));

/**
 * One column block of the base projection (PROTOCOL §11): the witness is the whole base layer W0, from
 * which base_root, the projection w and its accumulators acc_in, acc_out (computed when omitted) follow.
 */
export function prepareProjectionBlock(document: unknown): PreparedRunProof {
  // 3
  const parsed = parsePublicDocument("BaseProjectionBlock", document, baseWitness);
  // 7, 4
  const instance = getInstance(parsed.instanceName);
  const shape = instance.params;
  const d = dims(shape);
  const w0Raw = asMatrix("witness.base_weights", parsed.witness.base_weights, d.dOut, d.dIn);
  // 5
  const values = publicStatementValues("BaseProjectionBlock", parsed.raw, instance);
  const w0 = fixedMatrix("witness.base_weights", w0Raw, shape.FW, shape.wBits);
  // 8
  const base = commitBase(w0, shape);
  const datasetRoot = required(values, "datasetRoot");
  const index = Number(required(values, "blockIndex"));
  checkAgainstComputed(values, { baseRoot: base.root }, { baseRoot: "witness.base_weights (PROTOCOL §11)" });
  const block = projectionBlockInput(w0, base, baseProjection(w0, base, datasetRoot), datasetRoot, index);
  checkAgainstComputed(values, block.statement, {
    accIn: `the projection's chain over the blocks before block ${index} (PROTOCOL §11)`,
    accOut: `the projection's chain through block ${index} (PROTOCOL §11)`,
  });
  return prepared(
    "BaseProjectionBlock",
    instance,
    parsed.encoding,
    block.statement,
    block.circuitInput,
    `block ${index} of ${base.layout.blocks} of the base projection (${shape.dOut} x ${base.layout.columns} weights)`,
  );
}

/**
 * One column block of the merged weights W0 + α B A (PROTOCOL §13): base_root and adapter are checked
 * against the witness, acc_in and acc_out computed when omitted; the answer carries the block's weights.
 */
export function prepareMergeBlock(document: unknown): PreparedRunProof {
  // 3
  const parsed = parsePublicDocument("LoraMergeBlock", document, mergeWitness);
  // 7, 4
  const instance = getInstance(parsed.instanceName);
  const shape = instance.params;
  const d = dims(shape);
  const w0Raw = asMatrix("witness.base_weights", parsed.witness.base_weights, d.dOut, d.dIn);
  const adapterRaw = shapeAdapter(d, parsed.witness, "");
  // 5
  const values = publicStatementValues("LoraMergeBlock", parsed.raw, instance);
  const w0 = fixedMatrix("witness.base_weights", w0Raw, shape.FW, shape.wBits);
  const a = fixedMatrix("witness.adapter_a", adapterRaw.a, shape.F, shape.aBits);
  const b = fixedMatrix("witness.adapter_b", adapterRaw.b, shape.F, shape.aBits);
  // 8
  const alpha = required(values, "alpha");
  const index = Number(required(values, "blockIndex"));
  const base = commitBase(w0, shape);
  const merged = mergeInBlocks(shape, w0, a, b, alpha);
  const block = mergeBlockInput(shape, { w0, a, b, alpha, base, merged }, index);
  checkAgainstComputed(values, block.statement, {
    baseRoot: "witness.base_weights (PROTOCOL §11)",
    adapter: "witness.adapter_a and witness.adapter_b",
    accIn: `the merged model's chain over the blocks before block ${index} (PROTOCOL §13)`,
    accOut: `the merged model's chain through block ${index}: W0 + alpha B A of the witness (PROTOCOL §13)`,
  });
  const { columns } = merged.layout;
  const scaleBits = 3 * shape.F;
  return {
    ...prepared(
      "LoraMergeBlock",
      instance,
      parsed.encoding,
      block.statement,
      block.circuitInput,
      `block ${index} of ${merged.layout.blocks} of the merge of a rank-${shape.rank} adapter (${shape.dOut} x ${columns} weights)`,
    ),
    mergedWeights: {
      values: merged.merged.map((row) => row.slice(index * columns, (index + 1) * columns).map(String)),
      scale_bits: scaleBits,
      note:
        `column block ${index} of W_eff = W0 + alpha B A exactly, d_out rows x ${columns} columns (input features ` +
        `${index * columns} to ${(index + 1) * columns - 1}): integers at scale 2^${scaleBits} (2^3F, F = ${shape.F}); ` +
        `the real weight is value / 2^${scaleBits} (PROTOCOL §13)`,
    },
  };
}

const PREPARE: Record<PublicStatementTemplate, (document: unknown) => PreparedRunProof> = {
  LoraRunStart: prepareRunStart,
  BaseProjectionBlock: prepareProjectionBlock,
  LoraMergeBlock: prepareMergeBlock,
};

/** Checks a start, projection block or merge block document and proves it. */
export async function provePublicStatementDocument(
  template: PublicStatementTemplate,
  document: unknown,
  progress: Progress = noProgress,
): Promise<RunProveAnswer> {
  return proveRun(PREPARE[template](document), progress);
}
