import { ZeroAddress } from "ethers";
import type { LoraLedgerRegistry } from "../../types/ethers-contracts/index.js";

/** A verified step as a dApp sees it, rebuilt from the registry's StepVerified events. */
export interface VerifiedStep {
  runId: bigint;
  step: bigint;
  adapterBefore: bigint;
  adapterAfter: bigint;
  submitter: string;
  blockNumber: number;
  transactionHash: string;
}

export interface RunSummary {
  runId: bigint;
  trainer: string;
  circuitId: string;
  baseRoot: bigint;
  datasetRoot: bigint;
  hparamsHash: bigint;
  initialAdapter: bigint;
  head: bigint;
  verifiedSteps: bigint;
  startBlock: bigint;
}

export type AdapterProvenance =
  | { verified: false; adapter: bigint }
  | {
      verified: true;
      adapter: bigint;
      runId: bigint;
      step: bigint;
      run: RunSummary;
      baseModel: { registrant: string; uri: string };
      dataset: { registrant: string; size: bigint; uri: string };
      /** the adapter's proven merged weights, when a merge is recorded for it (PROTOCOL §9) */
      merge?: RecordedMerge;
    };

/** A merge the registry recorded for an adapter (recordMerge): its merged weights' commitment. */
export interface RecordedMerge {
  adapter: bigint;
  mergedRoot: bigint;
  /** the run and verified step that produced the adapter */
  runId: bigint;
  step: bigint;
  recorder: string;
}

/** A recorded merge with the block and transaction of its MergeVerified event. */
export interface VerifiedMerge extends RecordedMerge {
  blockNumber: number;
  transactionHash: string;
}

/** "Where did these merged weights come from?" (mergedProvenanceOf, with the run's context). */
export type MergedProvenance =
  | { verified: false; mergedRoot: bigint }
  | {
      verified: true;
      mergedRoot: bigint;
      adapter: bigint;
      runId: bigint;
      step: bigint;
      recorder: string;
      run: RunSummary;
      baseModel: { registrant: string; uri: string };
      dataset: { registrant: string; size: bigint; uri: string };
    };

/** Events are read from the registry's deployment block on, never from genesis. */
async function fromBlock(registry: LoraLedgerRegistry): Promise<number> {
  return Number(await registry.deploymentBlock());
}

export async function getRunSummary(registry: LoraLedgerRegistry, runId: bigint): Promise<RunSummary> {
  const run = await registry.getRun(runId);
  return {
    runId,
    trainer: run.trainer,
    circuitId: run.circuitId,
    baseRoot: run.baseRoot,
    datasetRoot: run.datasetRoot,
    hparamsHash: run.hparamsHash,
    initialAdapter: run.initialAdapter,
    head: run.head,
    verifiedSteps: run.nextStep,
    startBlock: run.startBlock,
  };
}

export async function listRuns(registry: LoraLedgerRegistry): Promise<RunSummary[]> {
  const count = await registry.runCount();
  const runs: RunSummary[] = [];
  for (let runId = 1n; runId <= count; runId++) runs.push(await getRunSummary(registry, runId));
  return runs;
}

/** A run's verified history, step by step, with the block and transaction of each step. */
export async function runHistory(registry: LoraLedgerRegistry, runId: bigint): Promise<VerifiedStep[]> {
  const events = await registry.queryFilter(registry.filters.StepVerified(runId), await fromBlock(registry));
  return events
    .map((event) => ({
      runId: event.args.runId,
      step: event.args.step,
      adapterBefore: event.args.adapterBefore,
      adapterAfter: event.args.adapterAfter,
      submitter: event.args.submitter,
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    }))
    .sort((first, second) => (first.step < second.step ? -1 : first.step > second.step ? 1 : 0));
}

/** A run with its base model's and dataset's registrations. */
async function runContext(
  registry: LoraLedgerRegistry,
  runId: bigint,
): Promise<{
  run: RunSummary;
  baseModel: { registrant: string; uri: string };
  dataset: { registrant: string; size: bigint; uri: string };
}> {
  const run = await getRunSummary(registry, runId);
  const baseModel = await registry.getBaseModel(run.baseRoot);
  const dataset = await registry.getDataset(run.datasetRoot);
  return {
    run,
    baseModel: { registrant: baseModel.registrant, uri: baseModel.uri },
    dataset: { registrant: dataset.registrant, size: dataset.size, uri: dataset.uri },
  };
}

/** "Was this adapter produced by verified training, and from which base model and dataset?" (and its merge, if recorded) */
export async function adapterProvenance(registry: LoraLedgerRegistry, adapter: bigint): Promise<AdapterProvenance> {
  const [verified, runId, step] = await registry.provenanceOf(adapter);
  if (!verified) return { verified: false, adapter };
  const merge = await mergeOfAdapter(registry, adapter);
  return {
    verified: true,
    adapter,
    runId,
    step,
    ...(await runContext(registry, runId)),
    ...(merge === undefined ? {} : { merge }),
  };
}

/** The merge recorded for `adapter`, if any (mergeOf). */
export async function mergeOfAdapter(
  registry: LoraLedgerRegistry,
  adapter: bigint,
): Promise<RecordedMerge | undefined> {
  const record = await registry.mergeOf(adapter);
  if (record.recorder === ZeroAddress) return undefined;
  return { adapter, mergedRoot: record.mergedRoot, runId: record.runId, step: record.step, recorder: record.recorder };
}

/** The merges recorded for a run's adapters, from its MergeVerified events, in step order. */
export async function runMerges(registry: LoraLedgerRegistry, runId: bigint): Promise<VerifiedMerge[]> {
  const events = await registry.queryFilter(registry.filters.MergeVerified(runId), await fromBlock(registry));
  return events
    .map((event) => ({
      adapter: event.args.adapter,
      mergedRoot: event.args.mergedRoot,
      runId: event.args.runId,
      step: event.args.step,
      recorder: event.args.recorder,
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    }))
    .sort((first, second) => (first.step < second.step ? -1 : first.step > second.step ? 1 : 0));
}

/**
 * "Where did these merged weights come from?": were the weights `mergedRoot` commits to proven to be
 * W0 + α B A of an adapter that verified training produced, and of which adapter, run, step, base model
 * and dataset.
 */
export async function mergeProvenance(registry: LoraLedgerRegistry, mergedRoot: bigint): Promise<MergedProvenance> {
  const [verified, runId, step, adapter] = await registry.mergedProvenanceOf(mergedRoot);
  if (!verified) return { verified: false, mergedRoot };
  const record = await registry.mergeOf(adapter);
  return {
    verified: true,
    mergedRoot,
    adapter,
    runId,
    step,
    recorder: record.recorder,
    ...(await runContext(registry, runId)),
  };
}
