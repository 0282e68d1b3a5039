/**
 * What the version-2 registry (LoraLedgerRegistryV2, PROTOCOL §11–§13) knows, as a dApp asks it: runs,
 * their checkpoints with the proven loss, where an adapter or merged weights came from, and how far the
 * base projection of a (base model, dataset) pair got. Events are read from the registry's deployment
 * block on. Browser-safe: the explorer uses it as is.
 */
import { ZeroAddress, type TransactionReceipt } from "ethers";
import { checkpointMeanLoss, type CheckpointShape, type CircuitInstance } from "../protocol/index.js";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import { instanceOfCircuitId } from "./registry.js";

/** How a run started: from the canonical initialization of a seed, or from a verified adapter of a parent run. */
export type RunOrigin = { kind: "seed"; seed: bigint } | { kind: "parent"; parentRunId: bigint; parentSteps: bigint };

export interface RunSummary {
  runId: bigint;
  trainer: string;
  baseRoot: bigint;
  datasetRoot: bigint;
  /** the completed base projection of (baseRoot, datasetRoot) the run's checkpoints use */
  projectionId: bigint;
  /** α̂ and l̂: fixed point at scale 2^F of the checkpoint instance */
  alpha: bigint;
  lr: bigint;
  /** Poseidon([16, baseRoot, datasetRoot, projectionId, α̂, l̂]): what every proof of the run is bound to */
  runConfig: bigint;
  origin: RunOrigin;
  adapterStart: bigint;
  /** the index of the next step to prove, which is also the number of verified steps */
  nextStep: bigint;
  /** the adapter after nextStep verified steps */
  head: bigint;
  checkpointCircuitId: string;
  /** the checkpoint instance of this checkout's circuits/instances.json with that id, if any */
  checkpointInstance: CircuitInstance | undefined;
  startBlock: bigint;
}

/** A verified checkpoint (k consecutive steps in one proof), rebuilt from a CheckpointVerified event. */
export interface VerifiedCheckpoint {
  runId: bigint;
  firstStep: bigint;
  /** k: the checkpoint covers steps firstStep … firstStep + steps - 1 */
  steps: bigint;
  adapterBefore: bigint;
  adapterAfter: bigint;
  /** the proven Σ E² of the checkpoint's batches (E at scale 2^3F) */
  loss: bigint;
  /** loss / (k · n · d_out · 2^6F) (PROTOCOL §12); undefined when the run's instance is not in this checkout */
  meanLoss: number | undefined;
  submitter: string;
  blockNumber: number;
  transactionHash: string;
}

/** The registrations a run's answers end with. */
export interface RunContext {
  run: RunSummary;
  baseModel: { registrant: string; uri: string };
  dataset: { registrant: string; size: bigint; uri: string };
}

/**
 * A merge the registry recorded for an adapter (its last merge block), on the base model and α of the run
 * that produced the adapter first, after `steps` steps.
 */
export interface RecordedMerge {
  runId: bigint;
  steps: bigint;
  adapter: bigint;
  /** the commitment to the exact merged weights W0 + α B A (PROTOCOL §13) */
  mergedRoot: bigint;
  recorder: string;
  /** the LoraMergeBlock instance that proved it */
  circuitId: string;
}

/** A recorded merge with the block and transaction of its MergeVerified event. */
export interface VerifiedMerge extends RecordedMerge {
  blockNumber: number;
  transactionHash: string;
}

/** The verifier that checked a run's checkpoints, and whether it is retired. */
export interface CheckingVerifier {
  circuitId: string;
  /** the instance of this checkout's circuits/instances.json with that id, if any */
  instance: CircuitInstance | undefined;
  verifier: string;
  retired: boolean;
}

/**
 * "Was this adapter produced by verified training, and how?": the first run and its step count whose
 * proof produced it, with the run's configuration and registrations, the verifier that checked it, and
 * its lineage: that run, then each run it continues, back to a canonical start (lineageOf).
 */
export type AdapterProvenance =
  | { verified: false; adapter: bigint }
  | ({
      verified: true;
      adapter: bigint;
      runId: bigint;
      steps: bigint;
      verifier: CheckingVerifier;
      /** the producing run first; each run's step count is where its child starts (the adapter's, first) */
      lineage: { run: RunSummary; steps: bigint; verifier: CheckingVerifier }[];
      /** the merge recorded for the adapter, if any */
      merge?: RecordedMerge;
    } & RunContext);

