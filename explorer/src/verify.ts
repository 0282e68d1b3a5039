/**
 * "Verify again": a recorded step's (or merge's) proof, decoded from the calldata of the transaction
 * that recorded it, verified in the browser with snarkjs against the instance's verification key.
 */
import type { Groth16Proof, VerificationKey } from "snarkjs";
import type { Connection, RunSummary, VerifiedMerge, VerifiedStep } from "./chain.js";
import { ActionableError, instanceOfCircuit } from "./chain.js";
import { verificationKeyUrl, type InstanceInfo } from "./ledgerData.js";

/** PROTOCOL §7, in order. */
export const PUBLIC_INPUT_NAMES = ["baseRoot", "datasetRoot", "hparamsHash", "adapterBefore", "adapterAfter", "step", "submitter"] as const;

/** PROTOCOL §9, in order (= MERGE_PUBLIC_INPUTS of src/node/instances.ts, which is Node-only). */
export const MERGE_PUBLIC_INPUT_NAMES = ["baseRoot", "adapter", "hparamsHash", "mergedRoot"] as const;

export interface Reverification {
  valid: boolean;
  /** groth16.verify only */
  verifyMilliseconds: number;
  /** fetching the transaction and the key, decoding, verifying */
  totalMilliseconds: number;
  method: "submitStep" | "submitSteps";
  /** position of the step in a submitSteps batch */
  batchIndex: number;
  batchSize: number;
  publicSignals: string[];
  proof: Groth16Proof;
  instance: string;
  from: string;
}

interface SolidityProofLike {
  a: readonly [bigint, bigint] | readonly bigint[];
  b: readonly (readonly bigint[])[];
  c: readonly bigint[];
}

