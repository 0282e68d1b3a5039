/**
 * A lora-ledger adapter as the pair Hugging Face PEFT loads: adapter_config.json and
 * adapter_model.safetensors with base_model.model.<module>.lora_A.weight (r x d_in) and
 * …lora_B.weight (d_out x r), float32. Every float is entry / 2^F exactly (|entry| < 2^(aBits-1) <= 2^24
 * fits float32's 24-bit significand), so the import gets the same integers and the same commitment.
 * PEFT scales B A by lora_alpha / r: lora_alpha = α r makes that the protocol's α.
 */

import { adapterCommitment } from "./commitments.js";
import { LoraLedgerError } from "./errors.js";
import type { Matrix } from "./matrix.js";
import { mergedBits } from "./merge.js";
import type { SafetensorsFile, Tensor } from "./safetensors.js";
import { signedBounds, type StepShape } from "./shape.js";

/** The layer's name in PEFT's target_modules and in the tensor names. */
export const PEFT_MODULE = "classifier";
export const PEFT_LORA_A = `base_model.model.${PEFT_MODULE}.lora_A.weight`;
export const PEFT_LORA_B = `base_model.model.${PEFT_MODULE}.lora_B.weight`;
/** The merged weights' tensor, as the base model's own layer would be named. */
export const MERGED_WEIGHT = `${PEFT_MODULE}.weight`;
export const PEFT_FILES = {
  config: "adapter_config.json",
  adapter: "adapter_model.safetensors",
  merged: "merged_model.safetensors",
} as const;

/** float32 holds every integer of magnitude up to 2^24 exactly. */
const FLOAT32_EXACT_BITS = 24;
const FLOAT64_EXACT_BITS = 53;

/** What the export records about the run beside the tensors (strings, as safetensors metadata must be). */
export interface PeftProvenance {
  instance: string;
  commitment: string;
  runId?: string;
  steps?: string;
  chainId?: string;
  registry?: string;
  baseRoot?: string;
  datasetRoot?: string;
  baseModelName?: string;
}

function flatten(matrix: Matrix): bigint[] {
  return matrix.flat();
}

/** The adapter_config.json of PEFT for this adapter (LoRA, r, lora_alpha = α r, target_modules). */
export function peftAdapterConfig(
  shape: StepShape,
  alpha: bigint,
  provenance: PeftProvenance,
): Record<string, unknown> {
  const realAlpha = Number(alpha) / 2 ** shape.F;
  return {
    peft_type: "LORA",
    task_type: null,
    r: shape.rank,
    // PEFT scales by lora_alpha / r; the protocol by α (PROTOCOL §3): lora_alpha = α r
    lora_alpha: realAlpha * shape.rank,
    lora_dropout: 0,
    bias: "none",
    fan_in_fan_out: false,
    use_rslora: false,
    target_modules: [PEFT_MODULE],
    base_model_name_or_path: provenance.baseModelName ?? provenance.baseRoot ?? "lora-ledger base model",
    inference_mode: true,
    lora_ledger: {
      instance: provenance.instance,
      commitment: provenance.commitment,
      alpha_fixed: alpha.toString(),
      scale_bits: shape.F,
      run_id: provenance.runId ?? null,
      steps: provenance.steps ?? null,
      chain_id: provenance.chainId ?? null,
      registry: provenance.registry ?? null,
      base_root: provenance.baseRoot ?? null,
      dataset_root: provenance.datasetRoot ?? null,
    },
  };
}

