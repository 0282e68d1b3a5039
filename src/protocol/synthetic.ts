import { buildMatrix, type Matrix } from "./matrix.js";
import { signedBounds, type StepShape } from "./shape.js";
import type { Example } from "./types.js";

/** mulberry32: a tiny seeded PRNG, so that examples, tests and the demo are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything a training run starts from: a frozen base layer, an initial adapter and a dataset. */
export interface SyntheticTask {
  shape: StepShape;
  w0: Matrix;
  a: Matrix;
  b: Matrix;
  alpha: bigint;
  lr: bigint;
  dataset: Example[];
  /** examples drawn after the dataset from the same generator, never trained on (options.heldOut of them) */
  heldOut?: Example[];
}

export interface SyntheticTaskOptions {
  seed?: number;
  datasetSize?: number;
  /** LoRA scale α as a real number */
  alpha?: number;
  /** learning rate as a real number */
  learningRate?: number;
  /** how many held-out examples to draw after the dataset (which they leave as it is); default none */
  heldOut?: number;
}

function clampToBits(value: bigint, bits: number): bigint {
  const { min, max } = signedBounds(bits);
  return value < min ? min : value > max ? max : value;
}

/**
 * A deterministic regression task a LoRA adapter can learn: targets come from the base layer plus a
 * hidden rank-r update, so the loss falls as the adapter finds it. The adapter starts as LoRA does:
 * A small and random, B zero.
 */
export function syntheticTask(shape: StepShape, options: SyntheticTaskOptions = {}): SyntheticTask {
  const random = seededRandom(options.seed ?? 1);
  const uniform = (scale: number): number => (2 * random() - 1) * scale;
  const fixed = (value: number, scaleBits: number, bits: number): bigint =>
    clampToBits(BigInt(Math.round(value * 2 ** scaleBits)), bits);
  const datasetSize = options.datasetSize ?? 2 ** shape.depth;

  const w0 = buildMatrix(shape.dOut, shape.dIn, () =>
    fixed(uniform(0.5 / Math.sqrt(shape.dIn)), shape.FW, shape.wBits),
  );
  const hiddenB = Array.from({ length: shape.dOut }, () => Array.from({ length: shape.rank }, () => uniform(0.8)));
  const hiddenA = Array.from({ length: shape.rank }, () => Array.from({ length: shape.dIn }, () => uniform(0.8)));
  const a = buildMatrix(shape.rank, shape.dIn, () => fixed(uniform(1 / Math.sqrt(shape.dIn)), shape.F, shape.aBits));
  const b = buildMatrix(shape.dOut, shape.rank, () => 0n);

  const example = (): Example => {
    const x = Array.from({ length: shape.dIn }, () => uniform(1));
    const hidden = hiddenA.map((row) => row.reduce((sum, value, l) => sum + value * (x[l] ?? 0), 0));
    const t = w0.map((row, i) => {
      const base = row.reduce((sum, value, l) => sum + (Number(value) / 2 ** shape.FW) * (x[l] ?? 0), 0);
      const update = (hiddenB[i] ?? []).reduce((sum, value, k) => sum + value * (hidden[k] ?? 0), 0);
      return base + update;
    });
    return {
      x: x.map((value) => fixed(value, shape.F, shape.xBits)),
      t: t.map((value) => fixed(value, shape.F, shape.xBits)),
    };
  };
  // The held-out examples come after the dataset in the generator's stream: asking for them changes no
  // dataset example.
  const dataset = Array.from({ length: datasetSize }, example);
  const heldOut = Array.from({ length: options.heldOut ?? 0 }, example);
  return {
    shape,
    w0,
    a,
    b,
    alpha: fixed(options.alpha ?? 1, shape.F, 17),
    lr: fixed(options.learningRate ?? 0.5, shape.F, 17),
    dataset,
    ...(heldOut.length > 0 ? { heldOut } : {}),
  };
}