/** EVM order → snarkjs: G2 coordinates are swapped back (inverse of src/prover.ts toSolidityProof). */
export function snarkjsProof(proof: SolidityProofLike): Groth16Proof {
  const at = (values: readonly bigint[] | undefined, index: number): string => {
    const value = values?.[index];
    if (value === undefined) throw new Error(`malformed proof in calldata: coordinate ${index} missing`);
    return value.toString();
  };
  return {
    pi_a: [at(proof.a, 0), at(proof.a, 1), "1"],
    pi_b: [
      [at(proof.b[0], 1), at(proof.b[0], 0)],
      [at(proof.b[1], 1), at(proof.b[1], 0)],
      ["1", "0"],
    ],
    pi_c: [at(proof.c, 0), at(proof.c, 1), "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

const keys = new Map<string, Promise<VerificationKey>>();

function verificationKey(instance: InstanceInfo): Promise<VerificationKey> {
  let key = keys.get(instance.name);
  if (key === undefined) {
    key = (async () => {
      const response = await fetch(verificationKeyUrl(instance.name), { cache: "no-store" });
      if (!response.ok) {
        throw new ActionableError(
          "Verification key missing",
          `build/circuits/${instance.name}/verification_key.json could not be read (HTTP ${response.status}).`,
          "Build the circuits: `npm run build:circuits`",
        );
      }
      return (await response.json()) as VerificationKey;
    })();
    key.catch(() => keys.delete(instance.name));
    keys.set(instance.name, key);
  }
  return key;
}

export async function verifyAgain(
  connection: Connection,
  run: RunSummary,
  step: VerifiedStep,
  history: readonly VerifiedStep[],
  instance: InstanceInfo,
): Promise<Reverification> {
  const started = performance.now();
  const keyPromise = verificationKey(instance);
  const transaction = await connection.provider.getTransaction(step.transactionHash);
  if (transaction === null) throw new ActionableError("Transaction not found", `The node does not know transaction ${step.transactionHash}.`, "Is the node pruned, or was it restarted?");
  if (transaction.to?.toLowerCase() !== connection.registryAddress.toLowerCase()) {
    throw new ActionableError(
      "Cannot decode this step's proof",
      `Transaction ${step.transactionHash} was sent to ${transaction.to ?? "no address"}, not to the registry: the step was submitted through another contract, whose calldata the page cannot decode.`,
    );
  }
  const parsed = connection.registry.interface.parseTransaction({ data: transaction.data, value: transaction.value });
  let proofStruct: SolidityProofLike;
  let adapterAfter: bigint;
  let method: Reverification["method"];
  let batchIndex = 0;
  let batchSize = 1;
  if (parsed?.name === "submitStep") {
    method = "submitStep";
    adapterAfter = parsed.args[1] as bigint;
    proofStruct = parsed.args[2] as SolidityProofLike;
  } else if (parsed?.name === "submitSteps") {
    method = "submitSteps";
    const submissions = parsed.args[1] as readonly { adapterAfter: bigint; proof: SolidityProofLike }[];
    // A batch records consecutive steps: its first is the smallest step this transaction verified.
    const inTransaction = history.filter((other) => other.transactionHash === step.transactionHash).map((other) => other.step);
    const first = inTransaction.reduce((smallest, value) => (value < smallest ? value : smallest), step.step);
    batchIndex = Number(step.step - first);
    batchSize = submissions.length;
    const submission = submissions[batchIndex];
    if (submission === undefined) throw new Error(`step ${step.step} is not in the submitSteps batch of ${submissions.length} of ${step.transactionHash}`);
    adapterAfter = submission.adapterAfter;
    proofStruct = submission.proof;
  } else {
    throw new ActionableError("Cannot decode this step's proof", `Transaction ${step.transactionHash} calls ${parsed?.name ?? "an unknown function"}, not submitStep or submitSteps.`);
  }
  if (parsed.args[0] !== run.runId) throw new Error(`transaction ${step.transactionHash} submits to run ${String(parsed.args[0])}, not run ${run.runId}`);
  if (adapterAfter !== step.adapterAfter) throw new Error(`the calldata claims adapter ${adapterAfter}, the StepVerified event ${step.adapterAfter}`);

  // The registry assembles the public inputs itself (PROTOCOL §7); the submitter is the transaction's sender.
  const publicSignals = [run.baseRoot, run.datasetRoot, run.hparamsHash, step.adapterBefore, step.adapterAfter, step.step, BigInt(transaction.from)].map(String);
  const proof = snarkjsProof(proofStruct);
  const key = await keyPromise;
  // snarkjs (its browser build, resolved through the package's "browser" export) loads on first use.
  const { groth16 } = await import("snarkjs");
  const verifyStarted = performance.now();
  const valid = await groth16.verify(key, publicSignals, proof);
  const done = performance.now();
  return {
    valid,
    verifyMilliseconds: done - verifyStarted,
    totalMilliseconds: done - started,
    method,
    batchIndex,
    batchSize,
    publicSignals,
    proof,
    instance: instance.name,
    from: transaction.from,
  };
}

export interface MergeReverification {
  valid: boolean;
  verifyMilliseconds: number;
  totalMilliseconds: number;
  publicSignals: string[];
  proof: Groth16Proof;
  /** the LoraMerge instance the calldata's mergeCircuitId names */
  instance: string;
  mergeCircuitId: string;
  from: string;
}

/**
 * A recorded merge's proof, decoded from its recordMerge(runId, step, mergeCircuitId, mergedRoot, proof)
 * calldata, verified against the merge instance's key with the public inputs the registry assembles:
 * [run.baseRoot, adapterAfterStep(runId, step), run.hparamsHash, mergedRoot].
 */
export async function verifyMergeAgain(connection: Connection, run: RunSummary, merge: VerifiedMerge, instances: readonly InstanceInfo[]): Promise<MergeReverification> {
  const started = performance.now();
  const [transaction, adapter] = await Promise.all([connection.provider.getTransaction(merge.transactionHash), connection.registry.adapterAfterStep(run.runId, merge.step)]);
  if (transaction === null) throw new ActionableError("Transaction not found", `The node does not know transaction ${merge.transactionHash}.`, "Is the node pruned, or was it restarted?");
  if (transaction.to?.toLowerCase() !== connection.registryAddress.toLowerCase()) {
    throw new ActionableError(
      "Cannot decode this merge's proof",
      `Transaction ${merge.transactionHash} was sent to ${transaction.to ?? "no address"}, not to the registry: the merge was recorded through another contract, whose calldata the page cannot decode.`,
    );
  }
  const parsed = connection.registry.interface.parseTransaction({ data: transaction.data, value: transaction.value });
  if (parsed?.name !== "recordMerge") {
    throw new ActionableError("Cannot decode this merge's proof", `Transaction ${merge.transactionHash} calls ${parsed?.name ?? "an unknown function"}, not recordMerge.`);
  }
  const [runId, step, mergeCircuitId, mergedRoot, proofStruct] = parsed.args as unknown as [bigint, bigint, string, bigint, SolidityProofLike];
  if (runId !== run.runId) throw new Error(`transaction ${merge.transactionHash} records a merge of run ${runId}, not run ${run.runId}`);
  if (step !== merge.step) throw new Error(`the calldata names step ${step}, the MergeVerified event step ${merge.step}`);
  if (mergedRoot !== merge.mergedRoot) throw new Error(`the calldata claims merged root ${mergedRoot}, the MergeVerified event ${merge.mergedRoot}`);
  if (adapter !== merge.adapter) throw new Error(`adapterAfterStep(${run.runId}, ${merge.step}) is ${adapter}, the MergeVerified event names ${merge.adapter}`);
  const instance = instanceOfCircuit(mergeCircuitId, instances);
  if (instance === undefined) {
    throw new ActionableError(
      "Unknown merge circuit",
      `The merge's circuit id ${mergeCircuitId} is the keccak256 of no instance in circuits/instances.json.`,
      "Use the project checkout that deployed this registry.",
    );
  }
  if (instance.template !== "LoraMerge") throw new Error(`the merge names circuit ${instance.name}, a ${instance.template} instance, not a LoraMerge one`);
  const keyPromise = verificationKey(instance);

  // The registry assembles the public inputs itself (PROTOCOL §9): nothing of them comes from the caller but mergedRoot.
  const publicSignals = [run.baseRoot, adapter, run.hparamsHash, mergedRoot].map(String);
  const proof = snarkjsProof(proofStruct);
  const key = await keyPromise;
  const { groth16 } = await import("snarkjs");
  const verifyStarted = performance.now();
  const valid = await groth16.verify(key, publicSignals, proof);
  const done = performance.now();
  return {
    valid,
    verifyMilliseconds: done - verifyStarted,
    totalMilliseconds: done - started,
    publicSignals,
    proof,
    instance: instance.name,
    mergeCircuitId,
    from: transaction.from,
  };
}
