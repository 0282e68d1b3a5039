/** Proving a checked input with the instance's artifacts, and the proof as calldata. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import {
  LoraLedgerError,
  type CircuitInstance,
  TEMPLATES,
  GROTH16_PROOF_BYTES,
  toSolidityProof,
} from "../../../protocol/index.js";
import { instanceArtifacts, type Progress, proveWithInstance, type ProofResult } from "../../../node/index.js";
import type { Calldata, PreparedRunProof, ProofMetadata, RunProveAnswer } from "./answers.js";
import { documentFieldName, namedSignals } from "../runStatements.js";

export const manifestSchema = z.object({ constraints: z.number().int().nonnegative() });

export function constraintCount(instance: CircuitInstance): number {
  const file = instanceArtifacts(instance.name).manifest;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new LoraLedgerError(
      "artifacts_missing",
      `build/circuits/${instance.name}/manifest.json is missing: build the instance first with \`npm run build:circuits -- ${instance.name}\``,
      "instance",
    );
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`build/circuits/${instance.name}/manifest.json has no constraint count`);
  return parsed.data.constraints;
}

/** Proves a circuit input with the instance, progress on stderr, and checks the public signals. */
export async function proveChecked(
  instance: CircuitInstance,
  circuitInput: Record<string, unknown>,
  expectedSignals: readonly bigint[],
  signalNames: readonly string[],
  progress: Progress,
): Promise<{ result: ProofResult; constraints: number; calldata: Calldata; metadata: ProofMetadata }> {
  const constraints = constraintCount(instance);
  progress.step(`computing the witness and proving (${constraints} constraints)`);
  const result = await proveWithInstance(instance.name, circuitInput);
  progress.done(`witness ${result.witnessSeconds.toFixed(2)} s, proof ${result.provingSeconds.toFixed(2)} s`);

  const expectedText = expectedSignals.map((v) => v.toString());
  const differing = expectedText.findIndex((value, i) => result.publicSignals[i] !== value);
  if (differing !== -1 || result.publicSignals.length !== expectedText.length) {
    throw new Error(
      `the circuit's public signals differ from the statement at ${signalNames[differing] ?? "their count"}; is the build current?`,
    );
  }
  const solidity = toSolidityProof(result.proof);
  const dec = (v: bigint): string => v.toString();
  return {
    result,
    constraints,
    calldata: {
      a: [dec(solidity.a[0]), dec(solidity.a[1])],
      b: [
        [dec(solidity.b[0][0]), dec(solidity.b[0][1])],
        [dec(solidity.b[1][0]), dec(solidity.b[1][1])],
      ],
      c: [dec(solidity.c[0]), dec(solidity.c[1])],
      input: expectedText,
    },
    metadata: {
      constraints,
      proof_size_bytes: GROTH16_PROOF_BYTES,
      witness_seconds: result.witnessSeconds,
      proving_seconds: result.provingSeconds,
    },
  };
}

/** Proves a checked version-2 statement and answers it as `prove` does every proof. */
export async function proveRun(prepared: PreparedRunProof, progress: Progress): Promise<RunProveAnswer> {
  const { instance, template } = prepared;
  progress.step(`${instance.name}: ${prepared.summary}`);
  const signalNames = TEMPLATES[template].publicInputs.map((input: string) => documentFieldName(input));
  const proven = await proveChecked(instance, prepared.circuitInput, prepared.signals, signalNames, progress);
  return {
    success: true,
    instance: instance.name,
    encoding: prepared.encoding,
    statement: prepared.normalizedStatement,
    proof: proven.result.proof,
    public_signals: proven.result.publicSignals,
    public_inputs: namedSignals(template, prepared.signals),
    calldata: proven.calldata,
    ...(prepared.mergedWeights === undefined ? {} : { merged_weights: prepared.mergedWeights }),
    metadata: { ...proven.metadata, ...prepared.metadata },
  };
}
