/**
 * `prove`: one JSON document (statement + witness) in, a Groth16 proof of the step out; or, when the
 * instance is a LoraMerge instance, of the merge (PROTOCOL §9: the exact merged weights of an adapter).
 *
 * Checks run in this order, each class with its exit code (src/cli/exitCodes.ts): malformed JSON (2),
 * missing or mistyped field (3), unknown instance (7: shapes come from the instance, so it is
 * resolved before them), wrong shape (4), value out of range or field element >= p (5), adapters
 * after not one step from before (6), statement not matching the witness (8), artifacts missing (9).
 */

import { readFileSync } from "node:fs";
import { z } from "zod";
import { PUBLIC_SIGNAL_NAMES, buildCircuitInput, publicSignals, batchPositions, commitDataset, LoraLedgerError, fromFixed, makeMerge, mergePublicSignals, type MergeStatement, StepRangeError, entryName, loraStep, findWitnessProblems, type WitnessProblem, MERGE_PUBLIC_INPUTS, type CircuitInstance, GROTH16_PROOF_BYTES, toSolidityProof, type Groth16Proof } from "../../protocol/index.js";
import { getInstance, instanceArtifacts, noProgress, type Progress, proveWithInstance, type ProofResult } from "../../node/index.js";
import type { StepShape, Example, StepStatement, StepWitness } from "../../protocol/index.js";
import { expected, fail, fieldElementSchema, parseWith } from "./json.js";
import {
  asMatrix,
  asVector,
  assertInField,
  checkDatasetSize,
  dims,
  encodeEntry,
  encodingSchema,
  fixedHparam,
  fixedMatrix,
  fixedVector,
  isMergeDocument,
  matrixSchema,
  mergeStatementSchema,
  mergeStatementValues,
  namedMergePublicInputs,
  namedPublicInputs,
  statementSchema,
  vectorSchema,
  statementValues,
  type Encoding,
  type Entry,
  type NamedMergePublicInputs,
  type NamedPublicInputs,
  type RawMatrix,
  type RawStatement,
} from "./values.js";

const headSchema = z.object(
  {
    instance: z.string({ error: expected("the name of a circuit instance") }),
    encoding: encodingSchema,
  },
  { error: expected("a JSON object") },
);

function proveSchema(encoding: Encoding) {
  const matrix = matrixSchema(encoding);
  const vector = vectorSchema(encoding);
  const example = z.object({ x: vector, t: vector }, { error: expected('an example {"x": [...], "t": [...]}') });
  const batchExample = z.object(
    {
      position: z.number({ error: expected("a non-negative integer") }).int().nonnegative(),
      x: vector,
      t: vector,
      siblings: z.array(fieldElementSchema, { error: expected("an array of field elements") }),
    },
    { error: expected('a batch example {"position", "x", "t", "siblings"}') },
  );
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    statement: statementSchema(encoding),
    witness: z.object(
      {
        base_weights: matrix,
        adapter_a: matrix,
        adapter_b: matrix,
        adapter_a_after: matrix,
        adapter_b_after: matrix,
        dataset: z.array(example, { error: expected("an array of examples") }).optional(),
        batch: z.array(batchExample, { error: expected("an array of batch examples") }).optional(),
      },
      { error: expected("an object") },
    ),
  });
}
type ProveDocument = z.output<ReturnType<typeof proveSchema>>;

/** A step checked and ready to prove: everything but the proof. */
export interface PreparedStep {
  readonly instance: CircuitInstance;
  readonly encoding: Encoding;
  readonly statement: StepStatement;
  readonly witness: StepWitness;
  readonly positions: readonly number[];
  readonly loss: number;
  /** the statement as given, completed (rank, alpha, learning_rate, dataset_size) and normalized */
  readonly normalizedStatement: NormalizedStatement;
}

export interface NormalizedStatement extends NamedPublicInputs {
  rank: number;
  alpha: number | string;
  learning_rate: number | string;
  dataset_size: number;
}

