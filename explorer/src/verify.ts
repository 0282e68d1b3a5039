/**
 * "Verify again": a recorded step's (or merge's) proof, decoded from the calldata of the transaction
 * that recorded it, verified in the browser with snarkjs against the instance's verification key.
 */
import type { TransactionResponse } from "ethers";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import {
  registryMergeInputs,
  registryPublicInputs,
  type RunSummary,
  type VerifiedMerge,
  type VerifiedStep,
} from "../../src/chain/index.js";
import { instanceOfCircuit, type Connection } from "./chain.js";
import { ActionableError } from "./errors.js";
import { verificationKeyUrl, type InstanceInfo } from "./ledgerData.js";

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

/** EVM order → snarkjs: G2 coordinates are swapped back (the inverse of toSolidityProof of src/protocol, which has none). */
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

/** Phase 1: the transaction that recorded a step or a merge, sent to the registry itself (else its calldata is another contract's). */
async function registryTransaction(
  connection: Connection,
  transactionHash: string,
  what: "step" | "merge",
): Promise<TransactionResponse> {
  const transaction = await connection.provider.getTransaction(transactionHash);
  if (transaction === null)
    throw new ActionableError(
      "Transaction not found",
      `The node does not know transaction ${transactionHash}.`,
      "Is the node pruned, or was it restarted?",
    );
  if (transaction.to?.toLowerCase() !== connection.registryAddress.toLowerCase()) {
    throw new ActionableError(
      `Cannot decode this ${what}'s proof`,
      `Transaction ${transactionHash} was sent to ${transaction.to ?? "no address"}, not to the registry: the ${what} was ${what === "step" ? "submitted" : "recorded"} through another contract, whose calldata the page cannot decode.`,
    );
  }
  return transaction;
}

/** Phase 3: groth16.verify of snarkjs's browser build (loaded on first use), timed. */
async function groth16Verify(
  keyPromise: Promise<VerificationKey>,
  publicSignals: string[],
  proof: Groth16Proof,
): Promise<{ valid: boolean; verifyMilliseconds: number; done: number }> {
  const key = await keyPromise;
  // snarkjs (its browser build, resolved through the package's "browser" export) loads on first use.
  const { groth16 } = await import("snarkjs");
  const verifyStarted = performance.now();
  const valid = await groth16.verify(key, publicSignals, proof);
  const done = performance.now();
  return { valid, verifyMilliseconds: done - verifyStarted, done };
}

interface StepCall {
  method: Reverification["method"];
  batchIndex: number;
  batchSize: number;
  adapterAfter: bigint;
  proof: SolidityProofLike;
}

/** Phase 2 of a step: its entry of submitStep(runId, adapterAfter, proof) or submitSteps(runId, steps[]). */
function decodeStepCall(
  connection: Connection,
  transaction: TransactionResponse,
  run: RunSummary,
  step: VerifiedStep,
  history: readonly VerifiedStep[],
): StepCall {
  const parsed = connection.registry.interface.parseTransaction({ data: transaction.data, value: transaction.value });
  let call: StepCall;
  if (parsed?.name === "submitStep") {
    call = {
      method: "submitStep",
      batchIndex: 0,
      batchSize: 1,
      adapterAfter: parsed.args[1] as bigint,
      proof: parsed.args[2] as SolidityProofLike,
    };
  } else if (parsed?.name === "submitSteps") {
    const submissions = parsed.args[1] as readonly { adapterAfter: bigint; proof: SolidityProofLike }[];
    // A batch records consecutive steps: its first is the smallest step this transaction verified.
    const inTransaction = history
      .filter((other) => other.transactionHash === step.transactionHash)
      .map((other) => other.step);
    const first = inTransaction.reduce((smallest, value) => (value < smallest ? value : smallest), step.step);
    const batchIndex = Number(step.step - first);
    const submission = submissions[batchIndex];
    if (submission === undefined)
      throw new Error(
        `step ${step.step} is not in the submitSteps batch of ${submissions.length} of ${step.transactionHash}`,
      );
    call = {
      method: "submitSteps",
      batchIndex,
      batchSize: submissions.length,
      adapterAfter: submission.adapterAfter,
      proof: submission.proof,
    };
  } else {
    throw new ActionableError(
      "Cannot decode this step's proof",
      `Transaction ${step.transactionHash} calls ${parsed?.name ?? "an unknown function"}, not submitStep or submitSteps.`,
    );
  }
  if (parsed.args[0] !== run.runId)
    throw new Error(
      `transaction ${step.transactionHash} submits to run ${String(parsed.args[0])}, not run ${run.runId}`,
    );
  if (call.adapterAfter !== step.adapterAfter)
    throw new Error(`the calldata claims adapter ${call.adapterAfter}, the StepVerified event ${step.adapterAfter}`);
  return call;
}

