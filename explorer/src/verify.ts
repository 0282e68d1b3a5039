/**
 * "Verify again": a run's start, a checkpoint or a merge, its proofs decoded from the calldata of the
 * transactions that recorded them, verified in the browser with snarkjs against the verification key
 * decoded from the code of the verifier the registry records for the circuit (src/chain/verifierKeys.ts:
 * the chain alone, never the local build), with the public inputs assembled from the registry's state and
 * events exactly as LoraLedgerRegistryV2 assembles them (PROTOCOL §12, §13). The key file the page
 * publishes for the instance is only compared with it: a different one is reported as a key mismatch.
 */
import type { TransactionResponse } from "ethers";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import {
  compareVerificationKeys,
  deployedVerificationKey,
  describeKeyDifferences,
  registryCheckpointInputs,
  type DeployedKey,
  type KeyDifference,
  type RunSummary,
  type VerifiedCheckpoint,
  type VerifiedMerge,
} from "../../src/chain/index.js";
import {
  CHECKPOINT_PUBLIC_INPUTS,
  MERGE_BLOCK_PUBLIC_INPUTS,
  orderedPublicSignals,
  RUN_START_PUBLIC_INPUTS,
  type CircuitInstance,
  type MergeBlockStatement,
  type RunStartStatement,
} from "../../src/protocol/index.js";
import { instanceOfCircuit, mergeBlocks, runStartedIn, type Connection } from "./chain.js";
import { ActionableError } from "./errors.js";
import { verificationKeyUrl, type InstanceInfo } from "./ledgerData.js";

/** One proof verified again. */
export interface CheckedProof {
  /** where the proof was decoded from, for people: "submitCheckpoints (entry 1 of 2)", "block 1 of 1" */
  source: string;
  transactionHash: string;
  from: string;
  valid: boolean;
  /** the public inputs' names, in order (the template's pubs in circuits/instances.json) */
  names: readonly string[];
  publicSignals: string[];
  proof: Groth16Proof;
}

/** Where the key came from: the deployed verifier, and whether the key file the page publishes is the same. */
export interface KeyProvenance {
  /** the verifier the registry records for the circuit, whose code the key was decoded from */
  verifier: string;
  /** "matches": the published key file is the deployed one; "mismatch": it is not; "absent": none published */
  published: "matches" | "mismatch" | "absent";
  /** for a mismatch: the differing coordinates, as one line */
  differences?: string;
}

/** A start, a checkpoint or a merge verified again: valid when each of its proofs is (against the deployed key). */
export interface Reverification {
  valid: boolean;
  instance: string;
  key: KeyProvenance;
  proofs: CheckedProof[];
  /** groth16.verify only, every proof */
  verifyMilliseconds: number;
  /** fetching the transactions and the key, decoding, verifying */
  totalMilliseconds: number;
}

