/**
 * Helpers to talk to the LoraLedgerRegistry contract (contracts/LoraLedgerRegistry.sol): circuit ids,
 * proof structs and the public inputs the registry assembles (PROTOCOL §7).
 */
import { id } from "ethers";
import type { Groth16Proof } from "snarkjs";
import { FIELD_MODULUS, toSolidityProof, type SolidityProof } from "../protocol/index.js";

/**
 * The future id of the registry in the LoraLedger Ignition module (deploy/modules/LoraLedger.ts): its
 * key in Ignition's record of a deployment (deploy/deployments/chain-<id>/deployed_addresses.json).
 */
export const REGISTRY_FUTURE_ID = "LoraLedger#LoraLedgerRegistry";

/** The registry's SNARK_SCALAR_FIELD (the BN254 scalar field modulus). */
export const SNARK_SCALAR_FIELD: bigint = FIELD_MODULUS;

/** The registry's id of a circuit instance: keccak256 of the UTF-8 bytes of its name (ethers `id`). */
export function circuitIdOf(instanceName: string): string {
  return id(instanceName);
}

/** The registry's `Proof` struct ({a, b, c} in EVM order) from a snarkjs proof. */
export function registryProof(proof: Groth16Proof): SolidityProof {
  return toSolidityProof(proof);
}

/** The registry's `StepSubmission` struct, for submitSteps. */
export interface StepSubmission {
  adapterAfter: bigint;
  proof: SolidityProof;
}

export function stepSubmission(adapterAfter: bigint, proof: Groth16Proof): StepSubmission {
  return { adapterAfter, proof: toSolidityProof(proof) };
}

/** The run state the registry reads to assemble a step's public inputs. */
export interface RunState {
  baseRoot: bigint;
  datasetRoot: bigint;
  hparamsHash: bigint;
  head: bigint;
  nextStep: bigint;
}

/**
 * The public inputs the registry gives the verifier for a step of a run submitted by `submitter`:
 * [baseRoot, datasetRoot, hparamsHash, head, adapterAfter, nextStep, submitter] (PROTOCOL §7). A proof is
 * accepted only if it was made for exactly these values.
 */
export function registryPublicInputs(run: RunState, adapterAfter: bigint, submitter: string): bigint[] {
  return [run.baseRoot, run.datasetRoot, run.hparamsHash, run.head, adapterAfter, run.nextStep, BigInt(submitter)];
}

/** The run state the registry reads to assemble a merge's public inputs. */
export interface MergeRunState {
  baseRoot: bigint;
  hparamsHash: bigint;
}

/**
 * The public inputs the registry gives the merge verifier in recordMerge: [run.baseRoot,
 * adapterAfterStep(runId, step), run.hparamsHash, mergedRoot] (PROTOCOL §9). A merge proof is accepted
 * only if it was made for exactly these values; it names no submitter, so anyone may record it.
 */
export function registryMergeInputs(run: MergeRunState, adapter: bigint, mergedRoot: bigint): bigint[] {
  return [run.baseRoot, adapter, run.hparamsHash, mergedRoot];
}
