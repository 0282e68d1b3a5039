/**
 * An adapter file → the adapter commitment(s) it holds, computed in the browser with the project's
 * library (PROTOCOL §5, src/protocol/commitments.ts). Accepted: the prove command's input of a
 * checkpoint (docs/COMMANDS.md: witness.adapter_a / adapter_b, and adapter_a_after / adapter_b_after when
 * present), a plain
 * {"adapter_a", "adapter_b"} document, both with "encoding" "real" (default) or "fixed", or the prove
 * command's answer (its statement's adapter_before / adapter_after commitments), or a proof file that
 * prove-and-submit keeps (the adapters among its publicSignals); or a Hugging Face PEFT pair
 * (adapter_model.safetensors, with or without its adapter_config.json), as `npm run adapter -- export`
 * and prove-and-submit write it.
 */
import {
  adapterCommitment,
  adapterFromSafetensors,
  decodeSafetensors,
  PEFT_FILES,
  TEMPLATES,
  toFixedMatrix,
} from "../../src/protocol/index.js";
import type { Matrix, StepShape } from "../../src/protocol/index.js";
import { AdapterFileError, isRecord, parseCommitment } from "./commitment.js";
import type { InstanceInfo } from "./ledgerData.js";

export type Encoding = "real" | "fixed";

export interface AdapterCandidate {
  /** what this adapter is, for people ("the adapter after the checkpoint") */
  label: string;
  /** where it came from in the file */
  source: string;
  commitment: bigint;
}

export interface ParsedAdapterFile {
  /** "peft": float32 tensors, each entry / 2^F exactly (the encoding fields are then "real", from the file) */
  format: "json" | "peft";
  instance: string;
  /** how the instance was chosen */
  instanceSource: "file" | "page";
  encoding: Encoding;
  encodingSource: "file" | "page";
  candidates: AdapterCandidate[];
  milliseconds: number;
}

function matrixOf(value: unknown, field: string, encoding: Encoding, shape: StepShape): Matrix {
  if (!Array.isArray(value) || !value.every((row) => Array.isArray(row)))
    throw new AdapterFileError(`${field} must be a matrix (an array of rows)`);
  const rows = value as unknown[][];
  if (encoding === "real") {
    rows.forEach((row, i) =>
      row.forEach((entry, j) => {
        if (typeof entry !== "number")
          throw new AdapterFileError(`${field}[${i}][${j}] must be a number (encoding "real")`);
      }),
    );
    return toFixedMatrix(rows as number[][], shape.F, shape.aBits, field);
  }
  return rows.map((row, i) =>
    row.map((entry, j) => {
      if (typeof entry === "number" && Number.isSafeInteger(entry)) return BigInt(entry);
      if (typeof entry === "string" && /^-?[0-9]+$/.test(entry.trim())) return BigInt(entry.trim());
      throw new AdapterFileError(
        `${field}[${i}][${j}] = ${JSON.stringify(entry)} must be an integer (encoding "fixed": a JSON integer or a decimal string)`,
      );
    }),
  );
}

function commitmentOf(
  holder: Record<string, unknown>,
  aKey: string,
  bKey: string,
  prefix: string,
  encoding: Encoding,
  shape: StepShape,
): bigint {
  const a = matrixOf(holder[aKey], `${prefix}${aKey}`, encoding, shape);
  const b = matrixOf(holder[bKey], `${prefix}${bKey}`, encoding, shape);
  try {
    return adapterCommitment(a, b, shape);
  } catch (error) {
    // The library names "a" and "b"; say which fields of the file they are.
    const message = (error as Error).message.replace(/^a\b/, `${prefix}${aKey}`).replace(/^b\b/, `${prefix}${bKey}`);
    throw new AdapterFileError(
      `${message} (instance shape: A is rank ${shape.rank} × d_in ${shape.dIn}, B is d_out ${shape.dOut} × rank ${shape.rank})`,
    );
  }
}

