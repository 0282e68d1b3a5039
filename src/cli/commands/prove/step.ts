/** `prove` for a training step (PROTOCOL §3–§7): the document checked phase by phase, then proven. */
import {
  PUBLIC_SIGNAL_NAMES,
  buildCircuitInput,
  publicSignals,
  batchPositions,
  commitDataset,
  StepRangeError,
  entryName,
  loraStep,
  findWitnessProblems,
  type WitnessProblem,
  type CircuitInstance,
  type StepShape,
  type Example,
  type StepStatement,
  type StepWitness,
} from "../../../protocol/index.js";
import { noProgress, type Progress } from "../../../node/index.js";
import { fail, parseWith } from "../json.js";
import {
  asVector,
  assertInField,
  checkDatasetSize,
  encodeEntry,
  fixedHparam,
  fixedMatrix,
  fixedVector,
  namedPublicInputs,
  statementValues,
  type Encoding,
  type Entry,
} from "../values.js";
import {
  checkDatasetLength,
  headSchema,
  instanceAndAdapterShapes,
  proveSchema,
  requireHparam,
  requireOneExampleSource,
  requireSizeWithBatches,
  shapeAdapter,
  type ProveDocument,
} from "./document.js";
import { WITNESS_FIELDS, commitmentMessage, stepMessage } from "./messages.js";
import type { NormalizedStatement, PreparedStep, ProveAnswer } from "./answers.js";
import { proveChecked } from "./proof.js";

interface ShapedExample {
  readonly field: string;
  readonly x: Entry[];
  readonly t: Entry[];
}

type ShapedBatchExample = ShapedExample & { readonly position: number; readonly siblings: bigint[] };

/** Where the step's examples come from: the whole dataset, or the step's batch with Merkle siblings. */
type ExampleSource =
  | { readonly kind: "dataset"; readonly examples: ShapedExample[] }
  | { readonly kind: "batch"; readonly examples: ShapedBatchExample[] };

/** A value of the statement that contradicts the witness, reported after the step itself is checked. */
interface Mismatch {
  readonly field: string;
  readonly message: string;
}

/** Phase 3: the document's structure; the witness gives the whole dataset or the batch, not both. */
function parseStepDocument(document: unknown) {
  const head = parseWith(headSchema, document);
  const parsed: ProveDocument = parseWith(proveSchema(head.encoding), document);
  const { statement: raw, witness: rawWitness } = parsed;
  requireOneExampleSource(rawWitness, rawWitness.batch, "batch");
  const rawAlpha = requireHparam(raw, "alpha");
  const rawLr = requireHparam(raw, "learning_rate");
  requireSizeWithBatches(rawWitness.batch, "batch", raw.dataset_size);
  return { instanceName: parsed.instance, encoding: head.encoding, raw, rawWitness, rawAlpha, rawLr };
}

/** Phases 7 then 4: the instance fixes every shape; each matrix and example must have it. */
function shapeStepWitness(parsed: ReturnType<typeof parseStepDocument>) {
  const { raw, rawWitness } = parsed;
  const { instance, shape, d, w0Raw, aRaw, bRaw } = instanceAndAdapterShapes(parsed.instanceName, raw.rank, rawWitness);
  const { a: aNextRaw, b: bNextRaw } = shapeAdapter(d, rawWitness, "_after");
  const exampleShape = (field: string, x: Entry[], t: Entry[]): ShapedExample => ({
    field,
    x: asVector(`${field}.x`, x, d.dIn),
    t: asVector(`${field}.t`, t, d.dOut),
  });
  let source: ExampleSource;
  if (rawWitness.dataset !== undefined) {
    checkDatasetLength("witness.dataset", rawWitness.dataset.length, shape.depth);
    source = {
      kind: "dataset",
      examples: rawWitness.dataset.map((example, m) => exampleShape(`witness.dataset[${m}]`, example.x, example.t)),
    };
  } else {
    const batch = asVector("witness.batch", rawWitness.batch ?? [], d.batch);
    source = {
      kind: "batch",
      examples: batch.map((example, j) => ({
        ...exampleShape(`witness.batch[${j}]`, example.x, example.t),
        position: example.position,
        siblings: asVector(`witness.batch[${j}].siblings`, example.siblings, d.depth),
      })),
    };
  }
  return { instance, shape, w0Raw, aRaw, bRaw, aNextRaw, bNextRaw, source };
}

/** Phase 5: every value in its range (field elements < p, fixed-point ranges, hyperparameters). */
function stepValuesInRange(parsed: ReturnType<typeof parseStepDocument>, shaped: ReturnType<typeof shapeStepWitness>) {
  const { shape } = shaped;
  return {
    alpha: fixedHparam("statement.alpha", parsed.rawAlpha, shape.F),
    lr: fixedHparam("statement.learning_rate", parsed.rawLr, shape.F),
    w0: fixedMatrix("witness.base_weights", shaped.w0Raw, shape.FW, shape.wBits),
    a: fixedMatrix("witness.adapter_a", shaped.aRaw, shape.F, shape.aBits),
    b: fixedMatrix("witness.adapter_b", shaped.bRaw, shape.F, shape.aBits),
    aNext: fixedMatrix("witness.adapter_a_after", shaped.aNextRaw, shape.F, shape.aBits),
    bNext: fixedMatrix("witness.adapter_b_after", shaped.bNextRaw, shape.F, shape.aBits),
  };
}

/**
 * Phase 5 for the examples, and the batch the step selects (PROTOCOL §6): from the whole dataset, or
 * the given batch, whose positions must be the selected ones (a mismatch is reported in phase 8).
 */