/** A recorded step's proof, decoded from its transaction's calldata, verified against the instance's key. */
export async function verifyAgain(
  connection: Connection,
  run: RunSummary,
  step: VerifiedStep,
  history: readonly VerifiedStep[],
  instance: InstanceInfo,
): Promise<Reverification> {
  const started = performance.now();
  const keyPromise = verificationKey(instance);
  const transaction = await registryTransaction(connection, step.transactionHash, "step");
  const call = decodeStepCall(connection, transaction, run, step, history);
  // The registry assembles the public inputs itself (PROTOCOL §7), from the run as it was before the
  // step (head = the step's adapterBefore, nextStep = the step); the submitter is the transaction's sender.
  const runBefore = {
    baseRoot: run.baseRoot,
    datasetRoot: run.datasetRoot,
    hparamsHash: run.hparamsHash,
    head: step.adapterBefore,
    nextStep: step.step,
  };
  const publicSignals = registryPublicInputs(runBefore, step.adapterAfter, transaction.from).map(String);
  const proof = snarkjsProof(call.proof);
  const { valid, verifyMilliseconds, done } = await groth16Verify(keyPromise, publicSignals, proof);
  return {
    valid,
    verifyMilliseconds,
    totalMilliseconds: done - started,
    method: call.method,
    batchIndex: call.batchIndex,
    batchSize: call.batchSize,
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

interface MergeCall {
  mergeCircuitId: string;
  mergedRoot: bigint;
  proof: SolidityProofLike;
}

/** Phase 2 of a merge: recordMerge(runId, step, mergeCircuitId, mergedRoot, proof), checked against its MergeVerified event. */
function decodeMergeCall(
  connection: Connection,
  transaction: TransactionResponse,
  run: RunSummary,
  merge: VerifiedMerge,
  adapter: bigint,
): MergeCall {
  const parsed = connection.registry.interface.parseTransaction({ data: transaction.data, value: transaction.value });
  if (parsed?.name !== "recordMerge") {
    throw new ActionableError(
      "Cannot decode this merge's proof",
      `Transaction ${merge.transactionHash} calls ${parsed?.name ?? "an unknown function"}, not recordMerge.`,
    );
  }
  const [runId, step, mergeCircuitId, mergedRoot, proof] = parsed.args as unknown as [
    bigint,
    bigint,
    string,
    bigint,
    SolidityProofLike,
  ];
  if (runId !== run.runId)
    throw new Error(`transaction ${merge.transactionHash} records a merge of run ${runId}, not run ${run.runId}`);
  if (step !== merge.step)
    throw new Error(`the calldata names step ${step}, the MergeVerified event step ${merge.step}`);
  if (mergedRoot !== merge.mergedRoot)
    throw new Error(`the calldata claims merged root ${mergedRoot}, the MergeVerified event ${merge.mergedRoot}`);
  if (adapter !== merge.adapter)
    throw new Error(
      `adapterAfterStep(${run.runId}, ${merge.step}) is ${adapter}, the MergeVerified event names ${merge.adapter}`,
    );
  return { mergeCircuitId, mergedRoot, proof };
}

/** The LoraMerge instance a merge's circuit id names. */
function mergeInstance(mergeCircuitId: string, instances: readonly InstanceInfo[]): InstanceInfo {
  const instance = instanceOfCircuit(mergeCircuitId, instances);
  if (instance === undefined) {
    throw new ActionableError(
      "Unknown merge circuit",
      `The merge's circuit id ${mergeCircuitId} is the keccak256 of no instance in circuits/instances.json.`,
      "Use the project checkout that deployed this registry.",
    );
  }
  if (instance.template !== "LoraMerge")
    throw new Error(`the merge names circuit ${instance.name}, a ${instance.template} instance, not a LoraMerge one`);
  return instance;
}

/**
 * A recorded merge's proof, decoded from its recordMerge(runId, step, mergeCircuitId, mergedRoot, proof)
 * calldata, verified against the merge instance's key with the public inputs the registry assembles:
 * [run.baseRoot, adapterAfterStep(runId, step), run.hparamsHash, mergedRoot].
 */
export async function verifyMergeAgain(
  connection: Connection,
  run: RunSummary,
  merge: VerifiedMerge,
  instances: readonly InstanceInfo[],
): Promise<MergeReverification> {
  const started = performance.now();
  const [transaction, adapter] = await Promise.all([
    registryTransaction(connection, merge.transactionHash, "merge"),
    connection.registry.adapterAfterStep(run.runId, merge.step),
  ]);
  const call = decodeMergeCall(connection, transaction, run, merge, adapter);
  const instance = mergeInstance(call.mergeCircuitId, instances);
  const keyPromise = verificationKey(instance);
  // The registry assembles the public inputs itself (PROTOCOL §9): nothing of them comes from the caller but mergedRoot.
  const publicSignals = registryMergeInputs(run, adapter, call.mergedRoot).map(String);
  const proof = snarkjsProof(call.proof);
  const { valid, verifyMilliseconds, done } = await groth16Verify(keyPromise, publicSignals, proof);
  return {
    valid,
    verifyMilliseconds,
    totalMilliseconds: done - started,
    publicSignals,
    proof,
    instance: instance.name,
    mergeCircuitId: call.mergeCircuitId,
    from: transaction.from,
  };
}
