/**
 * Protocol version 2's training statement (PROTOCOL §12): a checkpoint of k consecutive steps in one
 * proof, from the examples' base outputs z (never W0), bound to the run's configuration, with the
 * exact sum of squared errors of its batches as a public value.
 */

import { activateExamples, commitActivatedDataset, type ActivatedExample } from "./activations.js";
import { baseProjection, commitBase } from "./baseModel.js";
import { adapterCommitment } from "./commitments.js";
import { batchPositions } from "./dataset.js";
import type { DatasetCommitment } from "./dataset.js";
import { assertFieldElement } from "./field.js";
import type { Matrix } from "./matrix.js";
import type { Example } from "./types.js";
import { loraStepFromActivations, type StepResult } from "./reference.js";
import { packStepSubmitter, runConfigHash, type RunConfig } from "./run.js";
import { orderedPublicSignals } from "./instances.js";
import { validateShape, type StepShape } from "./shape.js";
import { fieldMatrix, fieldString } from "./statement.js";

/** A step instance's shape with the number of steps k each proof covers. */
export interface CheckpointShape extends StepShape {
  /** k >= 1 consecutive steps per proof */
  readonly steps: number;
}

/** The public inputs of a checkpoint proof, in the order of PROTOCOL §12. */
export interface CheckpointStatement {
  readonly runConfig: bigint;
  readonly adapterBefore: bigint;
  readonly adapterAfter: bigint;
  /** firstStep * 2^160 + submitter */
  readonly stepSubmitter: bigint;
  /** Σ over the k steps, the batch and d_out of E^2 (E at scale 2^3F): the proven loss */
  readonly loss: bigint;
}

export interface Adapter {
  readonly a: Matrix;
  readonly b: Matrix;
}

/** One step's batch: the examples the step index selects, with their Merkle siblings. */
export interface CheckpointBatch {
  readonly positions: readonly number[];
  readonly examples: readonly ActivatedExample[];
  readonly siblings: Matrix;
}

/** The private inputs of a checkpoint proof. */
export interface CheckpointWitness {
  readonly config: RunConfig;
  readonly datasetSize: bigint;
  /** the projection w = ρᵀ W0 (d_in field elements) whose id is config.projection */
  readonly projection: readonly bigint[];
  /** k + 1 adapters: the one before, the k - 1 intermediate ones (private), the one after */
  readonly adapters: readonly Adapter[];
  readonly batches: readonly CheckpointBatch[];
}

export interface MadeCheckpoint {
  readonly statement: CheckpointStatement;
  readonly witness: CheckpointWitness;
  readonly steps: readonly StepResult[];
}

export interface CheckpointParams {
  readonly shape: CheckpointShape;
  readonly config: RunConfig;
  readonly projection: readonly bigint[];
  readonly dataset: readonly ActivatedExample[];
  readonly commitment: DatasetCommitment;
  readonly adapter: Adapter;
  readonly firstStep: bigint;
  readonly submitter: bigint;
}

/**
 * A version-2 run's set-up from its base layer, examples and hyperparameters: the base commitment, the
 * activated dataset and its commitment, the (base, dataset) projection and the run's configuration.
 */
export function setUpRun(task: {
  shape: StepShape;
  w0: Matrix;
  dataset: readonly Example[];
  alpha: bigint;
  lr: bigint;
}) {
  const { shape, w0 } = task;
  const base = commitBase(w0, shape);
  const dataset = activateExamples(task.dataset, w0, shape);
  const commitment = commitActivatedDataset(dataset, shape);
  const projection = baseProjection(w0, base, commitment.datasetRoot);
  const config: RunConfig = {
    baseRoot: base.root,
    datasetRoot: commitment.datasetRoot,
    projection: projection.id,
    alpha: task.alpha,
    lr: task.lr,
  };
  return { base, dataset, commitment, projection, config };
}

/** A version-2 run as setUpRun sets it up. */
export type RunSetup = ReturnType<typeof setUpRun>;

/**
 * makeCheckpoint on a run set up by setUpRun: its activated dataset, their commitment, its projection w
 * and its configuration, unless `at.config` is another (a run continued with other hyperparameters).
 */
export function makeRunCheckpoint(
  run: Pick<RunSetup, "dataset" | "commitment" | "projection" | "config">,
  at: {
    readonly shape: CheckpointShape;
    readonly adapter: Adapter;
    readonly firstStep: bigint;
    readonly submitter: bigint;
    readonly config?: RunConfig;
  },
): MadeCheckpoint {
  return makeCheckpoint({
    ...at,
    config: at.config ?? run.config,
    projection: run.projection.w,
    dataset: run.dataset,
    commitment: run.commitment,
  });
}

export function validateCheckpointShape(shape: CheckpointShape): void {
  validateShape(shape);
  if (!Number.isSafeInteger(shape.steps) || shape.steps < 1)
    throw new Error(`invalid checkpoint shape: steps = ${shape.steps} must be >= 1`);
}

/** What training needs of a run's configuration: the hyperparameters. */
export type TrainingHparams = Pick<RunConfig, "alpha" | "lr">;

/**
 * Trains one step per batch from `adapter` with the exact reference (from the examples' z, never W0):
 * the adapters before and after each step (one more than the batches) and each step's result.
 */