/** Arguments of the generated verifier's verifyProof(a, b, c, input), as decimal strings. */
export interface Calldata {
  a: [string, string];
  b: [[string, string], [string, string]];
  c: [string, string];
  input: string[];
}

/** What every proof answer's metadata has. */
export interface ProofMetadata {
  constraints: number;
  proof_size_bytes: number;
  witness_seconds: number;
  proving_seconds: number;
}

export interface ProveAnswer {
  success: true;
  instance: string;
  encoding: Encoding;
  statement: NormalizedStatement;
  proof: Groth16Proof;
  public_signals: string[];
  public_inputs: NamedPublicInputs;
  calldata: Calldata;
  metadata: ProofMetadata & {
    loss: number;
    batch_positions: number[];
  };
}

/** A merge statement as given, completed (merged_root, rank, hyperparameters) and normalized. */
export interface NormalizedMergeStatement extends NamedMergePublicInputs {
  rank: number;
  alpha: number | string;
  learning_rate: number | string;
  dataset_size: number;
}

/** The answer of `prove` for a merge: as for a step, plus the merged weights. */
export interface MergeProveAnswer {
  success: true;
  instance: string;
  encoding: Encoding;
  statement: NormalizedMergeStatement;
  proof: Groth16Proof;
  public_signals: string[];
  public_inputs: NamedMergePublicInputs;
  calldata: Calldata;
  /** W_eff = W0 + α B A exactly (PROTOCOL §9) */
  merged_weights: { values: string[][]; scale_bits: number; note: string };
  metadata: ProofMetadata;
}

interface ShapedExample {
  readonly field: string;
  readonly x: Entry[];
  readonly t: Entry[];
}

/** The field of the JSON input each library name stands for. */
const WITNESS_FIELDS = { aNext: "witness.adapter_a_after", bNext: "witness.adapter_b_after" } as const;

function stepMessage(problem: Extract<WitnessProblem, { kind: "step" }>, shape: StepShape, encoding: Encoding): string {
  const { check } = problem;
  const entry = entryName(WITNESS_FIELDS[check.field], check.index);
  const sign = check.difference > 0n ? "+" : "";
  if (encoding === "fixed") {
    return `${entry} is ${check.claimed} but one step from the adapters before gives ${check.expected} (off by ${sign}${check.difference})`;
  }
  return (
    `${entry} is ${fromFixed(check.claimed, shape.F)} but one step from the adapters before gives ` +
    `${fromFixed(check.expected, shape.F)} (fixed point ${check.claimed} vs ${check.expected}: off by ${sign}${check.difference} × 2^-${shape.F})`
  );
}

/** `statement.<name> is not the commitment of <what>: expected <computed> (computed from the witness), given <stated>`. */
function notTheCommitment(name: string, what: string, computed: bigint, stated: bigint): { field: string; message: string } {
  const field = `statement.${name}`;
  return { field, message: `${field} is not the commitment of ${what}: expected ${computed} (computed from the witness), given ${stated}` };
}

function hyperparameters(instance: CircuitInstance, alpha: bigint, lr: bigint, datasetSize: bigint): string {
  return `the hyperparameters (the shape of ${instance.name}, alpha ${alpha}, learning_rate ${lr} in fixed point, dataset_size ${datasetSize})`;
}

