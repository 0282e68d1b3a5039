/**
 * `prove` for a checkpoint (PROTOCOL §12): k consecutive steps of a run from the activated dataset,
 * without the base model. Checked in the order of a step's: fields (3), instance (7), shapes (4),
 * ranges (5), the adapters after k steps from before (6), the statement against the witness (8), then
 * proven. The witness gives the adapter before and the one after the k steps; the k - 1 intermediate
 * adapters are recomputed with the reference.
 */
import { z } from "zod";
import {
  StepRangeError,
  activatedLeaf,
  activationBits,
  adapterCommitment,
  batchPositions,
  buildCheckpointCircuitInput,
  checkpointMeanLoss,
  checkpointPublicSignals,
  commitActivatedDataset,
  compareAdapters,
  datasetRoot,
  entryName,
  projectionChallenge,
  projectionCheckHolds,
  projectionIdOf,
  rootFromProof,
  runConfigHash,
  squaredErrorSum,
  trainOnBatches,
  type ActivatedExample,
  type Adapter,
  type CheckpointBatch,
  type CheckpointShape,
  checkpointShapeOf,
  type CheckpointStatement,
  type RunConfig,
} from "../../../protocol/index.js";
import { getInstance, noProgress, type Progress } from "../../../node/index.js";
import { expected, fail, fieldElementSchema, parseWith } from "../json.js";
import { STEP_SUBMITTER_WHAT, checkpointStatementSchema, checkpointStatementValues } from "../runStatements.js";
import {
  addressOf,
  asVector,
  assertInField,
  checkDatasetSize,
  commitmentText,
  dims,
  encodeEntry,
  encodingSchema,
  fixedMatrix,
  fixedVector,
  matrixSchema,
  vectorSchema,
  type Encoding,
  type Entry,
} from "../values.js";
import type { PreparedRunProof, RunProveAnswer } from "./answers.js";
import {
  checkDatasetLength,
  exampleSchemas,
  headSchema,
  requireOneExampleSource,
  requireSizeWithBatches,
  shapeAdapter,
} from "./document.js";
import { WITNESS_FIELDS, adapterDifferenceMessage, notTheCommitment } from "./messages.js";
import { proveRun } from "./proof.js";

function checkpointDocumentSchema(encoding: Encoding) {
  const matrix = matrixSchema(encoding);
  const z_ = { z: vectorSchema(encoding) };
  const { example, batchExample } = exampleSchemas(encoding);
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    statement: checkpointStatementSchema(encoding, true),
    witness: z.object(
      {
        adapter_a: matrix,
        adapter_b: matrix,
        adapter_a_after: matrix,
        adapter_b_after: matrix,
        projection_w: z.array(fieldElementSchema, { error: expected("an array of field elements, w = ρᵀ W0") }),
        dataset: z.array(example.extend(z_), { error: expected("an array of examples {x, t, z}") }).optional(),
        batches: z
          .array(z.array(batchExample.extend(z_), { error: expected("an array of batch examples") }), {
            error: expected("an array of k batches"),
          })
          .optional(),
      },
      { error: expected("an object") },
    ),
  });
}

interface ShapedExample {
  readonly field: string;
  readonly x: Entry[];
  readonly t: Entry[];
  readonly z: Entry[];
}

/** A statement value that contradicts the witness, reported after the steps are checked (exit 8). */
interface Mismatch {
  readonly field: string;
  readonly message: string;
}

/** Phase 3. */
function parseCheckpointDocument(document: unknown) {
  const { encoding } = parseWith(headSchema, document);
  const parsed = parseWith(checkpointDocumentSchema(encoding), document);
  const { statement: raw, witness } = parsed;
  requireOneExampleSource(witness, witness.batches, "batches");
  requireSizeWithBatches(witness.batches, "batches", raw.dataset_size);
  return { encoding, instanceName: parsed.instance, raw, witness };
}

