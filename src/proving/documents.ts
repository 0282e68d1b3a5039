/**
 * The `prove` documents of a version-2 run (PROTOCOL §11–§13), written by the submitter for the proving
 * jobs: the same JSON `npm run prove` reads, so a job can be replayed by hand with the command. Values are
 * written in the "fixed" encoding (exact integers), so nothing is rounded on the way to the worker, and a
 * checkpoint carries only its k batches with their Merkle siblings, not the whole dataset, to keep jobs small.
 */
import {
  mergeBlockInput,
  projectionBlockInput,
  type ActivatedExample,
  type Adapter,
  type CheckpointShape,
  type CircuitInstance,
  type MadeCheckpoint,
  type Matrix,
  type RunStartStatement,
  type setUpRun,
} from "../protocol/index.js";
import { addressOf, encodeEntry } from "../cli/commands/values.js";
import { normalizedPublicStatement } from "../cli/commands/runStatements.js";

const ENCODING = "fixed";
type RunSetup = ReturnType<typeof setUpRun>;
type Written = number | string;

const matrixOf = (m: Matrix, scaleBits: number): Written[][] =>
  m.map((row) => row.map((value) => encodeEntry(value, scaleBits, ENCODING)));
const vectorOf = (v: readonly bigint[], scaleBits: number): Written[] =>
  v.map((value) => encodeEntry(value, scaleBits, ENCODING));

/** A checkpoint of k steps from `before` (the exact reference's `made`), with its batches and siblings. */
export function checkpointDocument(
  instance: CircuitInstance,
  shape: CheckpointShape,
  setup: RunSetup,
  before: Adapter,
  made: MadeCheckpoint,
  firstStep: bigint,
  submitter: bigint,
): Record<string, unknown> {
  const after = made.witness.adapters[shape.steps];
  if (after === undefined) throw new Error("a checkpoint has its adapter after its k steps");
  const { statement } = made;
  const example = (e: ActivatedExample) => ({
    x: vectorOf(e.x, shape.F),
    t: vectorOf(e.t, shape.F),
    z: vectorOf(e.z, shape.F + shape.FW),
  });
  return {
    instance: instance.name,
    encoding: ENCODING,
    statement: {
      run_config: statement.runConfig.toString(),
      adapter_before: statement.adapterBefore.toString(),
      adapter_after: statement.adapterAfter.toString(),
      step: Number(firstStep),
      submitter: addressOf(submitter),
      loss: statement.loss.toString(),
      base_root: setup.config.baseRoot.toString(),
      dataset_root: setup.config.datasetRoot.toString(),
      projection_id: setup.config.projection.toString(),
      alpha: encodeEntry(setup.config.alpha, shape.F, ENCODING),
      learning_rate: encodeEntry(setup.config.lr, shape.F, ENCODING),
      dataset_size: Number(setup.commitment.size),
    },
    witness: {
      adapter_a: matrixOf(before.a, shape.F),
      adapter_b: matrixOf(before.b, shape.F),
      adapter_a_after: matrixOf(after.a, shape.F),
      adapter_b_after: matrixOf(after.b, shape.F),
      projection_w: setup.projection.w.map(String),
      batches: made.witness.batches.map((batch) =>
        batch.examples.map((e, j) => ({
          position: batch.positions[j],
          ...example(e),
          siblings: (batch.siblings[j] ?? []).map(String),
        })),
      ),
    },
  };
}

/** The run's start from the canonical initialization of its seed: public inputs only. */
export function runStartDocument(instance: CircuitInstance, statement: RunStartStatement): Record<string, unknown> {
  return {
    instance: instance.name,
    encoding: ENCODING,
    statement: normalizedPublicStatement("LoraRunStart", statement, instance, ENCODING),
  };
}

/** A column block of the (base model, dataset) projection: the witness is the base layer W0. */
export function projectionBlockDocument(
  instance: CircuitInstance,
  input: ReturnType<typeof projectionBlockInput>,
  w0: Matrix,
): Record<string, unknown> {
  return {
    instance: instance.name,
    encoding: ENCODING,
    statement: normalizedPublicStatement("BaseProjectionBlock", input.statement, instance, ENCODING),
    witness: { base_weights: matrixOf(w0, instance.params.FW) },
  };
}

/** A column block of the merged weights W0 + α B A of `head`. */
export function mergeBlockDocument(
  instance: CircuitInstance,
  input: ReturnType<typeof mergeBlockInput>,
  w0: Matrix,
  head: Adapter,
): Record<string, unknown> {
  const shape = instance.params;
  return {
    instance: instance.name,
    encoding: ENCODING,
    statement: normalizedPublicStatement("LoraMergeBlock", input.statement, instance, ENCODING),
    witness: {
      base_weights: matrixOf(w0, shape.FW),
      adapter_a: matrixOf(head.a, shape.F),
      adapter_b: matrixOf(head.b, shape.F),
    },
  };
}
