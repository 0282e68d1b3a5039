import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import {
  canonicalInit,
  classifierAccuracy,
  digitExample,
  LoraLedgerError,
  parseDigitsCsv,
  quantizeBaseClassifier,
  SHIFTED_DOMAIN,
  splitDigits,
  toFixedUnsigned,
  trainBaseClassifier,
  type DigitImage,
  type DigitsSplit,
  type Matrix,
  type StepShape,
  type SyntheticTask,
} from "../protocol/index.js";

/** The data file shipped with the project (data/README.md: source, licence CC BY 4.0, citation). */
export const DIGITS_FILE = fileURLToPath(new URL("../../data/digits.csv.gz", import.meta.url));

/** The 1,797 images of data/digits.csv.gz, read from disk (gzip, then CSV): no network. */
export function loadDigits(file: string = DIGITS_FILE): DigitImage[] {
  let text: string;
  try {
    text = gunzipSync(readFileSync(file)).toString("utf8");
  } catch (error) {
    throw new LoraLedgerError("usage", `digits file ${file}: ${(error as Error).message}`, "digits");
  }
  return parseDigitsCsv(text);
}

/** A digits task's parts beyond the run's own: the split and the base classifier in floats and fixed point. */
export interface DigitsTask extends SyntheticTask {
  readonly split: DigitsSplit;
  readonly domain: string;
  readonly baseWeights: number[][];
}

const cache = new Map<string, DigitsTask>();

/**
 * The digits task of a shape (d_in 64, d_out 10): the base classifier W0 trained on the centred images
 * of the base split and quantized, and the fine-tuning dataset (the shifted images of the fine-tune
 * split, at most 2^depth of them). Cached: training the base takes about a second.
 */
export function digitsTask(shape: StepShape, hyper: { alpha: number; learningRate: number }): DigitsTask {
  if (shape.dIn !== 64 || shape.dOut !== 10) {
    throw new LoraLedgerError(
      "wrong_shape",
      `the digits task needs an instance of d_in 64 and d_out 10 (e.g. lora_checkpoint_digits_64x10_r4_b4_d8_k2); this one has d_in ${shape.dIn}, d_out ${shape.dOut}`,
      "task",
    );
  }
  const key = JSON.stringify([shape, hyper]);
  const known = cache.get(key);
  if (known !== undefined) return known;
  const split = splitDigits(loadDigits(), SHIFTED_DOMAIN);
  const baseWeights = trainBaseClassifier(split.base, shape);
  const w0 = quantizeBaseClassifier(baseWeights, shape);
  const dataset = split.fineTune.slice(0, 2 ** shape.depth).map((image) => digitExample(image, shape));
  const task: DigitsTask = {
    shape,
    w0,
    // a run starts from its seed's canonical initialization; this is the seed-1 start, for completeness
    ...canonicalInit(1n, shape),
    alpha: toFixedUnsigned(hyper.alpha, shape.F, 16, "alpha"),
    lr: toFixedUnsigned(hyper.learningRate, shape.F, 16, "learningRate"),
    dataset,
    split,
    domain: SHIFTED_DOMAIN.name,
    baseWeights,
  };
  cache.set(key, task);
  return task;
}

/** Held-out accuracy of the digits task (shifted domain) with an adapter, exactly in fixed point. */
export function digitsHeldOutAccuracy(task: DigitsTask, adapter: { a: Matrix; b: Matrix }): number {
  return classifierAccuracy(task.shape, task.w0, adapter, task.alpha, task.split.heldOut);
}