function commitmentMessage(
  problem: Extract<WitnessProblem, { kind: "commitment" }>,
  context: { instance: CircuitInstance; witness: StepWitness; datasetMode: boolean },
): { field: string; message: string } {
  const { computed, stated } = problem;
  switch (problem.input) {
    case "baseRoot":
      return notTheCommitment("base_root", "witness.base_weights", computed, stated);
    case "adapterBefore":
      return notTheCommitment("adapter_before", "witness.adapter_a and witness.adapter_b", computed, stated);
    case "adapterAfter":
      return notTheCommitment("adapter_after", "witness.adapter_a_after and witness.adapter_b_after", computed, stated);
    case "hparamsHash": {
      const { witness, instance } = context;
      return notTheCommitment("hparams_hash", hyperparameters(instance, witness.alpha, witness.lr, witness.datasetSize), computed, stated);
    }
    case "datasetRoot": {
      if (context.datasetMode || problem.example === undefined) {
        return notTheCommitment("dataset_root", `witness.dataset (${context.witness.datasetSize} examples)`, computed, stated);
      }
      const { index, position } = problem.example;
      return {
        field: "statement.dataset_root",
        message:
          `statement.dataset_root does not match witness.batch[${index}] (position ${position}): its leaf and siblings ` +
          `give ${problem.computed}, the statement gives ${problem.stated}`,
      };
    }
  }
}

function requireHparam(raw: Pick<RawStatement, "alpha" | "learning_rate">, name: "alpha" | "learning_rate"): Entry {
  const value = raw[name];
  if (value === undefined) {
    fail(
      "missing_field",
      `statement.${name}`,
      `statement.${name} is missing: prove needs the hyperparameters that hparams_hash commits to (alpha, learning_rate)`,
    );
  }
  return value;
}

/** Resolves the instance (exit 7) and checks the statement's rank and the shapes of W0, A and B (exit 4). */
function instanceAndAdapterShapes(
  instanceName: string,
  rank: number | undefined,
  rawWitness: { base_weights: RawMatrix; adapter_a: RawMatrix; adapter_b: RawMatrix },
) {
  const instance = getInstance(instanceName);
  const shape = instance.params;
  const d = dims(shape);
  if (rank !== undefined && rank !== shape.rank) {
    fail("wrong_shape", "statement.rank", `statement.rank is ${rank} but instance ${instance.name} has rank ${shape.rank}`);
  }
  return {
    instance,
    shape,
    d,
    w0Raw: asMatrix("witness.base_weights", rawWitness.base_weights, d.dOut, d.dIn),
    aRaw: asMatrix("witness.adapter_a", rawWitness.adapter_a, d.rank, d.dIn),
    bRaw: asMatrix("witness.adapter_b", rawWitness.adapter_b, d.dOut, d.rank),
  };
}