/** "Where did these merged weights come from?" (mergedProvenanceOf, with the run's context). */
export type MergedProvenance =
  | { verified: false; mergedRoot: bigint }
  | ({
      verified: true;
      mergedRoot: bigint;
      adapter: bigint;
      runId: bigint;
      steps: bigint;
      recorder: string;
      circuitId: string;
    } & RunContext);

/** How far the proofs of one projection instance got for a (base model, dataset) pair. */
export interface ProjectionProgressOf {
  circuitId: string;
  /** the next block to verify; the projection is complete when it equals `blocks` */
  nextBlock: number;
  /** the instance's number of column blocks (its verifier record's count) */
  blocks: number;
  /** the chained hash after the verified blocks */
  acc: bigint;
}

/** The base projection of a (base model, dataset) pair: complete (its id) or how far each instance got. */
export interface ProjectionStatus {
  baseRoot: bigint;
  datasetRoot: bigint;
  /** the completed projection's id; undefined while none is complete (runs cannot start on the pair) */
  projectionId: bigint | undefined;
  progress: ProjectionProgressOf[];
}

async function fromBlock(registry: LoraLedgerRegistryV2): Promise<number> {
  return Number(await registry.deploymentBlock());
}

/** Ascending order of bigints, for sort. */
export const byBigint = (first: bigint, second: bigint): number => (first < second ? -1 : first > second ? 1 : 0);

/**
 * The id of the run a startRun transaction started, from the RunStarted event in its own receipt: the only
 * race-free way (another transaction may start a run between reading runCount and this one).
 */
export function startedRunId(registry: LoraLedgerRegistryV2, receipt: TransactionReceipt): bigint {
  for (const log of receipt.logs) {
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name === "RunStarted") return parsed.args.runId as bigint;
  }
  throw new Error(`transaction ${receipt.hash} started no run (no RunStarted event)`);
}

export async function getRunSummary(registry: LoraLedgerRegistryV2, runId: bigint): Promise<RunSummary> {
  const run = await registry.getRun(runId);
  return {
    runId,
    trainer: run.trainer,
    baseRoot: run.baseRoot,
    datasetRoot: run.datasetRoot,
    projectionId: run.projectionId,
    alpha: run.alpha,
    lr: run.lr,
    runConfig: run.runConfig,
    origin:
      run.parentRunId === 0n
        ? { kind: "seed", seed: run.seed }
        : { kind: "parent", parentRunId: run.parentRunId, parentSteps: run.parentSteps },
    adapterStart: run.adapterStart,
    nextStep: run.nextStep,
    head: run.head,
    checkpointCircuitId: run.checkpointCircuitId,
    checkpointInstance: instanceOfCircuitId(run.checkpointCircuitId),
    startBlock: run.startBlock,
  };
}

export async function listRuns(registry: LoraLedgerRegistryV2): Promise<RunSummary[]> {
  const count = await registry.runCount();
  const runs: RunSummary[] = [];
  for (let runId = 1n; runId <= count; runId++) runs.push(await getRunSummary(registry, runId));
  return runs;
}

/** The mean squared error a checkpoint's loss stands for, when the checkpoint instance is known here. */
export function meanLossOf(instance: CircuitInstance | undefined, steps: bigint, loss: bigint): number | undefined {
  if (instance === undefined) return undefined;
  const shape: CheckpointShape = { ...instance.params, steps: Number(steps) };
  return checkpointMeanLoss(shape, loss);
}

/** A run's verified checkpoints in step order, with their loss and the block and transaction of each. */
export async function runHistory(registry: LoraLedgerRegistryV2, runId: bigint): Promise<VerifiedCheckpoint[]> {
  const instance = instanceOfCircuitId((await registry.getRun(runId)).checkpointCircuitId);
  const events = await registry.queryFilter(registry.filters.CheckpointVerified(runId), await fromBlock(registry));
  return events
    .map((event) => ({
      runId: event.args.runId,
      firstStep: event.args.firstStep,
      steps: event.args.steps,
      adapterBefore: event.args.adapterBefore,
      adapterAfter: event.args.adapterAfter,
      loss: event.args.loss,
      meanLoss: meanLossOf(instance, event.args.steps, event.args.loss),
      submitter: event.args.submitter,
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    }))
    .sort((first, second) => byBigint(first.firstStep, second.firstStep));
}

