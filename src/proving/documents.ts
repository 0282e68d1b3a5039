/**
 * The `prove` documents of a version-2 run (PROTOCOL §11–§13), written by the submitter for the proving
 * jobs: the same JSON `npm run prove` reads, so a job can be replayed by hand with the command. Values are
 * written in the "fixed" encoding (exact integers), so nothing is rounded on the way to the worker, and a
 * checkpoint carries only its k batches with their Merkle siblings, not the whole dataset, to keep jobs small.
 */
import { getAddress } from "ethers";
import {
  TEMPLATES,
  type mergeBlockInput,
  type projectionBlockInput,
  type ActivatedExample,
  type Adapter,
  type CheckpointShape,
  type CircuitInstance,
  type MadeCheckpoint,
  type Matrix,
  type RunStartStatement,
  type setUpRun,
} from "../protocol/index.js";
const ENCODING = "fixed";
type RunSetup = ReturnType<typeof setUpRun>;
type Written = number | string;

/** A fixed-point integer as `prove` reads it with encoding "fixed": a JSON number when it is safe, else a decimal string. */
function fixed(value: bigint): Written {
  return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
}

const addressOf = (value: bigint): string => getAddress(`0x${value.toString(16).padStart(40, "0")}`);

type PublicTemplate = "LoraRunStart" | "BaseProjectionBlock" | "LoraMergeBlock";

/**
 * A statement of public inputs only, as `prove` reads it: snake_case names (lr is learning_rate) and
 * decimal strings, which its schemas take for field elements, integers and fixed-point hyperparameters alike.
 */
function publicStatement(template: PublicTemplate, statement: object): Record<string, string> {
  const values = new Map<string, unknown>(Object.entries(statement));
  return Object.fromEntries(
    TEMPLATES[template].publicInputs.map((input: string) => {
      const value = values.get(input);
      if (typeof value !== "bigint") throw new Error(`the ${template} statement has no ${input}`);
      const name = input === "lr" ? "learning_rate" : input.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
      return [name, value.toString()];
    }),
  );
}

// Fixed-point values are written as their integers: the scale is the instance's, which `prove` knows.
const matrixOf = (m: Matrix): Written[][] => m.map((row) => row.map(fixed));
const vectorOf = (v: readonly bigint[]): Written[] => v.map(fixed);

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
    x: vectorOf(e.x),
    t: vectorOf(e.t),
    z: vectorOf(e.z),
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
      alpha: fixed(setup.config.alpha),
      learning_rate: fixed(setup.config.lr),
      dataset_size: Number(setup.commitment.size),
    },
    witness: {
      adapter_a: matrixOf(before.a),
      adapter_b: matrixOf(before.b),
      adapter_a_after: matrixOf(after.a),
      adapter_b_after: matrixOf(after.b),
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
    statement: publicStatement("LoraRunStart", statement),
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
    statement: publicStatement("BaseProjectionBlock", input.statement),
    witness: { base_weights: matrixOf(w0) },
  };
}

/** A column block of the merged weights W0 + α B A of `head`. */
export function mergeBlockDocument(
  instance: CircuitInstance,
  input: ReturnType<typeof mergeBlockInput>,
  w0: Matrix,
  head: Adapter,
): Record<string, unknown> {
  return {
    instance: instance.name,
    encoding: ENCODING,
    statement: publicStatement("LoraMergeBlock", input.statement),
    witness: {
      base_weights: matrixOf(w0),
      adapter_a: matrixOf(head.a),
      adapter_b: matrixOf(head.b),
    },
  };
}
