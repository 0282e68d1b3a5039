/**
 * What a task says about itself beyond the proofs: its dataset card (registered as the dataset's uri)
 * and a held-out evaluation of an adapter, which the trainer reports on-chain (reportEvaluations) as
 * its word, not proven. The generated task's held-out examples come from the same generator; the digits
 * task's are the held-out shifted images.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  forwardExamples,
  type Adapter,
  type DatasetCard,
  type Example,
  type Matrix,
  type StepShape,
  type SyntheticTask,
} from "../protocol/index.js";
import { DIGITS_FILE, digitsHeldOutAccuracy, type DigitsTask } from "./digits.js";

/** An exact fraction, as reportEvaluations records it. */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/** A measure of an adapter on examples it was not trained on. */
export interface HeldOutEvaluation {
  /** e.g. "accuracy" */
  readonly metric: string;
  /** which examples, e.g. "541 held-out images, digits shifted one pixel right" */
  readonly split: string;
  measure(adapter: Adapter): Fraction;
}

/** A task with what it says about itself (both optional: a dataset file of the user's has neither). */
export interface RunTask extends SyntheticTask {
  readonly card?: Omit<DatasetCard, "schema">;
  readonly evaluation?: HeldOutEvaluation;
}

/** Held-out examples of the generated task (drawn after its dataset by the same generator). */
export const GENERATED_HELD_OUT = 64;

/**
 * The mean squared error of the adapter on `examples`, exactly: Σ E² / (n · d_out · 2^6F), E at scale
 * 2^3F (the unit of the proven loss curve, PROTOCOL §12).
 */
export function meanSquaredErrorEvaluation(
  shape: StepShape,
  w0: Matrix,
  alpha: bigint,
  examples: readonly Example[],
  split: string,
): HeldOutEvaluation {
  return {
    metric: "mean squared error",
    split,
    measure: (adapter) => {
      const { e } = forwardExamples(shape, w0, adapter, alpha, examples);
      const squaredError = e.flat().reduce((sum, value) => sum + value * value, 0n);
      return { numerator: squaredError, denominator: BigInt(examples.length * shape.dOut) << BigInt(6 * shape.F) };
    },
  };
}

/** The digits task's accuracy on its held-out shifted images: correct / total. */
export function digitsAccuracyEvaluation(task: DigitsTask): HeldOutEvaluation {
  const total = task.split.heldOut.length;
  return {
    metric: "accuracy",
    split: `${total} held-out images, ${task.domain}`,
    measure: (adapter) => ({
      // the accuracy is correct / total, so this is the count exactly
      numerator: BigInt(Math.round(digitsHeldOutAccuracy(task, adapter) * total)),
      denominator: BigInt(total),
    }),
  };
}

/** The dataset card of the digits task's fine-tuning examples (data/README.md says the same at length). */
export function digitsDatasetCard(task: DigitsTask): Omit<DatasetCard, "schema"> {
  return {
    name: `UCI handwritten digits, ${task.domain} (fine-tuning split)`,
    license: "CC-BY-4.0",
    examples: task.dataset.length,
    description:
      "8x8 images, rows 1000-1255 of sklearn's digits.csv.gz (the UCI test set), shifted; x = pixel/16, t = one-hot label. Base classifier: rows 0-999 centred.",
    source: "https://archive.ics.uci.edu/dataset/80",
    citation:
      "E. Alpaydin, C. Kaynak. Optical Recognition of Handwritten Digits. UCI ML Repository, 1998. doi:10.24432/C50P49",
    sha256: createHash("sha256").update(readFileSync(DIGITS_FILE)).digest("hex"),
  };
}

/** The dataset card of the generated task. */
export function generatedDatasetCard(task: SyntheticTask, seed: number): Omit<DatasetCard, "schema"> {
  return {
    name: `lora-ledger generated regression task, seed ${seed}`,
    license: "CC0-1.0",
    examples: task.dataset.length,
    description: `x uniform in [-1, 1]^${task.shape.dIn}; t = the base layer plus a hidden rank-${task.shape.rank} update (src/protocol/synthetic.ts).`,
  };
}
