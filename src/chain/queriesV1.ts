/**
 * The queries of the version-1 registry (LoraLedgerRegistry), kept under V1 names while the explorer and
 * the version-1 tests still read it; version 2's are in queries.ts.
 */
import { ZeroAddress } from "ethers";
import type { LoraLedgerRegistry } from "../../types/ethers-contracts/index.js";

/** A verified step as a dApp sees it, rebuilt from the registry's StepVerified events. */
export interface VerifiedStepV1 {
  runId: bigint;
  step: bigint;
  adapterBefore: bigint;
  adapterAfter: bigint;
  submitter: string;
  blockNumber: number;
  transactionHash: string;
}

export interface RunSummaryV1 {
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

export type AdapterProvenanceV1 =
  | { verified: false; adapter: bigint }
  | {
      verified: true;
      adapter: bigint;
      runId: bigint;
      step: bigint;
      run: RunSummaryV1;
      baseModel: { registrant: string; uri: string };
      dataset: { registrant: string; size: bigint; uri: string };
      /** the adapter's proven merged weights, when a merge is recorded for it (PROTOCOL §9) */
      merge?: RecordedMergeV1;
    };

/** A merge the registry recorded for an adapter (recordMerge): its merged weights' commitment. */
export interface RecordedMergeV1 {
  adapter: bigint;
  mergedRoot: bigint;
  /** the run and verified step that produced the adapter */
  runId: bigint;
  step: bigint;
  recorder: string;
}

/** A recorded merge with the block and transaction of its MergeVerified event. */
export interface VerifiedMergeV1 extends RecordedMergeV1 {
  blockNumber: number;
  transactionHash: string;
}

/** "Where did these merged weights come from?" (mergedProvenanceOf, with the run's context). */
export type MergedProvenanceV1 =
  | { verified: false; mergedRoot: bigint }
  | {
      verified: true;
      mergedRoot: bigint;
      adapter: bigint;
      runId: bigint;
      step: bigint;
      recorder: string;
      run: RunSummaryV1;
      baseModel: { registrant: string; uri: string };
      dataset: { registrant: string; size: bigint; uri: string };
    };

/** Events are read from the registry's deployment block on, never from genesis. */
async function fromBlock(registry: LoraLedgerRegistry): Promise<number> {
  return Number(await registry.deploymentBlock());
}

export async function getRunSummaryV1(registry: LoraLedgerRegistry, runId: bigint): Promise<RunSummaryV1> {
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

export async function listRunsV1(registry: LoraLedgerRegistry): Promise<RunSummaryV1[]> {
  const count = await registry.runCount();
  const runs: RunSummaryV1[] = [];
  for (let runId = 1n; runId <= count; runId++) runs.push(await getRunSummaryV1(registry, runId));
  return runs;
}

/** A run's verified history, step by step, with the block and transaction of each step. */
export async function runHistoryV1(registry: LoraLedgerRegistry, runId: bigint): Promise<VerifiedStepV1[]> {
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
async function runContextV1(
  registry: LoraLedgerRegistry,
  runId: bigint,
): Promise<{
  run: RunSummaryV1;
  baseModel: { registrant: string; uri: string };
  dataset: { registrant: string; size: bigint; uri: string };
}> {
  const run = await getRunSummaryV1(registry, runId);
  const baseModel = await registry.getBaseModel(run.baseRoot);
  const dataset = await registry.getDataset(run.datasetRoot);
  return {
    run,
    baseModel: { registrant: baseModel.registrant, uri: baseModel.uri },
    dataset: { registrant: dataset.registrant, size: dataset.size, uri: dataset.uri },
  };
}

/** "Was this adapter produced by verified training, and from which base model and dataset?" (and its merge, if recorded) */
export async function adapterProvenanceV1(registry: LoraLedgerRegistry, adapter: bigint): Promise<AdapterProvenanceV1> {
  const [verified, runId, step] = await registry.provenanceOf(adapter);
  if (!verified) return { verified: false, adapter };
  const merge = await mergeOfAdapterV1(registry, adapter);
  return {
    verified: true,
    adapter,
    runId,
    step,
    ...(await runContextV1(registry, runId)),
    ...(merge === undefined ? {} : { merge }),
  };
}

/** The merge recorded for `adapter`, if any (mergeOf). */
export async function mergeOfAdapterV1(
  registry: LoraLedgerRegistry,
  adapter: bigint,
): Promise<RecordedMergeV1 | undefined> {
  const record = await registry.mergeOf(adapter);
  if (record.recorder === ZeroAddress) return undefined;
  return { adapter, mergedRoot: record.mergedRoot, runId: record.runId, step: record.step, recorder: record.recorder };
}

/** The merges recorded for a run's adapters, from its MergeVerified events, in step order. */
export async function runMergesV1(registry: LoraLedgerRegistry, runId: bigint): Promise<VerifiedMergeV1[]> {
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
export async function mergeProvenanceV1(registry: LoraLedgerRegistry, mergedRoot: bigint): Promise<MergedProvenanceV1> {
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
    ...(await runContextV1(registry, runId)),
  };
}