/** Phases 7 then 4. */
function shapeCheckpointWitness(parsed: ReturnType<typeof parseCheckpointDocument>) {
  const instance = getInstance(parsed.instanceName);
  const shape = checkpointShapeOf(instance);
  const d = dims(shape);
  const { witness } = parsed;
  const before = shapeAdapter(d, witness, "");
  const after = shapeAdapter(d, witness, "_after");
  const projection = asVector("witness.projection_w", witness.projection_w, d.dIn);
  const example = (field: string, e: { x: Entry[]; t: Entry[]; z: Entry[] }): ShapedExample => ({
    field,
    x: asVector(`${field}.x`, e.x, d.dIn),
    t: asVector(`${field}.t`, e.t, d.dOut),
    z: asVector(`${field}.z`, e.z, d.dOut),
  });
  if (witness.dataset !== undefined) {
    checkDatasetLength("witness.dataset", witness.dataset.length, shape.depth);
    const dataset = witness.dataset.map((e, m) => example(`witness.dataset[${m}]`, e));
    return { instance, shape, before, after, projection, source: { kind: "dataset" as const, dataset } };
  }
  const batches = asVector("witness.batches", witness.batches ?? [], {
    name: "k, steps per checkpoint",
    size: shape.steps,
  });
  const shaped = batches.map((batch, s) =>
    asVector(`witness.batches[${s}]`, batch, d.batch).map((e, j) => {
      const field = `witness.batches[${s}][${j}]`;
      return {
        ...example(field, e),
        position: e.position,
        siblings: asVector(`${field}.siblings`, e.siblings, d.depth),
      };
    }),
  );
  return { instance, shape, before, after, projection, source: { kind: "batches" as const, batches: shaped } };
}

/** Phase 5 for an example: x, t (xBits at 2^F) and z (zBits at 2^(F+FW)). */
function activatedExample(shape: CheckpointShape, example: ShapedExample): ActivatedExample {
  return {
    x: fixedVector(`${example.field}.x`, example.x, shape.F, shape.xBits),
    t: fixedVector(`${example.field}.t`, example.t, shape.F, shape.xBits),
    z: fixedVector(`${example.field}.z`, example.z, shape.F + shape.FW, activationBits(shape)),
  };
}

/**
 * Phase 5 for the examples, and the batches the k steps select (PROTOCOL §6): from the whole dataset,
 * or the given batches, whose positions must be the selected ones and whose leaves and siblings must
 * give the dataset root (mismatches are reported in phase 8).
 */
function selectBatches(
  shape: CheckpointShape,
  firstStep: bigint,
  stated: { size: bigint | undefined; datasetRoot: bigint },
  source: ReturnType<typeof shapeCheckpointWitness>["source"],
) {
  const mismatches: Mismatch[] = [];
  const stepOf = (s: number): bigint => firstStep + BigInt(s);
  if (source.kind === "dataset") {
    if (stated.size !== undefined) checkDatasetSize("statement.dataset_size", stated.size, shape);
    const dataset = source.dataset.map((example) => activatedExample(shape, example));
    const committed = commitActivatedDataset(dataset, shape);
    if (stated.size !== undefined && stated.size !== committed.size) {
      mismatches.push({
        field: "statement.dataset_size",
        message: `statement.dataset_size is ${stated.size} but witness.dataset has ${committed.size} examples`,
      });
    }
    if (committed.datasetRoot !== stated.datasetRoot) {
      mismatches.push(
        notTheCommitment(
          "dataset_root",
          `witness.dataset (${committed.size} examples with their z)`,
          committed.datasetRoot,
          stated.datasetRoot,
        ),
      );
    }
    const batches: CheckpointBatch[] = Array.from({ length: shape.steps }, (_, s) => {
      const positions = batchPositions(stepOf(s), shape, committed.size);
      return {
        positions,
        examples: positions.map((position) => dataset[position] as ActivatedExample),
        siblings: positions.map((position) => committed.tree.proof(position).siblings),
      };
    });
    return {
      datasetSize: committed.size,
      batches,
      fields: batches.map((b) => b.positions.map((p) => `witness.dataset[${p}]`)),
      mismatches,
    };
  }
  const datasetSize = stated.size ?? 0n;
  checkDatasetSize("statement.dataset_size", datasetSize, shape);
  const batches: CheckpointBatch[] = source.batches.map((batch, s) => {
    const examples = batch.map((example) => activatedExample(shape, example));
    const siblings = batch.map((example) =>
      example.siblings.map((sibling, level) => {
        assertInField(`${example.field}.siblings[${level}]`, sibling);
        return sibling;
      }),
    );
    const positions = batchPositions(stepOf(s), shape, datasetSize);
    batch.forEach((example, j) => {
      if (example.position !== positions[j]) {
        mismatches.push({
          field: `${example.field}.position`,
          message:
            `${example.field}.position is ${example.position} but step ${stepOf(s)} with dataset_size ${datasetSize} ` +
            `selects position ${positions[j]} (PROTOCOL §6: (step × batch + j) mod dataset_size)`,
        });
      }
    });
    return { positions, examples, siblings };
  });
  // Each example's leaf and siblings must lead to the stated dataset root.
  source.batches.forEach((batch, s) =>
    batch.forEach((example, j) => {
      const checked = batches[s] as CheckpointBatch;
      const leaf = activatedLeaf(checked.examples[j] as ActivatedExample, shape, example.field);
      const root = datasetRoot(rootFromProof(leaf, example.position, checked.siblings[j] ?? []), datasetSize);
      if (root !== stated.datasetRoot) {
        mismatches.push({
          field: "statement.dataset_root",
          message:
            `statement.dataset_root does not match ${example.field} (position ${example.position}): its leaf and siblings ` +
            `give ${root}, the statement gives ${stated.datasetRoot}`,
        });
      }
    }),
  );
  return { datasetSize, batches, fields: source.batches.map((batch) => batch.map((e) => e.field)), mismatches };
}