/** Phases 3 to 8: everything before the proof. Throws LoraLedgerError (or a library error mapped by the caller). */
export function prepareStep(document: unknown): PreparedStep {
  // 3: the document's structure.
  const head = parseWith(headSchema, document);
  const parsed: ProveDocument = parseWith(proveSchema(head.encoding), document);
  const { statement: raw, witness: rawWitness, encoding } = { ...parsed, encoding: head.encoding };
  if ((rawWitness.dataset === undefined) === (rawWitness.batch === undefined)) {
    fail(
      "missing_field",
      "witness.dataset",
      rawWitness.dataset === undefined
        ? "witness.dataset or witness.batch is missing: give the whole dataset, or the batch of this step with Merkle siblings"
        : "witness has both dataset and batch: give one of them",
    );
  }
  const rawAlpha = requireHparam(raw, "alpha");
  const rawLr = requireHparam(raw, "learning_rate");
  if (rawWitness.batch !== undefined && raw.dataset_size === undefined) {
    fail(
      "missing_field",
      "statement.dataset_size",
      "statement.dataset_size is missing: it is needed when the witness gives a batch instead of the whole dataset",
    );
  }

  // 7 (the instance fixes every shape), then 4 (shapes) for what steps and merges share.
  const { instance, shape, d, w0Raw, aRaw, bRaw } = instanceAndAdapterShapes(parsed.instance, raw.rank, rawWitness);
  const aNextRaw = asMatrix("witness.adapter_a_after", rawWitness.adapter_a_after, d.rank, d.dIn);
  const bNextRaw = asMatrix("witness.adapter_b_after", rawWitness.adapter_b_after, d.dOut, d.rank);
  const exampleShape = (field: string, x: Entry[], t: Entry[]): ShapedExample => ({
    field,
    x: asVector(`${field}.x`, x, d.dIn),
    t: asVector(`${field}.t`, t, d.dOut),
  });
  let shapedDataset: ShapedExample[] | undefined;
  let shapedBatch: (ShapedExample & { position: number; siblings: bigint[] })[] | undefined;
  if (rawWitness.dataset !== undefined) {
    const capacity = 2 ** shape.depth;
    if (rawWitness.dataset.length < 1 || rawWitness.dataset.length > capacity) {
      fail(
        "wrong_shape",
        "witness.dataset",
        `witness.dataset has ${rawWitness.dataset.length} examples; depth ${shape.depth} allows 1 to ${capacity}`,
      );
    }
    shapedDataset = rawWitness.dataset.map((example, m) => exampleShape(`witness.dataset[${m}]`, example.x, example.t));
  } else if (rawWitness.batch !== undefined) {
    const batch = asVector("witness.batch", rawWitness.batch, d.batch);
    shapedBatch = batch.map((example, j) => ({
      ...exampleShape(`witness.batch[${j}]`, example.x, example.t),
      position: example.position,
      siblings: asVector(`witness.batch[${j}].siblings`, example.siblings, d.depth),
    }));
  }

  // 5: ranges (field elements < p, fixed-point ranges, hyperparameters, step, dataset size).
  const statement = statementValues(raw);
  const alpha = fixedHparam("statement.alpha", rawAlpha, shape.F);
  const lr = fixedHparam("statement.learning_rate", rawLr, shape.F);
  const w0 = fixedMatrix("witness.base_weights", w0Raw, shape.FW, shape.wBits);
  const a = fixedMatrix("witness.adapter_a", aRaw, shape.F, shape.aBits);
  const b = fixedMatrix("witness.adapter_b", bRaw, shape.F, shape.aBits);
  const aNext = fixedMatrix("witness.adapter_a_after", aNextRaw, shape.F, shape.aBits);
  const bNext = fixedMatrix("witness.adapter_b_after", bNextRaw, shape.F, shape.aBits);
  const toExample = (example: ShapedExample): Example => ({
    x: fixedVector(`${example.field}.x`, example.x, shape.F, shape.xBits),
    t: fixedVector(`${example.field}.t`, example.t, shape.F, shape.xBits),
  });

  let datasetSize: bigint;
  let examples: Example[];
  let siblings: bigint[][];
  let positions: number[];
  const mismatches: { field: string; message: string }[] = [];
  if (shapedDataset !== undefined) {
    const dataset = shapedDataset.map(toExample);
    const committed = commitDataset(dataset, shape);
    datasetSize = committed.size;
    if (raw.dataset_size !== undefined && raw.dataset_size !== datasetSize) {
      mismatches.push({
        field: "statement.dataset_size",
        message: `statement.dataset_size is ${raw.dataset_size} but witness.dataset has ${datasetSize} examples`,
      });
    }
    positions = batchPositions(statement.step, shape, datasetSize);
    examples = positions.map((position) => dataset[position] as Example);
    siblings = positions.map((position) => committed.tree.proof(position).siblings);
  } else {
    const batch = shapedBatch ?? [];
    datasetSize = raw.dataset_size ?? 0n;
    checkDatasetSize("statement.dataset_size", datasetSize, shape);
    examples = batch.map(toExample);
    siblings = batch.map((example, j) =>
      example.siblings.map((sibling, level) => {
        assertInField(`witness.batch[${j}].siblings[${level}]`, sibling);
        return sibling;
      }),
    );
    positions = batchPositions(statement.step, shape, datasetSize);
    batch.forEach((example, j) => {
      if (example.position !== positions[j]) {
        mismatches.push({
          field: `witness.batch[${j}].position`,
          message:
            `witness.batch[${j}].position is ${example.position} but step ${statement.step} with dataset_size ${datasetSize} ` +
            `selects position ${positions[j]} (PROTOCOL §6: (step × batch + j) mod dataset_size)`,
        });
      }
    });
  }
  const witness: StepWitness = { w0, a, b, aNext, bNext, alpha, lr, datasetSize, examples, siblings };

  // 6 and 8: the step, then the statement against the witness.
  let problems: WitnessProblem[];
  let loss: number;
  try {
    problems = findWitnessProblems(shape, statement, witness);
    loss = loraStep({ shape, w0, a, b, alpha, lr, xs: examples.map((e) => e.x), ts: examples.map((e) => e.t) }).loss;
  } catch (error) {
    if (error instanceof StepRangeError) {
      const field = entryName(WITNESS_FIELDS[error.field === "bNext" ? "bNext" : "aNext"], error.index);
      fail(
        "out_of_range",
        field,
        `one step from the adapters before takes ${field} to ${error.value}, outside the ${shape.aBits}-bit adapter range ` +
          `[${error.min}, ${error.max}]: this step cannot be proven (lower the learning rate)`,
      );
    }
    throw error;
  }
  for (const problem of problems) {
    if (problem.kind === "step") {
      const hparamsToo = problems.some((p) => p.kind === "commitment" && p.input === "hparamsHash");
      fail(
        "not_one_step",
        entryName(WITNESS_FIELDS[problem.check.field], problem.check.index),
        stepMessage(problem, shape, encoding) +
          (hparamsToo ? " (statement.hparams_hash does not match alpha, learning_rate and dataset_size either: check them)" : ""),
      );
    }
  }
  const firstMismatch = mismatches[0];
  if (firstMismatch !== undefined) fail("statement_mismatch", firstMismatch.field, firstMismatch.message);
  for (const problem of problems) {
    if (problem.kind === "commitment") {
      const { field, message } = commitmentMessage(problem, { instance, witness, datasetMode: shapedDataset !== undefined });
      fail("statement_mismatch", field, message);
    }
    fail("statement_mismatch", "witness", problem.message);
  }

  const normalizedStatement: NormalizedStatement = {
    ...namedPublicInputs(statement),
    rank: shape.rank,
    alpha: encodeEntry(alpha, shape.F, encoding),
    learning_rate: encodeEntry(lr, shape.F, encoding),
    dataset_size: Number(datasetSize),
  };
  return { instance, encoding, statement, witness, positions, loss, normalizedStatement };
}