export function trainOnBatches(
  shape: StepShape,
  hparams: TrainingHparams,
  adapter: Adapter,
  batches: readonly (readonly ActivatedExample[])[],
): { adapters: Adapter[]; steps: StepResult[] } {
  const adapters: Adapter[] = [adapter];
  const steps: StepResult[] = [];
  batches.forEach((examples, s) => {
    const current = adapters[s] as Adapter;
    const result = loraStepFromActivations({
      shape,
      zs: examples.map((e) => e.z),
      a: current.a,
      b: current.b,
      alpha: hparams.alpha,
      lr: hparams.lr,
      xs: examples.map((e) => e.x),
      ts: examples.map((e) => e.t),
    });
    adapters.push({ a: result.aNext, b: result.bNext });
    steps.push(result);
  });
  return { adapters, steps };
}

/** The examples step `step` selects from an activated dataset (PROTOCOL §6). */
function selectedExamples(
  shape: StepShape,
  dataset: readonly ActivatedExample[],
  step: bigint,
): { positions: number[]; examples: ActivatedExample[] } {
  const positions = batchPositions(step, shape, BigInt(dataset.length));
  return { positions, examples: positions.map((position) => dataset[position] as ActivatedExample) };
}

/**
 * The adapter a version-2 run holds before step `step`: steps 0 … step - 1 trained from `start` with the
 * exact reference, each on the batch its index selects. Deterministic, so it is recomputed, not stored.
 */
export function adapterBeforeRunStep(
  shape: StepShape,
  hparams: TrainingHparams,
  dataset: readonly ActivatedExample[],
  start: Adapter,
  step: bigint,
): Adapter {
  let adapter = start;
  for (let t = 0n; t < step; t++) {
    const trained = trainOnBatches(shape, hparams, adapter, [selectedExamples(shape, dataset, t).examples]);
    adapter = trained.adapters[1] as Adapter;
  }
  return adapter;
}

/** Trains k steps from `adapter` with the exact reference and states the checkpoint. */
export function makeCheckpoint(params: CheckpointParams): MadeCheckpoint {
  const { shape, config, commitment } = params;
  validateCheckpointShape(shape);
  if (commitment.datasetRoot !== config.datasetRoot) {
    throw new RangeError("the dataset's commitment is not the run's datasetRoot");
  }
  params.projection.forEach((v, l) => assertFieldElement(`projection[${l}]`, v));
  const selections = Array.from({ length: shape.steps }, (_, s) =>
    selectedExamples(shape, params.dataset, params.firstStep + BigInt(s)),
  );
  const { adapters, steps } = trainOnBatches(
    shape,
    config,
    params.adapter,
    selections.map((selection) => selection.examples),
  );
  const batches: CheckpointBatch[] = selections.map(({ positions, examples }) => ({
    positions,
    examples,
    siblings: positions.map((position) => commitment.tree.proof(position).siblings),
  }));
  const first = adapters[0] as Adapter;
  const last = adapters[shape.steps] as Adapter;
  const statement: CheckpointStatement = {
    runConfig: runConfigHash(config),
    adapterBefore: adapterCommitment(first.a, first.b, shape),
    adapterAfter: adapterCommitment(last.a, last.b, shape),
    stepSubmitter: packStepSubmitter(params.firstStep, params.submitter),
    loss: squaredErrorSum(steps),
  };
  return {
    statement,
    witness: { config, datasetSize: commitment.size, projection: params.projection, adapters, batches },
    steps,
  };
}

/** Σ E^2 over every step's batch: the checkpoint's proven loss (E at scale 2^3F). */
export function squaredErrorSum(steps: readonly Pick<StepResult, "e">[]): bigint {
  return steps.reduce((sum, step) => sum + step.e.flat().reduce((acc, e) => acc + e * e, 0n), 0n);
}

/** The mean squared error a checkpoint's loss stands for: loss / (k n d_out 2^6F), for people. */
export function checkpointMeanLoss(shape: CheckpointShape, loss: bigint): number {
  return Number(loss) / (shape.steps * shape.batch * shape.dOut) / 2 ** (6 * shape.F);
}

/** The public signals in the order of PROTOCOL §12 (LoraCheckpoint's pubs in circuits/instances.json). */
export function checkpointPublicSignals(statement: CheckpointStatement): bigint[] {
  return orderedPublicSignals("LoraCheckpoint", statement);
}

/** The checkpoint circuit's input: every signal as decimal field elements. */
export function buildCheckpointCircuitInput(
  statement: CheckpointStatement,
  witness: CheckpointWitness,
): Record<string, unknown> {
  const { config } = witness;
  return {
    runConfig: fieldString(statement.runConfig),
    adapterBefore: fieldString(statement.adapterBefore),
    adapterAfter: fieldString(statement.adapterAfter),
    stepSubmitter: fieldString(statement.stepSubmitter),
    loss: fieldString(statement.loss),
    baseRoot: fieldString(config.baseRoot),
    datasetRoot: fieldString(config.datasetRoot),
    projectionId: fieldString(config.projection),
    alpha: fieldString(config.alpha),
    lr: fieldString(config.lr),
    datasetSize: fieldString(witness.datasetSize),
    w: witness.projection.map(fieldString),
    a: witness.adapters.map((adapter) => fieldMatrix(adapter.a)),
    b: witness.adapters.map((adapter) => fieldMatrix(adapter.b)),
    x: witness.batches.map((batch) => fieldMatrix(batch.examples.map((e) => e.x))),
    t: witness.batches.map((batch) => fieldMatrix(batch.examples.map((e) => e.t))),
    z: witness.batches.map((batch) => fieldMatrix(batch.examples.map((e) => e.z))),
    siblings: witness.batches.map((batch) => fieldMatrix(batch.siblings)),
  };
}
