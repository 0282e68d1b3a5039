import { readFileSync } from "node:fs";
import { z } from "zod";
import { LoraLedgerError } from "../protocol/index.js";

/**
 * What a prove-and-submit run does. Read from the JSON file named by LORA_LEDGER_CONFIG, then from
 * LORA_* environment variables (which win), validated here so that every error names its field.
 */
export const runConfigSchema = z.strictObject({
  /**
   * what the run trains on: "generated" (a seeded random layer and examples) or "digits" (a base
   * classifier of the UCI handwritten digits shipped in data/, fine-tuned on shifted images)
   */
  task: z.enum(["generated", "digits"]).default("generated"),
  /**
   * the LoraCheckpoint instance that proves the run's checkpoints (circuits/instances.json); default: the
   * first declared. Its run-start, projection-block and merge-block instances are those of its shape.
   */
  instance: z.string().min(1).optional(),
  /**
   * the number of verified steps the run should reach; a checkpoint proves k steps (k of the instance),
   * so a number that is not a multiple of k is rounded up to whole checkpoints (and the output says so)
   */
  steps: z.number().int().min(1).max(100_000).default(8),
  /**
   * seed of the generated task (used for whatever no file provides) and of the run's canonical
   * initialization, the proven start of the run (PROTOCOL §12)
   */
  seed: z.number().int().min(0).default(1),
  /** examples in the generated dataset; default 2^depth of the instance */
  datasetSize: z.number().int().min(1).optional(),
  alpha: z.number().positive().default(1),
  learningRate: z.number().positive().default(2),
  /** JSON {"base_weights": number[d_out][d_in]} (real values) */
  modelFile: z.string().min(1).optional(),
  /** JSON [{"x": number[d_in], "t": number[d_out]}, ...] (real values) */
  datasetFile: z.string().min(1).optional(),
  /**
   * JSON {"adapter_a": number[r][d_in], "adapter_b": number[d_out][r]} (real values): an adapter to ask
   * the registry about (scripts/query.ts). A version-2 run cannot start from it: its start is proven to
   * be the canonical initialization of the seed.
   */
  adapterFile: z.string().min(1).optional(),
  /** checkpoints per transaction (submitCheckpoints) */
  submitBatch: z.number().int().min(1).max(32).default(1),
  /** start a new run even if a matching unfinished run of this trainer exists on-chain */
  newRun: z.boolean().default(false),
  /**
   * once the run has its steps, prove the merged weights W0 + α B A of its final adapter block by block
   * with the checkpoint instance's LoraMergeBlock instance (submitMergeBlock), unless recorded already
   */
  merge: z.boolean().default(true),
  /**
   * report the task's held-out evaluation of the run's adapters on-chain (reportEvaluations: the trainer's
   * word, not proven) at the run's start, every `reportEvery` steps, and at its last verified step
   */
  report: z.boolean().default(true),
  /** steps between reported evaluations, rounded up to whole checkpoints; 0: only the start and the end */
  reportEvery: z.number().int().min(0).max(100_000).default(0),
  /** where proofs are kept between attempts; default runs/ */
  workDir: z.string().min(1).default("runs"),
  modelUri: z.string().default(""),
  /** default: the task's dataset card (src/protocol/datasetCard.ts), when it has one */
  datasetUri: z.string().optional(),
  /**
   * a Redis URL (redis://HOST:PORT) whose BullMQ queue the proofs are enqueued on, for workers on any
   * number of machines (`npm run worker -- --redis URL`, docs/SCALING.md); default: proven in this process
   */
  queue: z
    .string()
    .regex(/^rediss?:\/\/.+/, "expected a Redis URL, redis://HOST:PORT")
    .optional(),
  /** proofs at once in this process when no queue is configured (the in-process pool's size) */
  provers: z.number().int().min(1).max(64).default(1),
  /**
   * where the in-process pool proves: "processes" (child processes of the submitter: a proof never blocks its
   * event loop) or "in-process" (its own event loop, snarkjs' threads); bench `queue` measures both
   */
  pool: z.enum(["processes", "in-process"]).default("processes"),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

type Kind = "integer" | "number" | "boolean" | "string";

/** One option of a run: its environment variable, its key in the LORA_LEDGER_CONFIG file, and what it does. */
export interface RunOption {
  variable: string;
  key: keyof RunConfig;
  kind: Kind;
  meaning: string;
}

/** Every option of prove-and-submit, in the order docs/RUNNING.md lists them (rendered by npm run docs). */
export const RUN_OPTIONS: readonly RunOption[] = [
  {
    variable: "LORA_TASK",
    key: "task",
    kind: "string",
    meaning:
      "`generated` (a seeded random layer and examples) or `digits`: the UCI handwritten digits of data/, a base classifier trained on centred images, the adapter fine-tuned on images shifted one pixel right (instance default: `lora_checkpoint_digits_64x10_r4_b4_d8_k2`)",
  },
  {
    variable: "LORA_STEPS",
    key: "steps",
    kind: "integer",
    meaning:
      "verified steps the run should reach, rounded up to whole checkpoints of k; a run that has them already is left as it is (raise it to train further)",
  },
  {
    variable: "LORA_SEED",
    key: "seed",
    kind: "integer",
    meaning: "seed of the run's canonical initialization (its proven start) and of the generated task",
  },
  {
    variable: "LORA_NEW_RUN",
    key: "newRun",
    kind: "boolean",
    meaning:
      "start a new run even when this trainer has a run with the same configuration on-chain (else it is resumed)",
  },
  {
    variable: "LORA_MODEL_FILE",
    key: "modelFile",
    kind: "string",
    meaning:
      'your base model: JSON `{"base_weights": number[d_out][d_in]}` (real values, quantized as PROTOCOL §2 says)',
  },
  {
    variable: "LORA_DATASET_FILE",
    key: "datasetFile",
    kind: "string",
    meaning:
      'your dataset: JSON `[{"x": number[d_in], "t": number[d_out]}, …]`, at most 2^depth examples of the instance',
  },
  {
    variable: "LORA_DATASET_SIZE",
    key: "datasetSize",
    kind: "integer",
    meaning:
      "examples in the generated dataset, when no dataset file is given (default: 2^depth of the instance, at most 16)",
  },
  {
    variable: "LORA_ALPHA",
    key: "alpha",
    kind: "number",
    meaning: "the LoRA scale α (a real number, fixed point at 2^F)",
  },
  {
    variable: "LORA_LEARNING_RATE",
    key: "learningRate",
    kind: "number",
    meaning: "the learning rate (a real number, fixed point at 2^F)",
  },
  {
    variable: "LORA_INSTANCE",
    key: "instance",
    kind: "string",
    meaning:
      "the LoraCheckpoint instance of circuits/instances.json (its shape: d_out, d_in, r, batch, tree depth, k); default: the first built by default",
  },
  {
    variable: "LORA_SUBMIT_BATCH",
    key: "submitBatch",
    kind: "integer",
    meaning: "checkpoints per transaction (submitCheckpoints): fewer transactions, less gas per step",
  },
  {
    variable: "LORA_MERGE",
    key: "merge",
    kind: "boolean",
    meaning: "prove and record the merged weights W0 + α B A of the run's final adapter",
  },
  {
    variable: "LORA_REPORT",
    key: "report",
    kind: "boolean",
    meaning:
      "report the task's held-out evaluation (digits: accuracy; generated: mean squared error) of the run's adapters on-chain, as the trainer's word, not proven (reportEvaluations)",
  },
  {
    variable: "LORA_REPORT_EVERY",
    key: "reportEvery",
    kind: "integer",
    meaning:
      "steps between reported evaluations (rounded up to whole checkpoints); 0: at the run's start and its last verified step only",
  },
  {
    variable: "LORA_WORK_DIR",
    key: "workDir",
    kind: "string",
    meaning: "where proofs and the files a run leaves (adapter.json, merged.json, manifest.json) are kept",
  },
  {
    variable: "LORA_MODEL_URI",
    key: "modelUri",
    kind: "string",
    meaning: "where people can fetch the base model, recorded with its registration (per publisher)",
  },
  {
    variable: "LORA_DATASET_URI",
    key: "datasetUri",
    kind: "string",
    meaning:
      "where people can fetch the dataset, recorded with its registration (per publisher); default: the task's dataset card (name, licence, size) as a `data:application/json;base64,` URI",
  },
  {
    variable: "LORA_ADAPTER_FILE",
    key: "adapterFile",
    kind: "string",
    meaning:
      "`query` only: an adapter file (a run's adapter.json, or real-valued `adapter_a`/`adapter_b`) to ask the registry about; a run starts from its seed's canonical initialization, never from a file",
  },
  {
    variable: "LORA_QUEUE",
    key: "queue",
    kind: "string",
    meaning:
      "a Redis URL (redis://HOST:PORT): prove on `npm run worker` processes on any number of machines through its BullMQ queue (docs/SCALING.md); default: in this process",
  },
  {
    variable: "LORA_POOL",
    key: "pool",
    kind: "string",
    meaning:
      "without a queue, prove in child processes of the submitter (`processes`) or in its own process (`in-process`)",
  },
  {
    variable: "LORA_PROVERS",
    key: "provers",
    kind: "integer",
    meaning: "proofs at once when no queue is configured (snarkjs already uses every core for one)",
  },
];

const ENVIRONMENT: Record<string, [keyof RunConfig, Kind]> = Object.fromEntries(
  RUN_OPTIONS.map((option) => [option.variable, [option.key, option.kind]]),
);

/** docs/RUNNING.md's table of options, rendered from RUN_OPTIONS and the schema's defaults (npm run docs). */
export function renderRunOptionsTable(): string {
  const defaults = runConfigSchema.parse({}) as Partial<Record<keyof RunConfig, unknown>>;
  const rows = RUN_OPTIONS.map((option) => {
    const value = defaults[option.key];
    const shown = value === undefined ? "—" : `\`${JSON.stringify(value)}\``;
    return `| \`${option.variable}\` | \`${option.key}\` | ${shown} | ${option.meaning} |`;
  });
  return ["| variable | key in the config file | default | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function parseEnvironmentValue(variable: string, raw: string, kind: Kind): unknown {
  if (kind === "string") return raw;
  if (kind === "boolean") {
    if (["1", "true", "yes"].includes(raw.toLowerCase())) return true;
    if (["0", "false", "no", ""].includes(raw.toLowerCase())) return false;
    throw new LoraLedgerError("usage", `${variable}: expected true or false, got "${raw}"`, variable);
  }
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || (kind === "integer" && !Number.isInteger(value))) {
    throw new LoraLedgerError(
      "usage",
      `${variable}: expected ${kind === "integer" ? "an integer" : "a number"}, got "${raw}"`,
      variable,
    );
  }
  return value;
}

export function loadRunConfig(environment: NodeJS.ProcessEnv = process.env): RunConfig {
  const configFile = environment.LORA_LEDGER_CONFIG;
  let fromFile: Record<string, unknown> = {};
  let source = "defaults";
  if (configFile !== undefined && configFile !== "") {
    source = configFile;
    try {
      fromFile = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new LoraLedgerError(
        "usage",
        `LORA_LEDGER_CONFIG=${configFile}: ${(error as Error).message}`,
        "LORA_LEDGER_CONFIG",
      );
    }
  }
  const merged: Record<string, unknown> = { ...fromFile };
  const origin = new Map<string, string>();
  for (const [variable, [key, kind]] of Object.entries(ENVIRONMENT)) {
    const raw = environment[variable];
    if (raw === undefined) continue;
    merged[key] = parseEnvironmentValue(variable, raw, kind);
    origin.set(key, variable);
  }
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join(".");
      const where = origin.get(key) ?? (key === "" ? source : `${key} (in ${source})`);
      return `${where}: ${issue.message}`;
    });
    throw new LoraLedgerError(
      "usage",
      `invalid run configuration: ${problems.join("; ")}`,
      String(parsed.error.issues[0]?.path[0] ?? ""),
    );
  }
  return parsed.data;
}