const manifestSchema = z.object({ constraints: z.number().int().nonnegative() });

function constraintCount(instance: CircuitInstance): number {
  const file = instanceArtifacts(instance.name).manifest;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new LoraLedgerError(
      "artifacts_missing",
      `build/circuits/${instance.name}/manifest.json is missing: build the instance first with \`npm run build:circuits -- ${instance.name}\``,
      "instance",
    );
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`build/circuits/${instance.name}/manifest.json has no constraint count`);
  return parsed.data.constraints;
}

/** Proves a circuit input with the instance, progress on stderr, and checks the public signals. */
async function proveChecked(
  instance: CircuitInstance,
  circuitInput: Record<string, unknown>,
  expectedSignals: readonly bigint[],
  signalNames: readonly string[],
  progress: Progress,
): Promise<{ result: ProofResult; constraints: number; calldata: Calldata; metadata: ProofMetadata }> {
  const constraints = constraintCount(instance);
  progress.step(`computing the witness and proving (${constraints} constraints)`);
  const result = await proveWithInstance(instance.name, circuitInput);
  progress.done(`witness ${result.witnessSeconds.toFixed(2)} s, proof ${result.provingSeconds.toFixed(2)} s`);

  const expectedText = expectedSignals.map((v) => v.toString());
  const differing = expectedText.findIndex((value, i) => result.publicSignals[i] !== value);
  if (differing !== -1 || result.publicSignals.length !== expectedText.length) {
    throw new Error(`the circuit's public signals differ from the statement at ${signalNames[differing] ?? "their count"}; is the build current?`);
  }
  const solidity = toSolidityProof(result.proof);
  const dec = (v: bigint): string => v.toString();
  return {
    result,
    constraints,
    calldata: {
      a: [dec(solidity.a[0]), dec(solidity.a[1])],
      b: [
        [dec(solidity.b[0][0]), dec(solidity.b[0][1])],
        [dec(solidity.b[1][0]), dec(solidity.b[1][1])],
      ],
      c: [dec(solidity.c[0]), dec(solidity.c[1])],
      input: expectedText,
    },
    metadata: {
      constraints,
      proof_size_bytes: GROTH16_PROOF_BYTES,
      witness_seconds: result.witnessSeconds,
      proving_seconds: result.provingSeconds,
    },
  };
}

