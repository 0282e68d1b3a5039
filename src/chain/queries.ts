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

/** "Was this adapter produced by verified training, and from which base model and dataset?" */
export async function adapterProvenance(registry: LoraLedgerRegistry, adapter: bigint): Promise<AdapterProvenance> {
  const [verified, runId, step] = await registry.provenanceOf(adapter);
  if (!verified) return { verified: false, adapter };
  const run = await getRunSummary(registry, runId);
  const baseModel = await registry.getBaseModel(run.baseRoot);
  const dataset = await registry.getDataset(run.datasetRoot);
  return {
    verified: true,
    adapter,
    runId,
    step,
    run,
    baseModel: { registrant: baseModel.registrant, uri: baseModel.uri },
    dataset: { registrant: dataset.registrant, size: dataset.size, uri: dataset.uri },
  };
}