/**
 * An evaluation the run's trainer reported (EvaluationReported): the trainer's word, NOT proven. The
 * registry checked only that the trainer sent it and that `steps` names a verified adapter of the run.
 */
export interface ReportedEvaluation {
  runId: bigint;
  /** the run's step count whose adapter was evaluated (0: its start) */
  steps: bigint;
  metric: string;
  split: string;
  numerator: bigint;
  denominator: bigint;
  /** numerator / denominator as a number */
  value: number;
  reporter: string;
  blockNumber: number;
  transactionHash: string;
}

/** An evaluation's value for people: "59.1%" for an accuracy, four significant digits otherwise. */
export function formatEvaluation(metric: string, value: number): string {
  return metric === "accuracy" ? `${(100 * value).toFixed(1)}%` : value === 0 ? "0" : value.toPrecision(4);
}

/** A reported value, numerator / denominator, as a number. */
export function fractionValue({ numerator, denominator }: { numerator: bigint; denominator: bigint }): number {
  return Number(numerator) / Number(denominator);
}

/** One reported point for people: "start 35.9%", "after 8 steps 42.5%". */
export function formatEvaluationPoint(metric: string, steps: bigint, value: number): string {
  return `${steps === 0n ? "start" : `after ${steps} steps`} ${formatEvaluation(metric, value)}`;
}

/**
 * The evaluations the trainer of run `runId` reported, in step order (for one step and metric, the
 * latest report last).
 */
export async function runEvaluations(registry: LoraLedgerRegistryV2, runId: bigint): Promise<ReportedEvaluation[]> {
  const events = await registry.queryFilter(registry.filters.EvaluationReported(runId), await fromBlock(registry));
  return events
    .map((event) => ({
      runId: event.args.runId,
      steps: event.args.steps,
      metric: event.args.metric,
      split: event.args.split,
      numerator: event.args.numerator,
      denominator: event.args.denominator,
      value: fractionValue(event.args),
      reporter: event.args.reporter,
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    }))
    .sort((first, second) => byBigint(first.steps, second.steps) || first.blockNumber - second.blockNumber);
}

/** A run with its base model's and dataset's registrations. */
export async function runContext(registry: LoraLedgerRegistryV2, runId: bigint): Promise<RunContext> {
  const run = await getRunSummary(registry, runId);
  const baseModel = await registry.getBaseModel(run.baseRoot);
  const dataset = await registry.getDataset(run.datasetRoot);
  return {
    run,
    baseModel: { registrant: baseModel.registrant, uri: baseModel.uri },
    dataset: { registrant: dataset.registrant, size: dataset.size, uri: dataset.uri },
  };
}

/** The merge recorded for `adapter`, if any (mergeOf), with the run and step count that produced it. */
export async function mergeOfAdapter(
  registry: LoraLedgerRegistryV2,
  adapter: bigint,
): Promise<RecordedMerge | undefined> {
  const record = await registry.mergeOf(adapter);
  if (record.recorder === ZeroAddress) return undefined;
  const provenance = await registry.provenanceOf(adapter);
  return {
    runId: provenance.runId,
    steps: provenance.steps,
    adapter,
    mergedRoot: record.mergedRoot,
    recorder: record.recorder,
    circuitId: record.circuitId,
  };
}

function checkingVerifier(answer: {
  checkpointCircuitId: string;
  verifier: string;
  verifierRetired: boolean;
}): CheckingVerifier {
  return {
    circuitId: answer.checkpointCircuitId,
    instance: instanceOfCircuitId(answer.checkpointCircuitId),
    verifier: answer.verifier,
    retired: answer.verifierRetired,
  };
}

/** The longest lineage an answer follows (lineageOf's bound; a longer one is cut there). */
export const MAX_LINEAGE = 64n;