/** Checks a prove document and proves it: a step, or a merge when the instance is a LoraMerge instance. */
export async function proveDocument(document: unknown, progress: Progress = noProgress): Promise<ProveAnswer | MergeProveAnswer> {
  return isMergeDocument(document) ? proveMergeDocument(document, progress) : proveStepDocument(document, progress);
}

/** Checks a step's prove document and proves it. */
export async function proveStepDocument(document: unknown, progress: Progress = noProgress): Promise<ProveAnswer> {
  const prepared = prepareStep(document);
  const { instance, statement, witness } = prepared;
  const shape = instance.params;
  progress.step(
    `${instance.name}: d_in ${shape.dIn}, d_out ${shape.dOut}, rank ${shape.rank}, batch ${shape.batch} at positions ` +
      `${prepared.positions.join(", ")} of ${witness.datasetSize}; the witness proves the statement (loss ${prepared.loss.toPrecision(6)})`,
  );
  const circuitInput = buildCircuitInput(shape, statement, witness);
  const proven = await proveChecked(instance, circuitInput, publicSignals(statement), PUBLIC_SIGNAL_NAMES, progress);
  return {
    success: true,
    instance: instance.name,
    encoding: prepared.encoding,
    statement: prepared.normalizedStatement,
    proof: proven.result.proof,
    public_signals: proven.result.publicSignals,
    public_inputs: namedPublicInputs(statement),
    calldata: proven.calldata,
    metadata: { ...proven.metadata, loss: prepared.loss, batch_positions: [...prepared.positions] },
  };
}

// -------------------------------------------------------------------------------------------------
// Merges (PROTOCOL §9)
// -------------------------------------------------------------------------------------------------

function proveMergeSchema(encoding: Encoding) {
  const matrix = matrixSchema(encoding);
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    statement: mergeStatementSchema(encoding, true),
    witness: z.object({ base_weights: matrix, adapter_a: matrix, adapter_b: matrix }, { error: expected("an object") }),
  });
}

/** A merge checked and ready to prove: everything but the proof. */
export interface PreparedMerge {
  readonly instance: CircuitInstance;
  readonly encoding: Encoding;
  readonly statement: MergeStatement;
  /** W_eff = W0 + α B A, integers at scale 2^3F */
  readonly merged: bigint[][];
  readonly circuitInput: Record<string, unknown>;
  readonly normalizedStatement: NormalizedMergeStatement;
}

/**
 * A merge document's checks, in the order of a step's: fields (3), instance (7), shapes (4), ranges
 * (5), the statement against the witness (8: base_root, adapter, hparams_hash, then merged_root when
 * given; it is computed when omitted).
 */