interface SolidityProofLike {
  a: readonly bigint[];
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

const deployedKeys = new Map<string, Promise<DeployedKey>>();

/** The key of the registry's verifier of `circuitId`, decoded from its code (once per verifier and page). */
function deployedKey(connection: Connection, circuitId: string): Promise<DeployedKey> {
  const cacheKey = `${connection.registryAddress}/${circuitId}`.toLowerCase();
  let key = deployedKeys.get(cacheKey);
  if (key === undefined) {
    key = deployedVerificationKey(connection.registry, connection.provider, circuitId).catch((error: unknown) => {
      throw new ActionableError(
        "Cannot read the deployed verifier's key",
        `The registry's verifier of circuit ${circuitId}: ${(error as Error).message}`,
      );
    });
    key.catch(() => deployedKeys.delete(cacheKey));
    deployedKeys.set(cacheKey, key);
  }
  return key;
}

/** The key file the page publishes for an instance (lora-data/vk/<name>.json), if any. */
async function publishedKey(instance: InstanceInfo): Promise<VerificationKey | undefined> {
  if (!instance.verificationKey) return undefined;
  const response = await fetch(verificationKeyUrl(instance.name), { cache: "no-store" });
  return response.ok ? ((await response.json()) as VerificationKey) : undefined;
}

/** The deployed key to verify with, and how the published key file compares with it. */
async function verificationKey(
  connection: Connection,
  circuitId: string,
  instance: InstanceInfo,
): Promise<{ key: VerificationKey; provenance: KeyProvenance }> {
  const [deployed, published] = await Promise.all([deployedKey(connection, circuitId), publishedKey(instance)]);
  if (published === undefined)
    return { key: deployed.key, provenance: { verifier: deployed.verifier, published: "absent" } };
  const differences: KeyDifference[] = compareVerificationKeys(published, deployed.key);
  return {
    key: deployed.key,
    provenance:
      differences.length === 0
        ? { verifier: deployed.verifier, published: "matches" }
        : { verifier: deployed.verifier, published: "mismatch", differences: describeKeyDifferences(differences) },
  };
}

/** The instance `circuitId` names, of the template the registry asked it about. */
function instanceFor(
  circuitId: string,
  template: CircuitInstance["template"],
  instances: readonly InstanceInfo[],
): InstanceInfo {
  const instance = instanceOfCircuit(circuitId, instances);
  if (instance === undefined) {
    throw new ActionableError(
      "Unknown circuit",
      `The circuit id ${circuitId} is the keccak256 of no instance in circuits/instances.json.`,
      "Use the project checkout that deployed this registry.",
    );
  }
  if (instance.template !== template)
    throw new Error(`circuit ${instance.name} is a ${instance.template} instance, not a ${template} one`);
  return instance;
}

/** The transaction that recorded a proof, sent to the registry itself (else its calldata is another contract's). */
async function registryTransaction(
  connection: Connection,
  transactionHash: string,
  what: string,
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
      `Transaction ${transactionHash} was sent to ${transaction.to ?? "no address"}, not to the registry: the ${what} was recorded through another contract, whose calldata the page cannot decode.`,
    );
  }
  return transaction;
}

/** The registry function a transaction calls, with its arguments; any other function is an error. */
function decodeCall(
  connection: Connection,
  transaction: TransactionResponse,
  expected: readonly string[],
  what: string,
): { name: string; args: readonly unknown[] } {
  const parsed = connection.registry.interface.parseTransaction({ data: transaction.data, value: transaction.value });
  if (parsed === null || !expected.includes(parsed.name)) {
    throw new ActionableError(
      `Cannot decode this ${what}'s proof`,
      `Transaction ${transaction.hash} calls ${parsed?.name ?? "an unknown function"}, not ${expected.join(" or ")}.`,
    );
  }
  return { name: parsed.name, args: parsed.args.toArray() as unknown[] };
}

/** groth16.verify of snarkjs's browser build (loaded on first use), timed. */
async function groth16Verify(
  key: VerificationKey,
  publicSignals: string[],
  proof: Groth16Proof,
): Promise<{ valid: boolean; milliseconds: number }> {
  const { groth16 } = await import("snarkjs");
  const started = performance.now();
  const valid = await groth16.verify(key, publicSignals, proof);
  return { valid, milliseconds: performance.now() - started };
}

interface DecodedProof extends Omit<CheckedProof, "valid" | "publicSignals" | "proof"> {
  publicInputs: readonly bigint[];
  proof: SolidityProofLike;
}

/** Verifies each decoded proof against the instance's key; the whole is valid when each is. */
async function verifyEach(
  started: number,
  instance: InstanceInfo,
  keyPromise: Promise<{ key: VerificationKey; provenance: KeyProvenance }>,
  decoded: readonly DecodedProof[],
): Promise<Reverification> {
  const { key, provenance } = await keyPromise;
  const proofs: CheckedProof[] = [];
  let verifyMilliseconds = 0;
  for (const entry of decoded) {
    const publicSignals = entry.publicInputs.map(String);
    const proof = snarkjsProof(entry.proof);
    const { valid, milliseconds } = await groth16Verify(key, publicSignals, proof);
    verifyMilliseconds += milliseconds;
    const { source, transactionHash, from, names } = entry;
    proofs.push({ source, transactionHash, from, names, valid, publicSignals, proof });
  }
  return {
    valid: proofs.length > 0 && proofs.every((proof) => proof.valid),
    instance: instance.name,
    key: provenance,
    proofs,
    verifyMilliseconds,
    totalMilliseconds: performance.now() - started,
  };
}

// ---------------------------------------------------------------------------------------------
// The run's start: startRun(start, proof)
// ---------------------------------------------------------------------------------------------

interface RunStartCall {
  startCircuitId: string;
  checkpointCircuitId: string;
  runConfig: bigint;
  adapterStart: bigint;
  seed: bigint;
  continued: boolean;
  alpha: bigint;
  lr: bigint;
}

