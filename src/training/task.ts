import { readFileSync } from "node:fs";
import { z } from "zod";
import {
  LoraLedgerError,
  toFixedMatrix,
  toFixedVector,
  assertMatrixShape,
  signedBounds,
  syntheticTask,
  type Matrix,
} from "../protocol/index.js";
import type { StepShape } from "../protocol/index.js";
import type { RunConfig } from "./config.js";
import { digitsTask } from "./digits.js";
import {
  digitsAccuracyEvaluation,
  digitsDatasetCard,
  GENERATED_HELD_OUT,
  generatedDatasetCard,
  meanSquaredErrorEvaluation,
  type RunTask,
} from "./evaluation.js";
import { importPeft, isPeftPath, peftInstance } from "./peft.js";

const matrix = z.array(z.array(z.number()));
const modelFileSchema = z.object({ base_weights: matrix });
const datasetFileSchema = z.array(z.object({ x: z.array(z.number()), t: z.array(z.number()) })).min(1);
const integerText = z.union([z.number().int(), z.string().regex(/^-?[0-9]+$/, "an integer as a decimal string")]);
/**
 * An adapter: real values (the default), or with "encoding": "fixed" the integers at scale 2^F, as
 * prove-and-submit writes a run's adapter.json (src/training/takeHome.ts), which may name its instance.
 */
const adapterFileSchema = z.union([
  z.object({
    encoding: z.literal("real").optional(),
    instance: z.string().optional(),
    adapter_a: matrix,
    adapter_b: matrix,
  }),
  z.object({
    encoding: z.literal("fixed"),
    instance: z.string().optional(),
    adapter_a: z.array(z.array(integerText)),
    adapter_b: z.array(z.array(integerText)),
  }),
]);

function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new LoraLedgerError("malformed_json", `${what} file ${file}: ${(error as Error).message}`, what);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new LoraLedgerError("missing_field", `${what} file ${file}: ${z.prettifyError(parsed.error)}`, what);
  }
  return parsed.data;
}

/** Converts a shape error of the matrix helpers into the command's error class. */
function checkShape(name: string, rows: readonly (readonly unknown[])[], height: number, width: number): void {
  try {
    assertMatrixShape(
      name,
      rows.map((row) => row.map(() => 0n)),
      height,
      width,
    );
  } catch (error) {
    throw new LoraLedgerError("wrong_shape", (error as Error).message, name);
  }
}

/** The instance an adapter file names ("instance"), if it names one. */
export function adapterFileInstance(file: string): string | undefined {
  if (isPeftPath(file)) return peftInstance(file);
  return readJsonFile(file, adapterFileSchema, "adapter").instance;
}

/**
 * An adapter file's A and B as the fixed-point integers of `shape`, every entry range-checked: a JSON
 * adapter, or a PEFT pair (its directory or adapter_model.safetensors, src/training/peft.ts).
 */
export function loadAdapterFile(file: string, shape: StepShape): { a: Matrix; b: Matrix } {
  if (isPeftPath(file)) {
    const { a, b } = importPeft(file, shape);
    return { a, b };
  }
  const adapter = readJsonFile(file, adapterFileSchema, "adapter");
  checkShape("adapter_a", adapter.adapter_a, shape.rank, shape.dIn);
  checkShape("adapter_b", adapter.adapter_b, shape.dOut, shape.rank);
  if (adapter.encoding !== "fixed") {
    return {
      a: toFixedMatrix(adapter.adapter_a, shape.F, shape.aBits, "adapter_a"),
      b: toFixedMatrix(adapter.adapter_b, shape.F, shape.aBits, "adapter_b"),
    };
  }
  const { min, max } = signedBounds(shape.aBits);
  const integers = (name: string, rows: readonly (readonly (number | string)[])[]): Matrix =>
    rows.map((row, i) =>
      row.map((entry, j) => {
        const value = BigInt(entry);
        if (value < min || value > max) {
          throw new LoraLedgerError(
            "out_of_range",
            `adapter file ${file}: ${name}[${i}][${j}] = ${value} is outside [${min}, ${max}] (signed ${shape.aBits} bits)`,
            `${name}[${i}][${j}]`,
          );
        }
        return value;
      }),
    );
  return { a: integers("adapter_a", adapter.adapter_a), b: integers("adapter_b", adapter.adapter_b) };
}

/**
 * The task a run trains on: base weights, initial adapter and dataset from the configured files, and
 * from the seeded generated task for whatever no file provides (all of it, by default).
 */
export function loadTask(shape: StepShape, config: RunConfig): RunTask {
  if (config.task === "digits") {
    // The digits task is the base model and the dataset: files for either would contradict it.
    const conflicting =
      config.modelFile !== undefined ? "modelFile" : config.datasetFile !== undefined ? "datasetFile" : undefined;
    if (conflicting !== undefined) {
      throw new LoraLedgerError(
        "usage",
        `task "digits" brings its own base model and dataset: leave ${conflicting} unset (or use task "generated")`,
        conflicting,
      );
    }
    const digits = digitsTask(shape, { alpha: config.alpha, learningRate: config.learningRate });
    return { ...digits, card: digitsDatasetCard(digits), evaluation: digitsAccuracyEvaluation(digits) };
  }
  // Held-out examples only when the generator makes both the base layer and the dataset: its targets
  // say nothing about someone's own model or data.
  const generatedOnly = config.modelFile === undefined && config.datasetFile === undefined;
  const generated = syntheticTask(shape, {
    seed: config.seed,
    datasetSize: config.datasetSize ?? Math.min(2 ** shape.depth, 16),
    alpha: config.alpha,
    learningRate: config.learningRate,
    heldOut: generatedOnly ? GENERATED_HELD_OUT : 0,
  });
  let { w0, a, b, dataset } = generated;
  if (config.modelFile !== undefined) {
    const model = readJsonFile(config.modelFile, modelFileSchema, "model");
    checkShape("base_weights", model.base_weights, shape.dOut, shape.dIn);
    w0 = toFixedMatrix(model.base_weights, shape.FW, shape.wBits, "base_weights");
  }
  if (config.adapterFile !== undefined) ({ a, b } = loadAdapterFile(config.adapterFile, shape));
  if (config.datasetFile !== undefined) {
    const examples = readJsonFile(config.datasetFile, datasetFileSchema, "dataset");
    if (examples.length > 2 ** shape.depth) {
      throw new LoraLedgerError(
        "wrong_shape",
        `dataset has ${examples.length} examples; this instance's tree holds at most 2^${shape.depth}`,
        "dataset",
      );
    }
    dataset = examples.map((example, m) => {
      checkShape(`dataset[${m}].x`, [example.x], 1, shape.dIn);
      checkShape(`dataset[${m}].t`, [example.t], 1, shape.dOut);
      return {
        x: toFixedVector(example.x, shape.F, shape.xBits, `dataset[${m}].x`),
        t: toFixedVector(example.t, shape.F, shape.xBits, `dataset[${m}].t`),
      };
    });
  }
  const task = { ...generated, w0, a, b, dataset };
  if (!generatedOnly) return task;
  const heldOut = generated.heldOut ?? [];
  return {
    ...task,
    card: generatedDatasetCard(generated, config.seed),
    evaluation: meanSquaredErrorEvaluation(
      shape,
      w0,
      generated.alpha,
      heldOut,
      `${heldOut.length} held-out examples of the generator`,
    ),
  };
}
