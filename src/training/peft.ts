import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  adapterCommitment,
  adapterFromSafetensors,
  adapterToSafetensors,
  checkpointShapeOf,
  decodeSafetensors,
  encodeSafetensors,
  LoraLedgerError,
  mergedToSafetensors,
  peftAdapterConfig,
  PEFT_FILES,
  toHex32,
  type Matrix,
  type PeftProvenance,
  type StepShape,
} from "../protocol/index.js";
import { getInstance } from "../node/index.js";

const integerText = z.string().regex(/^-?[0-9]+$/);
const runAdapterSchema = z.object({
  instance: z.string(),
  encoding: z.literal("fixed"),
  scale_bits: z.number().int(),
  run_id: z.string().optional(),
  steps: z.string().optional(),
  adapter_a: z.array(z.array(integerText)),
  adapter_b: z.array(z.array(integerText)),
});
const manifestSchema = z.object({
  chain_id: z.string(),
  registry: z.string(),
  base_root: z.string(),
  dataset_root: z.string(),
  alpha: z.object({ fixed: z.string() }),
});
const mergedSchema = z.object({ scale_bits: z.number().int(), weights: z.array(z.array(integerText)) });

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new LoraLedgerError("malformed_json", `${file}: ${(error as Error).message}`, file);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new LoraLedgerError("missing_field", `${file}: ${z.prettifyError(parsed.error)}`, file);
  return parsed.data;
}

const integers = (rows: readonly (readonly string[])[]): Matrix => rows.map((row) => row.map((entry) => BigInt(entry)));

export interface PeftExport {
  config: string;
  adapter: string;
  merged: string | undefined;
  commitment: bigint;
}

/**
 * Writes a run's adapter (its adapter.json, as prove-and-submit leaves it) as the PEFT pair in `outDir`,
 * and its merged weights (merged.json beside it, when the run was merged) as merged_model.safetensors.
 * α and the run's provenance come from manifest.json beside it; without one, `alpha` must be given.
 */
export function exportPeft(adapterFile: string, outDir: string, options: { alpha?: number } = {}): PeftExport {
  const run = readJson(adapterFile, runAdapterSchema);
  const instance = getInstance(run.instance);
  const shape: StepShape = checkpointShapeOf(instance);
  if (run.scale_bits !== shape.F) {
    throw new LoraLedgerError(
      "wrong_shape",
      `${adapterFile}: scale_bits ${run.scale_bits}, the instance's F is ${shape.F}`,
      "scale_bits",
    );
  }
  const adapter = { a: integers(run.adapter_a), b: integers(run.adapter_b) };
  const commitment = adapterCommitment(adapter.a, adapter.b, shape);
  const directory = path.dirname(adapterFile);
  const manifestFile = path.join(directory, "manifest.json");
  const manifest = existsSync(manifestFile) ? readJson(manifestFile, manifestSchema) : undefined;
  let alpha: bigint;
  if (manifest !== undefined) alpha = BigInt(manifest.alpha.fixed);
  else if (options.alpha !== undefined) alpha = BigInt(Math.round(options.alpha * 2 ** shape.F));
  else {
    throw new LoraLedgerError("usage", `${adapterFile}: no manifest.json beside it; give α (--alpha)`, "alpha");
  }
  const provenance: PeftProvenance = {
    instance: instance.name,
    commitment: toHex32(commitment),
    ...(run.run_id === undefined ? {} : { runId: run.run_id }),
    ...(run.steps === undefined ? {} : { steps: run.steps }),
    ...(manifest === undefined
      ? {}
      : {
          chainId: manifest.chain_id,
          registry: manifest.registry,
          baseRoot: manifest.base_root,
          datasetRoot: manifest.dataset_root,
          baseModelName: `lora-ledger base model ${manifest.base_root}`,
        }),
  };
  mkdirSync(outDir, { recursive: true });
  const configFile = path.join(outDir, PEFT_FILES.config);
  const tensorsFile = path.join(outDir, PEFT_FILES.adapter);
  writeFileSync(configFile, `${JSON.stringify(peftAdapterConfig(shape, alpha, provenance), null, 2)}\n`);
  writeFileSync(tensorsFile, encodeSafetensors(adapterToSafetensors(shape, adapter, provenance)));
  let mergedFile: string | undefined;
  const mergedJson = path.join(directory, "merged.json");
  if (existsSync(mergedJson)) {
    const merged = readJson(mergedJson, mergedSchema);
    mergedFile = path.join(outDir, PEFT_FILES.merged);
    writeFileSync(mergedFile, encodeSafetensors(mergedToSafetensors(shape, integers(merged.weights), provenance)));
  }
  return { config: configFile, adapter: tensorsFile, merged: mergedFile, commitment };
}

/** The safetensors file of a PEFT pair: the file itself, or adapter_model.safetensors in a directory. */
export function peftTensorsFile(fileOrDirectory: string): string {
  return existsSync(fileOrDirectory) && statSync(fileOrDirectory).isDirectory()
    ? path.join(fileOrDirectory, PEFT_FILES.adapter)
    : fileOrDirectory;
}

/** Whether a path names a PEFT pair (its directory or its .safetensors file) rather than an adapter JSON. */
export function isPeftPath(fileOrDirectory: string): boolean {
  return peftTensorsFile(fileOrDirectory).endsWith(".safetensors");
}

function readSafetensors(file: string): ReturnType<typeof decodeSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new LoraLedgerError("usage", `${file}: ${(error as Error).message}`, "adapter");
  }
  return decodeSafetensors(bytes, file);
}

/** The instance a PEFT pair names (its safetensors metadata lora_ledger_instance), if it names one. */
export function peftInstance(fileOrDirectory: string): string | undefined {
  return readSafetensors(peftTensorsFile(fileOrDirectory)).metadata.lora_ledger_instance;
}

/**
 * Imports a PEFT pair as the protocol's integers (every float must be k / 2^F with k in range, else the
 * error names the tensor and the index) and computes its commitment.
 */
export function importPeft(fileOrDirectory: string, shape: StepShape): { a: Matrix; b: Matrix; commitment: bigint } {
  const file = peftTensorsFile(fileOrDirectory);
  return adapterFromSafetensors(readSafetensors(file), shape, file);
}