function selectBatch(
  shape: StepShape,
  statement: StepStatement,
  statedSize: bigint | undefined,
  source: ExampleSource,
) {
  const toExample = (example: ShapedExample): Example => ({
    x: fixedVector(`${example.field}.x`, example.x, shape.F, shape.xBits),
    t: fixedVector(`${example.field}.t`, example.t, shape.F, shape.xBits),
  });
  const mismatches: Mismatch[] = [];
  if (source.kind === "dataset") {
    // A stated size outside [1, 2^depth] is out of range (exit 5) before it is compared (exit 8).
    if (statedSize !== undefined) checkDatasetSize("statement.dataset_size", statedSize, shape);
    const dataset = source.examples.map(toExample);
    const committed = commitDataset(dataset, shape);
    const datasetSize = committed.size;
    if (statedSize !== undefined && statedSize !== datasetSize) {
      mismatches.push({
        field: "statement.dataset_size",
        message: `statement.dataset_size is ${statedSize} but witness.dataset has ${datasetSize} examples`,
      });
    }
    const positions = batchPositions(statement.step, shape, datasetSize);
    return {
      datasetSize,
      positions,
      examples: positions.map((position) => dataset[position] as Example),
      siblings: positions.map((position) => committed.tree.proof(position).siblings),
      mismatches,
    };
  }
  const datasetSize = statedSize ?? 0n;
  checkDatasetSize("statement.dataset_size", datasetSize, shape);
  const examples = source.examples.map(toExample);
  const siblings = source.examples.map((example, j) =>
    example.siblings.map((sibling, level) => {
      assertInField(`witness.batch[${j}].siblings[${level}]`, sibling);
      return sibling;
    }),
  );
  const positions = batchPositions(statement.step, shape, datasetSize);
  source.examples.forEach((example, j) => {
    if (example.position !== positions[j]) {
      mismatches.push({
        field: `witness.batch[${j}].position`,
        message:
          `witness.batch[${j}].position is ${example.position} but step ${statement.step} with dataset_size ${datasetSize} ` +
          `selects position ${positions[j]} (PROTOCOL §6: (step × batch + j) mod dataset_size)`,
      });
    }
  });
  return { datasetSize, positions, examples, siblings, mismatches };
}

/** Phase 6: the witness problems and the batch loss; an update that leaves the adapter range is exit 5. */
function stepProblems(shape: StepShape, statement: StepStatement, witness: StepWitness) {
  try {
    const problems = findWitnessProblems(shape, statement, witness);
    const { w0, a, b, alpha, lr, examples } = witness;
    const loss = loraStep({
      shape,
      w0,
      a,
      b,
      alpha,
      lr,
      xs: examples.map((e) => e.x),
      ts: examples.map((e) => e.t),
    }).loss;
    return { problems, loss };
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
}

/**
 * Phases 6 and 8, in that order: the adapters after must be one step from before (exit 6), then every
 * statement value must match the witness (exit 8): stated size and positions first, then commitments.
 */
function reportProblems(
  problems: readonly WitnessProblem[],
  mismatches: readonly Mismatch[],
  context: { instance: CircuitInstance; witness: StepWitness; encoding: Encoding; datasetMode: boolean },
): void {
  const { instance, witness, encoding } = context;
  for (const problem of problems) {
    if (problem.kind === "step") {
      const hparamsToo = problems.some((p) => p.kind === "commitment" && p.input === "hparamsHash");
      fail(
        "not_one_step",
        entryName(WITNESS_FIELDS[problem.check.field], problem.check.index),
        stepMessage(problem, instance.params, encoding) +
          (hparamsToo
            ? " (statement.hparams_hash does not match alpha, learning_rate and dataset_size either: check them)"
            : ""),
      );
    }
  }
  const firstMismatch = mismatches[0];
  if (firstMismatch !== undefined) fail("statement_mismatch", firstMismatch.field, firstMismatch.message);
  for (const problem of problems) {
    if (problem.kind === "commitment") {
      const { field, message } = commitmentMessage(problem, { instance, witness, datasetMode: context.datasetMode });
      fail("statement_mismatch", field, message);
    }
    fail("statement_mismatch", "witness", problem.message);
  }
}

/** Phases 3 to 8: everything before the proof. Throws LoraLedgerError (or a library error the CLI classifies). */
export function prepareStep(document: unknown): PreparedStep {
  const parsed = parseStepDocument(document);
  const shaped = shapeStepWitness(parsed);
  const { instance, shape } = shaped;
  const { encoding } = parsed;
  const statement = statementValues(parsed.raw);
  const values = stepValuesInRange(parsed, shaped);
  const batch = selectBatch(shape, statement, parsed.raw.dataset_size, shaped.source);
  const witness: StepWitness = {
    ...values,
    datasetSize: batch.datasetSize,
    examples: batch.examples,
    siblings: batch.siblings,
  };
  const { problems, loss } = stepProblems(shape, statement, witness);
  reportProblems(problems, batch.mismatches, {
    instance,
    witness,
    encoding,
    datasetMode: shaped.source.kind === "dataset",
  });

  const normalizedStatement: NormalizedStatement = {
    ...namedPublicInputs(statement),
    rank: shape.rank,
    alpha: encodeEntry(values.alpha, shape.F, encoding),
    learning_rate: encodeEntry(values.lr, shape.F, encoding),
    dataset_size: Number(batch.datasetSize),
  };
  return { instance, encoding, statement, witness, positions: batch.positions, loss, normalizedStatement };
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