/**
 * The run's start proof, decoded from the startRun calldata of its RunStarted transaction, verified with
 * the LoraRunStart instance the calldata names against [runConfig, adapterStart, seed, fromHead,
 * baseRoot, datasetRoot, projectionId, α̂, l̂]: the registry took the first from the calldata (kept in
 * the run) and the projection id from its own state (kept in the run too).
 */
export async function verifyStartAgain(
  connection: Connection,
  run: RunSummary,
  instances: readonly InstanceInfo[],
): Promise<Reverification> {
  const started = performance.now();
  const recorded = await runStartedIn(connection, run.runId);
  if (recorded === undefined) throw new Error(`no RunStarted event of run ${run.runId}`);
  const transaction = await registryTransaction(connection, recorded.transactionHash, "run start");
  const { args } = decodeCall(connection, transaction, ["startRun"], "run start");
  const [start, proof] = args as [RunStartCall, SolidityProofLike];
  const continued = run.origin.kind === "parent";
  if (start.runConfig !== run.runConfig || start.adapterStart !== run.adapterStart || start.continued !== continued)
    throw new Error(`transaction ${transaction.hash} starts another run than run ${run.runId}`);
  const instance = instanceFor(start.startCircuitId, "LoraRunStart", instances);
  const statement: RunStartStatement = {
    runConfig: run.runConfig,
    adapterStart: run.adapterStart,
    seed: run.origin.kind === "seed" ? run.origin.seed : 0n,
    fromHead: continued ? 1n : 0n,
    baseRoot: run.baseRoot,
    datasetRoot: run.datasetRoot,
    projectionId: run.projectionId,
    alpha: run.alpha,
    lr: run.lr,
  };
  return verifyEach(started, instance, verificationKey(connection, start.startCircuitId, instance), [
    {
      source: "startRun",
      transactionHash: transaction.hash,
      from: transaction.from,
      names: RUN_START_PUBLIC_INPUTS,
      publicInputs: orderedPublicSignals("LoraRunStart", statement),
      proof,
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// A checkpoint: submitCheckpoint(runId, adapterAfter, loss, proof) or submitCheckpoints(runId, [...])
// ---------------------------------------------------------------------------------------------

interface CheckpointCall {
  source: string;
  adapterAfter: bigint;
  loss: bigint;
  proof: SolidityProofLike;
}

/** A checkpoint's entry in its transaction's calldata, checked against its CheckpointVerified event. */
function decodeCheckpointCall(
  connection: Connection,
  transaction: TransactionResponse,
  run: RunSummary,
  checkpoint: VerifiedCheckpoint,
  checkpoints: readonly VerifiedCheckpoint[],
): CheckpointCall {
  const { name, args } = decodeCall(connection, transaction, ["submitCheckpoint", "submitCheckpoints"], "checkpoint");
  if (args[0] !== run.runId)
    throw new Error(`transaction ${transaction.hash} submits to run ${String(args[0])}, not run ${run.runId}`);
  let call: CheckpointCall;
  if (name === "submitCheckpoint") {
    const [, adapterAfter, loss, proof] = args as [bigint, bigint, bigint, SolidityProofLike];
    call = { source: "submitCheckpoint", adapterAfter, loss, proof };
  } else {
    const submissions = args[1] as readonly { adapterAfter: bigint; loss: bigint; proof: SolidityProofLike }[];
    // A batch records consecutive checkpoints of the run: the entry is the checkpoint's position among them.
    const batchIndex = checkpoints
      .filter((other) => other.transactionHash === checkpoint.transactionHash && other.runId === checkpoint.runId)
      .filter((other) => other.firstStep < checkpoint.firstStep).length;
    const submission = submissions[batchIndex];
    if (submission === undefined)
      throw new Error(
        `the checkpoint from step ${checkpoint.firstStep} is not in the submitCheckpoints batch of ${submissions.length} of ${transaction.hash}`,
      );
    call = {
      source: `submitCheckpoints (entry ${batchIndex + 1} of ${submissions.length})`,
      adapterAfter: submission.adapterAfter,
      loss: submission.loss,
      proof: submission.proof,
    };
  }
  if (call.adapterAfter !== checkpoint.adapterAfter || call.loss !== checkpoint.loss)
    throw new Error(`the calldata's adapter and loss are not the CheckpointVerified event's (${transaction.hash})`);
  return call;
}

/**
 * A checkpoint's proof, decoded from its transaction's calldata, verified with the run's checkpoint
 * instance against [runConfig, adapterBefore, adapterAfter, firstStep · 2^160 + submitter, loss]: the
 * run as it was before the checkpoint (head = adapterBefore, nextStep = firstStep), the claimed adapter
 * and loss, and the transaction's sender.
 */
export async function verifyCheckpointAgain(
  connection: Connection,
  run: RunSummary,
  checkpoint: VerifiedCheckpoint,
  checkpoints: readonly VerifiedCheckpoint[],
  instances: readonly InstanceInfo[],
): Promise<Reverification> {
  const started = performance.now();
  const instance = instanceFor(run.checkpointCircuitId, "LoraCheckpoint", instances);
  const keyPromise = verificationKey(connection, run.checkpointCircuitId, instance);
  const transaction = await registryTransaction(connection, checkpoint.transactionHash, "checkpoint");
  const call = decodeCheckpointCall(connection, transaction, run, checkpoint, checkpoints);
  const runBefore = { runConfig: run.runConfig, head: checkpoint.adapterBefore, nextStep: checkpoint.firstStep };
  return verifyEach(started, instance, keyPromise, [
    {
      source: call.source,
      transactionHash: transaction.hash,
      from: transaction.from,
      names: CHECKPOINT_PUBLIC_INPUTS,
      publicInputs: registryCheckpointInputs(runBefore, call.adapterAfter, call.loss, transaction.from),
      proof: call.proof,
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// A merge: submitMergeBlock(adapter, circuitId, accOut, proof), block by block
// ---------------------------------------------------------------------------------------------

/**
 * A merge's proofs, one per block, decoded from the submitMergeBlock calldata of each block's
 * MergeBlockVerified transaction, verified with the merge-block instance of the merge record against
 * [run.baseRoot, adapter, run.α̂, blockIndex, accIn, accOut], `run` being the adapter's first producer
 * (its provenance, the MergeVerified event's run): accIn is the previous block's accOut (0 for the
 * first), and the last block's accOut is the merged root.
 */
export async function verifyMergeAgain(
  connection: Connection,
  run: RunSummary,
  merge: VerifiedMerge,
  instances: readonly InstanceInfo[],
): Promise<Reverification> {
  const started = performance.now();
  if (merge.runId !== run.runId)
    throw new Error(
      `the merge of ${merge.adapter} is on run ${merge.runId}'s base model and α, not run ${run.runId}'s`,
    );
  const instance = instanceFor(merge.circuitId, "LoraMergeBlock", instances);
  const keyPromise = verificationKey(connection, merge.circuitId, instance);
  const blocks = await mergeBlocks(connection, merge.adapter, merge.circuitId);
  const decoded: DecodedProof[] = [];
  let accIn = 0n;
  for (const [position, block] of blocks.entries()) {
    if (block.blockIndex !== position)
      throw new Error(`block ${position} of the merge has no MergeBlockVerified event`);
    const transaction = await registryTransaction(connection, block.transactionHash, "merge block");
    const { args } = decodeCall(connection, transaction, ["submitMergeBlock"], "merge block");
    const [adapter, circuitId, accOut, proof] = args as [bigint, string, bigint, SolidityProofLike];
    if (adapter !== merge.adapter || circuitId.toLowerCase() !== merge.circuitId.toLowerCase())
      throw new Error(`transaction ${transaction.hash} submits a block of another merge`);
    const statement: MergeBlockStatement = {
      baseRoot: run.baseRoot,
      adapter: merge.adapter,
      alpha: run.alpha,
      blockIndex: BigInt(block.blockIndex),
      accIn,
      accOut,
    };
    decoded.push({
      source: `submitMergeBlock, block ${position + 1} of ${blocks.length}`,
      transactionHash: transaction.hash,
      from: transaction.from,
      names: MERGE_BLOCK_PUBLIC_INPUTS,
      publicInputs: orderedPublicSignals("LoraMergeBlock", statement),
      proof,
    });
    accIn = accOut;
  }
  if (accIn !== merge.mergedRoot)
    throw new Error(`the last block's accOut is ${accIn}, the MergeVerified event's merged root ${merge.mergedRoot}`);
  return verifyEach(started, instance, keyPromise, decoded);
}