/** Phase 6: k steps from the adapter before; an update that leaves the adapter range is exit 5. */
function trainCheckpoint(
  shape: CheckpointShape,
  config: RunConfig,
  before: Adapter,
  batches: readonly CheckpointBatch[],
) {
  try {
    return trainOnBatches(
      shape,
      config,
      before,
      batches.map((batch) => batch.examples),
    );
  } catch (error) {
    if (error instanceof StepRangeError) {
      fail(
        "out_of_range",
        entryName(WITNESS_FIELDS[error.field === "bNext" ? "bNext" : "aNext"], error.index),
        `a step of the checkpoint takes ${error.field === "bNext" ? "B" : "A"}${error.entry.slice(error.field.length)} to ` +
          `${error.value}, outside the ${shape.aBits}-bit adapter range [${error.min}, ${error.max}]: ` +
          "this checkpoint cannot be proven (lower the learning rate)",
      );
    }
    throw error;
  }
}

/** Phases 3 to 8: everything before the proof. */
export function prepareCheckpoint(document: unknown): PreparedRunProof {
  const parsed = parseCheckpointDocument(document);
  const shaped = shapeCheckpointWitness(parsed);
  const { instance, shape } = shaped;
  const { encoding } = parsed;

  // 5
  const given = checkpointStatementValues(parsed.raw, instance);
  const config = given.config;
  if (config === undefined) throw new Error("prove's schema requires the run configuration");
  const fixedAdapter = (raw: { a: Entry[][]; b: Entry[][] }, suffix: string): Adapter => ({
    a: fixedMatrix(`witness.adapter_a${suffix}`, raw.a, shape.F, shape.aBits),
    b: fixedMatrix(`witness.adapter_b${suffix}`, raw.b, shape.F, shape.aBits),
  });
  const before = fixedAdapter(shaped.before, "");
  const after = fixedAdapter(shaped.after, "_after");
  shaped.projection.forEach((value, l) => assertInField(`witness.projection_w[${l}]`, value));
  const selected = selectBatches(
    shape,
    given.step,
    { size: parsed.raw.dataset_size, datasetRoot: config.datasetRoot },
    shaped.source,
  );

  // 6
  const trained = trainCheckpoint(shape, config, before, selected.batches);
  const reference = trained.adapters[shape.steps] as Adapter;
  const check = compareAdapters(shape, { aNext: reference.a, bNext: reference.b }, { aNext: after.a, bNext: after.b });
  if (!check.ok) {
    fail(
      "not_one_step",
      entryName(WITNESS_FIELDS[check.field], check.index),
      adapterDifferenceMessage(
        check,
        shape,
        encoding,
        `${shape.steps} steps from the adapters before (steps ${given.step} to ${given.step + BigInt(shape.steps - 1)}) give`,
      ),
    );
  }

  // 8
  const statement: CheckpointStatement = {
    runConfig: runConfigHash(config),
    adapterBefore: adapterCommitment(before.a, before.b, shape),
    adapterAfter: adapterCommitment(after.a, after.b, shape),
    stepSubmitter: given.stepSubmitter,
    loss: squaredErrorSum(trained.steps),
  };
  const firstMismatch = selected.mismatches[0];
  if (firstMismatch !== undefined) fail("statement_mismatch", firstMismatch.field, firstMismatch.message);
  const commitments: { name: string; what: string; computed: bigint; stated: bigint }[] = [
    {
      name: "adapter_before",
      what: "witness.adapter_a and witness.adapter_b",
      computed: statement.adapterBefore,
      stated: given.adapterBefore,
    },
    {
      name: "adapter_after",
      what: "witness.adapter_a_after and witness.adapter_b_after",
      computed: statement.adapterAfter,
      stated: given.adapterAfter,
    },
    {
      name: "projection_id",
      what: "witness.projection_w (its chain over the base model's column blocks, PROTOCOL §11)",
      computed: projectionIdOf(shaped.projection, shape),
      stated: config.projection,
    },
  ];
  for (const commitment of commitments) {
    if (commitment.computed !== commitment.stated) {
      const { field, message } = notTheCommitment(
        commitment.name,
        commitment.what,
        commitment.computed,
        commitment.stated,
      );
      fail("statement_mismatch", field, message);
    }
  }
  // Every example a step uses must pass the projection check against w (PROTOCOL §11).
  const challenge = projectionChallenge(config.baseRoot, config.datasetRoot);
  selected.batches.forEach((batch, s) =>
    batch.examples.forEach((example, j) => {
      if (!projectionCheckHolds(challenge, shaped.projection, example.x, example.z)) {
        const field = `${selected.fields[s]?.[j] ?? "witness"}.z`;
        fail(
          "statement_mismatch",
          field,
          `${field} fails the projection check Σ ρ_i z_i = Σ w_l x_l (PROTOCOL §11): it is not W0 x for the base model ` +
            "of statement.base_root, or witness.projection_w is not that base model's projection",
        );
      }
    }),
  );
  const checks: { name: string; what: string; computed: bigint; stated: bigint | undefined }[] = [
    {
      name: "step_submitter",
      what: STEP_SUBMITTER_WHAT,
      computed: statement.stepSubmitter,
      stated: given.statedStepSubmitter,
    },
    {
      name: "run_config",
      what: "the run configuration (base_root, dataset_root, projection_id, alpha, learning_rate; PROTOCOL §12)",
      computed: statement.runConfig,
      stated: given.runConfig,
    },
    {
      name: "loss",
      what: `the sum of squared errors of the ${shape.steps} steps' batches (PROTOCOL §12)`,
      computed: statement.loss,
      stated: given.loss,
    },
  ];
  for (const item of checks) {
    if (item.stated !== undefined && item.computed !== item.stated) {
      const { field, message } = notTheCommitment(item.name, item.what, item.computed, item.stated);
      fail("statement_mismatch", field, message);
    }
  }

  const witness = {
    config,
    datasetSize: selected.datasetSize,
    projection: shaped.projection,
    adapters: trained.adapters,
    batches: selected.batches,
  };
  const meanLoss = checkpointMeanLoss(shape, statement.loss);
  return {
    instance,
    template: "LoraCheckpoint",
    encoding,
    signals: checkpointPublicSignals(statement),
    circuitInput: buildCheckpointCircuitInput(statement, witness),
    normalizedStatement: {
      run_config: commitmentText(statement.runConfig),
      adapter_before: commitmentText(statement.adapterBefore),
      adapter_after: commitmentText(statement.adapterAfter),
      step: Number(given.step),
      submitter: addressOf(given.submitter),
      step_submitter: statement.stepSubmitter.toString(),
      loss: statement.loss.toString(),
      base_root: commitmentText(config.baseRoot),
      dataset_root: commitmentText(config.datasetRoot),
      projection_id: commitmentText(config.projection),
      alpha: encodeEntry(config.alpha, shape.F, encoding),
      learning_rate: encodeEntry(config.lr, shape.F, encoding),
      dataset_size: Number(selected.datasetSize),
    },
    summary:
      `steps ${given.step} to ${given.step + BigInt(shape.steps - 1)} (k = ${shape.steps}, batch ${shape.batch}) at positions ` +
      `${selected.batches.map((batch) => batch.positions.join(", ")).join(" | ")} of ${selected.datasetSize}; ` +
      `mean loss ${meanLoss.toPrecision(6)}`,
    metadata: {
      loss: meanLoss,
      loss_sum: statement.loss.toString(),
      batch_positions: selected.batches.map((batch) => [...batch.positions]),
    },
  };
}

/** Checks a checkpoint's prove document and proves it. */
export async function proveCheckpointDocument(
  document: unknown,
  progress: Progress = noProgress,
): Promise<RunProveAnswer> {
  return proveRun(prepareCheckpoint(document), progress);
}
