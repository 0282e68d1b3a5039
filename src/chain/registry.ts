/**
 * Helpers to talk to LoraLedgerRegistryV2 (contracts/LoraLedgerRegistryV2.sol): circuit ids, verifier
 * registrations, proof structs and the public inputs the registry assembles (PROTOCOL §12).
 */
import { AbiCoder, id, keccak256 } from "ethers";
import type { Groth16Proof } from "snarkjs";
import {
  baseLayout,
  INSTANCES,
  FIELD_MODULUS,
  packStepSubmitter,
  toSolidityProof,
  type CircuitInstance,
  type SolidityProof,
} from "../protocol/index.js";

/** The registry's SNARK_SCALAR_FIELD (the BN254 scalar field modulus). */
export const SNARK_SCALAR_FIELD: bigint = FIELD_MODULUS;

/** The registry's id of a circuit instance: keccak256 of the UTF-8 bytes of its name (ethers `id`). */
export function circuitIdOf(instanceName: string): string {
  return id(instanceName);
}

/** The instance of this checkout's circuits/instances.json whose circuit id is `circuitId`, if any. */
export function instanceOfCircuitId(circuitId: string): CircuitInstance | undefined {
  const wanted = circuitId.toLowerCase();
  return INSTANCES.instances.find((instance) => circuitIdOf(instance.name) === wanted);
}

/** The registry's `Proof` struct ({a, b, c} in EVM order) from a snarkjs proof. */
export function registryProof(proof: Groth16Proof): SolidityProof {
  return toSolidityProof(proof);
}

/**
 * The future id of the registry in the LoraLedger Ignition module (deploy/modules/LoraLedger.ts): its key
 * in Ignition's record of a deployment (deploy/deployments/chain-<id>/deployed_addresses.json).
 */
export const REGISTRY_V2_FUTURE_ID = "LoraLedger#LoraLedgerRegistryV2";

/** ILoraLedgerRegistryV2.VerifierKind, by value. */
export const VERIFIER_KIND = { None: 0, RunStart: 1, Checkpoint: 2, ProjectionBlock: 3, MergeBlock: 4 } as const;

const KIND_OF_TEMPLATE: Partial<Record<CircuitInstance["template"], number>> = {
  LoraRunStart: VERIFIER_KIND.RunStart,
  LoraCheckpoint: VERIFIER_KIND.Checkpoint,
  BaseProjectionBlock: VERIFIER_KIND.ProjectionBlock,
  LoraMergeBlock: VERIFIER_KIND.MergeBlock,
};

/** What registerVerifier needs to know of a version-2 instance (ILoraLedgerRegistryV2.VerifierRecord). */
export interface VerifierRegistration {
  circuitId: string;
  kind: number;
  /** k for a checkpoint, the base model's column blocks for a projection or merge block, 1 for a start */
  count: number;
  /** keccak256(abi.encode(d_out, d_in, rank)) of the step shape the instance serves */
  shapeId: string;
}

/** The registration of a version-2 instance, from circuits/instances.json; undefined for a version-1 one. */
export function verifierRegistration(instance: CircuitInstance): VerifierRegistration | undefined {
  const kind = KIND_OF_TEMPLATE[instance.template];
  if (kind === undefined) return undefined;
  const { dIn, dOut, rank, steps } = instance.params;
  const blocks = baseLayout(dIn, dOut).blocks;
  const count = kind === VERIFIER_KIND.Checkpoint ? (steps ?? 1) : kind === VERIFIER_KIND.RunStart ? 1 : blocks;
  return {
    circuitId: circuitIdOf(instance.name),
    kind,
    count,
    shapeId: keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256", "uint256"], [dOut, dIn, rank])),
  };
}

/** The registry's `CheckpointSubmission` struct, for submitCheckpoints. */
export interface CheckpointSubmission {
  adapterAfter: bigint;
  loss: bigint;
  proof: SolidityProof;
}

export function checkpointSubmission(adapterAfter: bigint, loss: bigint, proof: Groth16Proof): CheckpointSubmission {
  return { adapterAfter, loss, proof: toSolidityProof(proof) };
}

/**
 * The public inputs the registry gives a checkpoint's verifier: [runConfig, head, adapterAfter,
 * nextStep · 2^160 + submitter, loss] (PROTOCOL §12).
 */
export function registryCheckpointInputs(
  run: { runConfig: bigint; head: bigint; nextStep: bigint },
  adapterAfter: bigint,
  loss: bigint,
  submitter: string,
): bigint[] {
  return [run.runConfig, run.head, adapterAfter, packStepSubmitter(run.nextStep, BigInt(submitter)), loss];
}
