/**
 * The circuit inputs the benchmark proves, per template: a synthetic LoRA step (makeStep), a merge of a
 * trained adapter (makeMerge after a few makeStep steps), and a full fine-tuning step (makeFullStep) on
 * the same kind of synthetic task; for version 2 (PROTOCOL §11–§12) a checkpoint of k steps of a run from its
 * canonical start (makeCheckpoint on the activated dataset) and the first block of the base projection.
 * Deterministic (fixed seeds), so every run proves the same statements.
 */
import {
  buildCheckpointCircuitInput,
  canonicalInit,
  makeRunCheckpoint,
  projectionBlockInput,
  type CheckpointShape,
  makeStep,
  toField,
  makeFullStep,
  type FullShape,
  makeMerge,
  syntheticTask,
  type SyntheticTask,
  setUpRun,
} from "../../src/protocol/index.js";
import type { Matrix, StepShape } from "../../src/protocol/index.js";
import type { BenchCircuit } from "./circuits.js";

export const BENCH_SEED = 3;
export const BENCH_STEP = 5n;
/** Hardhat's account 1, the submitter the proofs name (any 160-bit value would do for the timings). */
export const BENCH_SUBMITTER = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
/** Steps trained before a merge, so that B is no longer zero and the merge is not trivial. */
export const MERGE_TRAINING_STEPS = 3;

function benchTask(shape: StepShape): SyntheticTask {
  return syntheticTask(shape, { seed: BENCH_SEED });
}

/** The adapter after `steps` verified-style steps 0..steps-1 from the task's initial adapter. */
export function trainAdapter(
  task: SyntheticTask,
  steps: number,
  submitter = BENCH_SUBMITTER,
): { a: Matrix; b: Matrix } {
  let a: Matrix = task.a;
  let b: Matrix = task.b;
  for (let t = 0; t < steps; t++) {
    const made = makeStep({ ...task, a, b, step: BigInt(t), submitter });
    a = made.witness.aNext;
    b = made.witness.bNext;
  }
  return { a, b };
}

function mergeInputOf(task: SyntheticTask, adapter: { a: Matrix; b: Matrix }): ReturnType<typeof makeMerge> {
  return makeMerge({
    shape: task.shape,
    w0: task.w0,
    a: adapter.a,
    b: adapter.b,
    alpha: task.alpha,
    lr: task.lr,
    datasetSize: BigInt(task.dataset.length),
  });
}

/** A task full fine-tuning can learn: syntheticTask's base layer, read at scale 2^F and wBits, as W (as test/circuits/full-step.test.ts). */
export function fullTask(shape: FullShape): { w: bigint[][]; lr: bigint; dataset: SyntheticTask["dataset"] } {
  const task = syntheticTask({ ...shape, rank: 2, FW: shape.F, aBits: shape.wBits }, { seed: BENCH_SEED });
  return { w: task.w0.map((row) => [...row]), lr: task.lr, dataset: task.dataset };
}

/** The canonical start's seed of the benchmarked version 2 runs. */
export const BENCH_INIT_SEED = 20261201n;

/** Version 2's run of a synthetic task (as test/circuits/groth16-v2.test.ts): base model, activated dataset, projection, run config. */
export function v2Run(shape: StepShape) {
  const task = benchTask(shape);
  return { task, ...setUpRun({ ...task, shape }) };
}

/** The checkpoint of steps BENCH_STEP … BENCH_STEP + k − 1 from the run's canonical start. */
export function checkpointInput(shape: CheckpointShape): { circuitInput: Record<string, unknown>; loss: number } {
  const made = makeRunCheckpoint(v2Run(shape), {
    shape,
    adapter: canonicalInit(BENCH_INIT_SEED, shape),
    firstStep: BENCH_STEP,
    submitter: BENCH_SUBMITTER,
  });
  const loss = made.steps.reduce((sum, step) => sum + step.loss, 0) / made.steps.length;
  return { circuitInput: buildCheckpointCircuitInput(made.statement, made.witness), loss };
}

export interface BenchInput {
  circuitInput: Record<string, unknown>;
  /** what the reference computation timed covers */
  reference: string;
  /** seconds of the reference computation that produced the input (TypeScript) */
  referenceSeconds: number;
  /** batch loss before the step, for steps */
  loss: number | null;
}

/** The input the benchmark proves for `circuit`, with the time the TypeScript reference took to make it. */
export function benchInput(circuit: BenchCircuit): BenchInput {
  switch (circuit.template) {
    case "LoraStep": {
      const started = performance.now();
      const made = makeStep({ ...benchTask(circuit.params), step: BENCH_STEP, submitter: BENCH_SUBMITTER });
      return {
        circuitInput: made.circuitInput,
        reference: "makeStep: reference step and commitments",
        referenceSeconds: (performance.now() - started) / 1000,
        loss: made.loss,
      };
    }
    case "LoraMerge":
    case "LoraMergeFreivalds": {
      const task = benchTask(circuit.params);
      const adapter = trainAdapter(task, MERGE_TRAINING_STEPS);
      const started = performance.now();
      const made = mergeInputOf(task, adapter);
      const seconds = (performance.now() - started) / 1000;
      const circuitInput: Record<string, unknown> =
        circuit.template === "LoraMerge"
          ? made.circuitInput
          : { ...made.circuitInput, merged: made.merged.map((row) => row.map((v) => toField(v).toString())) };
      return {
        circuitInput,
        reference: `makeMerge: merged weights and commitments of the adapter after ${MERGE_TRAINING_STEPS} steps`,
        referenceSeconds: seconds,
        loss: null,
      };
    }
    case "LoraCheckpoint": {
      const started = performance.now();
      const made = checkpointInput(circuit.params);
      return {
        circuitInput: made.circuitInput,
        reference: `makeCheckpoint: ${circuit.params.steps} reference step(s) from the canonical start, activated dataset and projection`,
        referenceSeconds: (performance.now() - started) / 1000,
        loss: made.loss,
      };
    }
    case "BaseProjectionBlock": {
      const started = performance.now();
      const run = v2Run(circuit.params);
      const made = projectionBlockInput(run.task.w0, run.base, run.projection, run.commitment.datasetRoot, 0);
      return {
        circuitInput: made.circuitInput,
        reference: "commitBase, baseProjection: base model, activated dataset and projection, block 0",
        referenceSeconds: (performance.now() - started) / 1000,
        loss: null,
      };
    }
    case "FullStep": {
      const task = fullTask(circuit.params);
      const started = performance.now();
      const made = makeFullStep({ shape: circuit.params, ...task, step: BENCH_STEP, submitter: BENCH_SUBMITTER });
      return {
        circuitInput: made.circuitInput,
        reference: "makeFullStep: reference step and commitments",
        referenceSeconds: (performance.now() - started) / 1000,
        loss: made.loss,
      };
    }
  }
}