function metadataOf(provenance: PeftProvenance, shape: StepShape, scaleBits: number): Record<string, string> {
  const entries: Record<string, string | undefined> = {
    format: "pt",
    lora_ledger_instance: provenance.instance,
    lora_ledger_commitment: provenance.commitment,
    lora_ledger_scale_bits: String(scaleBits),
    lora_ledger_rank: String(shape.rank),
    lora_ledger_run_id: provenance.runId,
    lora_ledger_steps: provenance.steps,
    lora_ledger_chain_id: provenance.chainId,
    lora_ledger_registry: provenance.registry,
    lora_ledger_base_root: provenance.baseRoot,
  };
  return Object.fromEntries(
    Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The adapter's tensors: entry / 2^F as float32, exactly. */
export function adapterToSafetensors(
  shape: StepShape,
  adapter: { a: Matrix; b: Matrix },
  provenance: PeftProvenance,
): SafetensorsFile {
  if (shape.aBits - 1 > FLOAT32_EXACT_BITS) {
    throw new LoraLedgerError("out_of_range", `aBits ${shape.aBits}: entries may not be exact in float32`, "aBits");
  }
  const scale = 2 ** shape.F;
  const tensor = (matrix: Matrix, rows: number, columns: number): Tensor => ({
    dtype: "F32",
    shape: [rows, columns],
    values: flatten(matrix).map((entry) => Number(entry) / scale),
  });
  return {
    tensors: {
      [PEFT_LORA_A]: tensor(adapter.a, shape.rank, shape.dIn),
      [PEFT_LORA_B]: tensor(adapter.b, shape.dOut, shape.rank),
    },
    metadata: metadataOf(provenance, shape, shape.F),
  };
}

/**
 * The merged weights W0 + α B A (integers at scale 2^3F, PROTOCOL §13) as one float64 tensor: their
 * mergedBits (50 for the digits shape) exceed float32's 24-bit significand but not float64's 53.
 */
export function mergedToSafetensors(shape: StepShape, merged: Matrix, provenance: PeftProvenance): SafetensorsFile {
  if (mergedBits(shape) - 1 > FLOAT64_EXACT_BITS) {
    throw new LoraLedgerError(
      "out_of_range",
      `merged weights of ${mergedBits(shape)} bits are not exact in float64`,
      "merged",
    );
  }
  const scale = 2 ** (3 * shape.F);
  return {
    tensors: {
      [MERGED_WEIGHT]: {
        dtype: "F64",
        shape: [shape.dOut, shape.dIn],
        values: flatten(merged).map((v) => Number(v) / scale),
      },
    },
    metadata: metadataOf(provenance, shape, 3 * shape.F),
  };
}

/**
 * A tensor's floats back to the protocol's integers: each must be k / 2^F exactly with k in the signed
 * aBits range, or the error names the tensor, the index, the value and the bound.
 */
function tensorToMatrix(
  file: SafetensorsFile,
  name: string,
  rows: number,
  columns: number,
  shape: StepShape,
  source: string,
): Matrix {
  const tensor = file.tensors[name];
  if (tensor === undefined) {
    const present = Object.keys(file.tensors).join(", ") || "none";
    throw new LoraLedgerError("missing_field", `${source}: no tensor ${name} (tensors: ${present})`, name);
  }
  if (tensor.shape.length !== 2 || tensor.shape[0] !== rows || tensor.shape[1] !== columns) {
    throw new LoraLedgerError(
      "wrong_shape",
      `${source}: ${name} has shape [${tensor.shape.join(", ")}], expected [${rows}, ${columns}] for instance shape d_in ${shape.dIn}, d_out ${shape.dOut}, r ${shape.rank}`,
      name,
    );
  }
  const scale = 2 ** shape.F;
  const { min, max } = signedBounds(shape.aBits);
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => {
      const value = tensor.values[i * columns + j] ?? Number.NaN;
      const scaled = value * scale;
      const entry = `${name}[${i}][${j}]`;
      if (!Number.isInteger(scaled)) {
        throw new LoraLedgerError(
          "out_of_range",
          `${source}: ${entry} = ${value} is not a multiple of 2^-${shape.F}: not exactly representable in the protocol's fixed point (scale 2^${shape.F})`,
          entry,
        );
      }
      const fixed = BigInt(scaled);
      if (fixed < min || fixed > max) {
        throw new LoraLedgerError(
          "out_of_range",
          `${source}: ${entry} = ${value} is outside [${Number(min) / scale}, ${Number(max) / scale}] (signed ${shape.aBits} bits at scale 2^${shape.F})`,
          entry,
        );
      }
      return fixed;
    }),
  );
}

/** The adapter of a PEFT safetensors file as the protocol's integers, and its commitment (PROTOCOL §4). */
export function adapterFromSafetensors(
  file: SafetensorsFile,
  shape: StepShape,
  source = "adapter_model.safetensors",
): { a: Matrix; b: Matrix; commitment: bigint } {
  const a = tensorToMatrix(file, PEFT_LORA_A, shape.rank, shape.dIn, shape, source);
  const b = tensorToMatrix(file, PEFT_LORA_B, shape.dOut, shape.rank, shape, source);
  return { a, b, commitment: adapterCommitment(a, b, shape) };
}
