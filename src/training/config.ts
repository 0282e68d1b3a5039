import { readFileSync } from "node:fs";
import { z } from "zod";
import { LoraLedgerError } from "../protocol/index.js";

/**
 * What a prove-and-submit run does. Read from the JSON file named by LORA_LEDGER_CONFIG, then from
 * LORA_* environment variables (which win), validated here so that every error names its field.
 */
export const runConfigSchema = z.strictObject({
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
  /** where proofs are kept between attempts; default runs/ */
  workDir: z.string().min(1).default("runs"),
  modelUri: z.string().default(""),
  datasetUri: z.string().default(""),
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
});
export type RunConfig = z.infer<typeof runConfigSchema>;

type Kind = "integer" | "number" | "boolean" | "string";
const ENVIRONMENT: Record<string, [keyof RunConfig, Kind]> = {
  LORA_INSTANCE: ["instance", "string"],
  LORA_STEPS: ["steps", "integer"],
  LORA_SEED: ["seed", "integer"],
  LORA_DATASET_SIZE: ["datasetSize", "integer"],
  LORA_ALPHA: ["alpha", "number"],
  LORA_LEARNING_RATE: ["learningRate", "number"],
  LORA_MODEL_FILE: ["modelFile", "string"],
  LORA_DATASET_FILE: ["datasetFile", "string"],
  LORA_ADAPTER_FILE: ["adapterFile", "string"],
  LORA_SUBMIT_BATCH: ["submitBatch", "integer"],
  LORA_NEW_RUN: ["newRun", "boolean"],
  LORA_MERGE: ["merge", "boolean"],
  LORA_WORK_DIR: ["workDir", "string"],
  LORA_MODEL_URI: ["modelUri", "string"],
  LORA_DATASET_URI: ["datasetUri", "string"],
  LORA_QUEUE: ["queue", "string"],
  LORA_PROVERS: ["provers", "integer"],
};

function parseEnvironmentValue(variable: string, raw: string, kind: Kind): unknown {
  if (kind === "string") return raw;
  if (kind === "boolean") {
    if (["1", "true", "yes"].includes(raw.toLowerCase())) return true;
    if (["0", "false", "no", ""].includes(raw.toLowerCase())) return false;
    throw new LoraLedgerError("missing_field", `${variable}: expected true or false, got "${raw}"`, variable);
  }
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || (kind === "integer" && !Number.isInteger(value))) {
    throw new LoraLedgerError(
      "missing_field",
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
        "malformed_json",
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
      "missing_field",
      `invalid run configuration: ${problems.join("; ")}`,
      String(parsed.error.issues[0]?.path[0] ?? ""),
    );
  }
  return parsed.data;
}