/** "Was this adapter produced by verified training, and how?" (provenanceOf and lineageOf, with context) */
export async function adapterProvenance(registry: LoraLedgerRegistryV2, adapter: bigint): Promise<AdapterProvenance> {
  const answer = await registry.provenanceOf(adapter);
  if (!answer.verified) return { verified: false, adapter };
  const lineage = await Promise.all(
    (await registry.lineageOf(adapter, MAX_LINEAGE)).map(async (entry) => ({
      run: await getRunSummary(registry, entry.runId),
      steps: entry.steps,
      verifier: checkingVerifier(entry),
    })),
  );
  const merge = await mergeOfAdapter(registry, adapter);
  return {
    verified: true,
    adapter,
    runId: answer.runId,
    steps: answer.steps,
    verifier: checkingVerifier(answer),
    lineage,
    ...(await runContext(registry, answer.runId)),
    ...(merge === undefined ? {} : { merge }),
  };
}

/** The merges recorded for a run's adapters, from its MergeVerified events, in step order. */
export async function runMerges(registry: LoraLedgerRegistryV2, runId: bigint): Promise<VerifiedMerge[]> {
  const events = await registry.queryFilter(registry.filters.MergeVerified(runId), await fromBlock(registry));
  const merges = await Promise.all(
    events.map(async (event) => ({
      runId: event.args.runId,
      steps: event.args.steps,
      adapter: event.args.adapter,
      mergedRoot: event.args.mergedRoot,
      recorder: event.args.recorder,
      // The event names no instance: the record does (one record per adapter).
      circuitId: (await registry.mergeOf(event.args.adapter)).circuitId,
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    })),
  );
  return merges.sort((first, second) => byBigint(first.steps, second.steps));
}

/**
 * "Where did these merged weights come from?": were the weights `mergedRoot` commits to proven to be
 * W0 + α B A of an adapter that verified training produced, and of which adapter, run, step count, base
 * model and dataset.
 */
export async function mergeProvenance(registry: LoraLedgerRegistryV2, mergedRoot: bigint): Promise<MergedProvenance> {
  const adapter = await registry.mergedAdapterOf(mergedRoot);
  const merge = adapter === 0n ? undefined : await mergeOfAdapter(registry, adapter);
  if (merge === undefined) return { verified: false, mergedRoot };
  return { verified: true, ...merge, mergedRoot, ...(await runContext(registry, merge.runId)) };
}

/**
 * The base projection of (baseRoot, datasetRoot): its id once complete, and the progress of every
 * projection instance that has a verified block for the pair (from ProjectionBlockVerified events).
 */
export async function projectionStatus(
  registry: LoraLedgerRegistryV2,
  baseRoot: bigint,
  datasetRoot: bigint,
): Promise<ProjectionStatus> {
  const projectionId = await registry.projectionOf(baseRoot, datasetRoot);
  const events = await registry.queryFilter(
    registry.filters.ProjectionBlockVerified(baseRoot, datasetRoot),
    await fromBlock(registry),
  );
  const circuitIds = [...new Set(events.map((event) => event.args.circuitId))];
  const progress = await Promise.all(
    circuitIds.map(async (circuitId) => {
      const [state, record] = await Promise.all([
        registry.projectionProgress(baseRoot, datasetRoot, circuitId),
        registry.verifierOf(circuitId),
      ]);
      return { circuitId, nextBlock: Number(state.nextBlock), blocks: Number(record.count), acc: state.acc };
    }),
  );
  return { baseRoot, datasetRoot, projectionId: projectionId === 0n ? undefined : projectionId, progress };
}

/**
 * A run's lineage back to its canonical start: the run itself, then the run it continues (parentRunId,
 * after parentSteps steps), and so on, ending with the run that started from a seed (PROTOCOL §12).
 */
export async function runLineage(registry: LoraLedgerRegistryV2, runId: bigint): Promise<RunSummary[]> {
  let run = await getRunSummary(registry, runId);
  const lineage = [run];
  while (run.origin.kind === "parent") {
    const { parentRunId } = run.origin;
    // A parent existed when its child started, so its id is smaller: the walk ends.
    if (parentRunId >= run.runId) throw new Error(`run ${run.runId} names run ${parentRunId} as its parent`);
    run = await getRunSummary(registry, parentRunId);
    lineage.push(run);
  }
  return lineage;
}