export function prepareMerge(document: unknown): PreparedMerge {
  // 3
  const head = parseWith(headSchema, document);
  const parsed = parseWith(proveMergeSchema(head.encoding), document);
  const { statement: raw, witness: rawWitness } = parsed;
  const encoding = head.encoding;
  const rawAlpha = requireHparam(raw, "alpha");
  const rawLr = requireHparam(raw, "learning_rate");
  const rawSize = raw.dataset_size;
  if (rawSize === undefined) {
    fail("missing_field", "statement.dataset_size", "statement.dataset_size is missing: prove needs it, hparams_hash commits to it");
  }

  // 7 (the instance fixes every shape), then 4 (shapes) for what steps and merges share.
  const { instance, shape, w0Raw, aRaw, bRaw } = instanceAndAdapterShapes(parsed.instance, raw.rank, rawWitness);

  // 5
  const given = mergeStatementValues(raw);
  const alpha = fixedHparam("statement.alpha", rawAlpha, shape.F);
  const lr = fixedHparam("statement.learning_rate", rawLr, shape.F);
  checkDatasetSize("statement.dataset_size", rawSize, shape);
  const w0 = fixedMatrix("witness.base_weights", w0Raw, shape.FW, shape.wBits);
  const a = fixedMatrix("witness.adapter_a", aRaw, shape.F, shape.aBits);
  const b = fixedMatrix("witness.adapter_b", bRaw, shape.F, shape.aBits);

  // 8
  const made = makeMerge({ shape, w0, a, b, alpha, lr, datasetSize: rawSize });
  const computed = made.statement;
  const mismatches = [
    { name: "base_root", what: "witness.base_weights", computed: computed.baseRoot, stated: given.baseRoot },
    { name: "adapter", what: "witness.adapter_a and witness.adapter_b", computed: computed.adapter, stated: given.adapter },
    { name: "hparams_hash", what: hyperparameters(instance, alpha, lr, rawSize), computed: computed.hparamsHash, stated: given.hparamsHash },
    {
      name: "merged_root",
      what: "the merged weights W0 + alpha B A of the witness (PROTOCOL §9)",
      computed: computed.mergedRoot,
      stated: given.mergedRoot ?? computed.mergedRoot,
    },
  ];
  for (const mismatch of mismatches) {
    if (mismatch.computed !== mismatch.stated) {
      const { field, message } = notTheCommitment(mismatch.name, mismatch.what, mismatch.computed, mismatch.stated);
      fail("statement_mismatch", field, message);
    }
  }
  return {
    instance,
    encoding,
    statement: computed,
    merged: made.merged,
    circuitInput: made.circuitInput,
    normalizedStatement: {
      ...namedMergePublicInputs(computed),
      rank: shape.rank,
      alpha: encodeEntry(alpha, shape.F, encoding),
      learning_rate: encodeEntry(lr, shape.F, encoding),
      dataset_size: Number(rawSize),
    },
  };
}

/** Checks a merge's prove document and proves it. */
export async function proveMergeDocument(document: unknown, progress: Progress = noProgress): Promise<MergeProveAnswer> {
  const prepared = prepareMerge(document);
  const { instance, statement } = prepared;
  const shape = instance.params;
  progress.step(
    `${instance.name}: merging a rank-${shape.rank} adapter into ${shape.dOut}x${shape.dIn} base weights; ` +
      `the witness gives merged root ${statement.mergedRoot}`,
  );
  const proven = await proveChecked(instance, prepared.circuitInput, mergePublicSignals(statement), MERGE_PUBLIC_INPUTS, progress);
  const scaleBits = 3 * shape.F;
  return {
    success: true,
    instance: instance.name,
    encoding: prepared.encoding,
    statement: prepared.normalizedStatement,
    proof: proven.result.proof,
    public_signals: proven.result.publicSignals,
    public_inputs: namedMergePublicInputs(statement),
    calldata: proven.calldata,
    merged_weights: {
      values: prepared.merged.map((row) => row.map((value) => value.toString())),
      scale_bits: scaleBits,
      note:
        `W_eff = W0 + alpha B A exactly, d_out rows x d_in: integers at scale 2^${scaleBits} (2^3F, F = ${shape.F}); ` +
        `the real weight is value / 2^${scaleBits}. merged_root commits to them (PROTOCOL §9)`,
    },
    metadata: proven.metadata,
  };
}