export function parseAdapterFile(
  text: string,
  instances: readonly InstanceInfo[],
  pageInstance: string,
  pageEncoding: Encoding,
): ParsedAdapterFile {
  const started = performance.now();
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new AdapterFileError(`the file is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new AdapterFileError("the file must hold one JSON object");

  const fileInstance = document.instance;
  if (fileInstance !== undefined && typeof fileInstance !== "string")
    throw new AdapterFileError('"instance" must be a string');
  const instanceName = fileInstance ?? pageInstance;
  const instance = instances.find((candidate) => candidate.name === instanceName);
  if (instance === undefined) {
    throw new AdapterFileError(
      `unknown circuit instance "${instanceName}" (circuits/instances.json declares ${instances.map((known) => known.name).join(", ")})`,
    );
  }
  const fileEncoding = document.encoding;
  if (fileEncoding !== undefined && fileEncoding !== "real" && fileEncoding !== "fixed")
    throw new AdapterFileError('"encoding" must be "real" or "fixed"');
  const encoding: Encoding = fileEncoding ?? pageEncoding;
  const shape = instance.params;
  const base = {
    format: "json",
    instance: instance.name,
    instanceSource: fileInstance === undefined ? "page" : "file",
    encoding,
    encodingSource: fileEncoding === undefined ? "page" : "file",
  } as const;

  const candidates: AdapterCandidate[] = [];
  const witness = document.witness;
  if (isRecord(witness)) {
    if (witness.adapter_a_after !== undefined || witness.adapter_b_after !== undefined) {
      candidates.push({
        label: "Adapter after the checkpoint",
        source: "witness.adapter_a_after, witness.adapter_b_after",
        commitment: commitmentOf(witness, "adapter_a_after", "adapter_b_after", "witness.", encoding, shape),
      });
    }
    candidates.push({
      label: candidates.length > 0 ? "Adapter before the checkpoint" : "Adapter",
      source: "witness.adapter_a, witness.adapter_b",
      commitment: commitmentOf(witness, "adapter_a", "adapter_b", "witness.", encoding, shape),
    });
  } else if (document.adapter_a !== undefined || document.adapter_b !== undefined) {
    candidates.push({
      label: "Adapter",
      source: "adapter_a, adapter_b",
      commitment: commitmentOf(document, "adapter_a", "adapter_b", "", encoding, shape),
    });
  } else if (
    isRecord(document.statement) &&
    (document.statement.adapter_after !== undefined || document.statement.adapter_before !== undefined)
  ) {
    for (const [key, label] of [
      ["adapter_after", "Adapter after the checkpoint"],
      ["adapter_before", "Adapter before the checkpoint"],
    ] as const) {
      const value = document.statement[key];
      if (typeof value === "string")
        candidates.push({
          label,
          source: `statement.${key} (a commitment, as written)`,
          commitment: parseCommitment(value),
        });
    }
  } else if (Array.isArray(document.publicSignals)) {
    // A proof file prove-and-submit keeps (runs/…: instance, publicSignals, proof): the adapters are
    // public signals of the instance's template, at the positions circuits/instances.json gives.
    const signals = document.publicSignals as unknown[];
    const names: readonly string[] =
      (TEMPLATES as Record<string, { publicInputs: readonly string[] }>)[instance.template]?.publicInputs ?? [];
    for (const [name, label] of [
      ["adapterAfter", "Adapter after the checkpoint"],
      ["adapterBefore", "Adapter before the checkpoint"],
      ["adapterStart", "The run's start"],
      ["adapter", "Adapter of the merge"],
    ] as const) {
      const value = signals[names.indexOf(name)];
      if (names.includes(name) && typeof value === "string")
        candidates.push({ label, source: `publicSignals (${name}, a commitment)`, commitment: parseCommitment(value) });
    }
  }
  if (candidates.length === 0) {
    throw new AdapterFileError(
      'no adapter in the file: expected "adapter_a" and "adapter_b" (a run\'s adapter.json), the prove command\'s input (witness.adapter_a / adapter_b) or answer (statement.adapter_after), or a proof file of a run (publicSignals)',
    );
  }
  return { ...base, candidates, milliseconds: performance.now() - started };
}

/** A dropped file's name and bytes. */
export interface DroppedFile {
  name: string;
  bytes: Uint8Array;
}

/** Whether the files dropped together are a PEFT pair (or its safetensors alone) rather than one JSON file. */
export function isPeftDrop(files: readonly { name: string }[]): boolean {
  return files.some((file) => file.name.endsWith(".safetensors"));
}

function instanceFromConfig(config: DroppedFile | undefined): string | undefined {
  if (config === undefined) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(config.bytes)) as unknown;
  } catch (error) {
    throw new AdapterFileError(`${config.name} is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new AdapterFileError(`${config.name} must hold one JSON object`);
  const ledger = document.lora_ledger;
  return isRecord(ledger) && typeof ledger.instance === "string" ? ledger.instance : undefined;
}

/**
 * A PEFT pair → its adapter's commitment: the tensors lora_A (r × d_in) and lora_B (d_out × r) read back
 * to the protocol's integers (each float must be k / 2^F exactly, or the error names the entry). The
 * instance is the one adapter_config.json's "lora_ledger" or the safetensors metadata names, else the page's.
 */
export function parsePeftFiles(
  files: readonly DroppedFile[],
  instances: readonly InstanceInfo[],
  pageInstance: string,
): ParsedAdapterFile {
  const started = performance.now();
  const tensors = files.filter((file) => file.name.endsWith(".safetensors"));
  const [weights] = tensors;
  if (weights === undefined || tensors.length > 1) {
    throw new AdapterFileError(
      `drop one ${PEFT_FILES.adapter} (with its ${PEFT_FILES.config} if you have it); got ${tensors.map((file) => file.name).join(", ") || "none"}`,
    );
  }
  const others = files.filter((file) => file !== weights);
  const config = others.find((file) => file.name.endsWith(".json"));
  const stray = others.find((file) => file !== config);
  if (stray !== undefined)
    throw new AdapterFileError(`${stray.name}: a PEFT pair is ${PEFT_FILES.adapter} and ${PEFT_FILES.config} only`);
  let decoded;
  try {
    decoded = decodeSafetensors(weights.bytes, weights.name);
  } catch (error) {
    throw new AdapterFileError((error as Error).message);
  }
  const named = instanceFromConfig(config) ?? decoded.metadata.lora_ledger_instance;
  const instanceName = named ?? pageInstance;
  const instance = instances.find((candidate) => candidate.name === instanceName);
  if (instance === undefined) {
    throw new AdapterFileError(
      `unknown circuit instance "${instanceName}" (circuits/instances.json declares ${instances.map((known) => known.name).join(", ")})`,
    );
  }
  let commitment: bigint;
  try {
    ({ commitment } = adapterFromSafetensors(decoded, instance.params, weights.name));
  } catch (error) {
    throw new AdapterFileError((error as Error).message);
  }
  return {
    format: "peft",
    instance: instance.name,
    instanceSource: named === undefined ? "page" : "file",
    encoding: "real",
    encodingSource: "file",
    candidates: [
      {
        label: "Adapter (PEFT)",
        source: `${weights.name}: lora_A, lora_B (float32, exact at 2^${instance.params.F})`,
        commitment,
      },
    ],
    milliseconds: performance.now() - started,
  };
}
