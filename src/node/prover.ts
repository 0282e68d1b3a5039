import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import { LoraLedgerError } from "../protocol/index.js";
import { PROJECT_ROOT, instanceArtifacts } from "./instances.js";

export interface ProofResult {
  proof: Groth16Proof;
  publicSignals: string[];
  witnessSeconds: number;
  provingSeconds: number;
}

function requireArtifact(file: string, instanceName: string): string {
  if (!existsSync(file)) {
    throw new LoraLedgerError(
      "artifacts_missing",
      `${path.relative(PROJECT_ROOT, file)} is missing: build the instance first with \`npm run build:circuits -- ${instanceName}\``,
      "instance",
    );
  }
  return file;
}

/**
 * circom's witness calculator fails with "Assert Failed. Error in template X_12 line: 80" when an input
 * breaks a constraint. Say which part of the statement that is about.
 */
export function explainWitnessFailure(error: unknown): LoraLedgerError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /Error in template (\w+?)(?:_\d+)? line: (\d+)/.exec(message);
  const template = match?.[1] ?? "unknown";
  const hints: Record<string, string> = {
    LoraStep: "a commitment, the batch position or the update does not match the witness",
    PackHash: "a value is outside its fixed-point range",
    UnsignedRange: "a value is outside its range (an entry, a remainder or a position)",
    SignedRange: "a value is outside its signed fixed-point range",
    BelowConstant: "the adapters after are not the rounded gradient step from the adapters before",
    RoundShift: "an intermediate rescale is out of range",
    MerkleRoot: "an example is not in the dataset tree at its position",
  };
  const where = match === null ? "" : ` (template ${template}, line ${match[2]})`;
  return new LoraLedgerError(
    "statement_mismatch",
    `the witness does not satisfy the circuit${where}: ${hints[template] ?? "see the circuit source"}. circom said: ${message.split("\n")[0]}`,
  );
}

/** Computes the witness and a Groth16 proof with the instance's wasm and zkey. */
export async function proveWithInstance(
  instanceName: string,
  circuitInput: Record<string, unknown>,
): Promise<ProofResult> {
  const artifacts = instanceArtifacts(instanceName);
  const wasm = requireArtifact(artifacts.wasm, instanceName);
  const zkey = requireArtifact(artifacts.zkey, instanceName);
  const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  const witnessStarted = performance.now();
  try {
    await snarkjs.wtns.calculate(circuitInput, wasm, witness);
  } catch (error) {
    throw explainWitnessFailure(error);
  }
  const provingStarted = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, witness);
  const provingEnded = performance.now();
  return {
    proof,
    publicSignals,
    witnessSeconds: (provingStarted - witnessStarted) / 1000,
    provingSeconds: (provingEnded - provingStarted) / 1000,
  };
}

export function loadVerificationKey(instanceName: string): VerificationKey {
  const file = requireArtifact(instanceArtifacts(instanceName).verificationKey, instanceName);
  return JSON.parse(readFileSync(file, "utf8")) as VerificationKey;
}

export async function verifyWithInstance(
  instanceName: string,
  publicSignals: string[],
  proof: Groth16Proof,
): Promise<boolean> {
  return snarkjs.groth16.verify(loadVerificationKey(instanceName), publicSignals, proof);
}

/**
 * snarkjs keeps worker threads alive behind a cached curve; without terminating it, mocha and scripts
 * never exit.
 */
export async function releaseProverThreads(): Promise<void> {
  // ffjavascript sets it to null until a curve is built: nothing to release then.
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = holder.curve_bn128;
  if (curve !== undefined && curve !== null) {
    delete holder.curve_bn128;
    await curve.terminate();
  }
}
