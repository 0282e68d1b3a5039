import { existsSync } from "node:fs";
import path from "node:path";
import { ZeroAddress, type ContractTransactionReceipt, type Signer } from "ethers";
import {
  checkpointShapeOf,
  adapterCommitment,
  buildCheckpointCircuitInput,
  canonicalInit,
  checkpointMeanLoss,
  checkpointPublicSignals,
  decimalRecord,
  forwardFromActivations,
  LoraLedgerError,
  makeRunCheckpoint,
  meanSquaredError,
  mergeBlockInput,
  mergeInBlocks,
  orderedPublicSignals,
  projectionBlockInput,
  runStartStatement,
  setUpRun,
  toHex32,
  type Adapter,
  type CheckpointShape,
  type CircuitInstance,
  type Groth16Proof,
  type MadeCheckpoint,
  type SyntheticTask,
} from "../protocol/index.js";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import { checkpointSubmission, circuitIdOf, registryProof, startedRunId } from "../chain/index.js";
import { proveWithInstance, readJsonIfExists, writeJsonAtomic, type Progress } from "../node/index.js";
import type { RunConfig } from "./config.js";
import type { RunInstances } from "./instances.js";

/** Where a proof recorded by this attempt came from. */
export type ProofOrigin =
  /** proved by this attempt */
  | "proved"
  /** an earlier attempt's proof file, for exactly the same statement */
  | "reused"
  /** recorded on-chain before this attempt (by anyone) */
  | "on-chain";

/** One verified checkpoint (k steps) as the demo table shows it. */
export interface CheckpointReport {
  firstStep: number;
  /** k */
  steps: number;
  /** the proven loss of the checkpoint's batches as a mean squared error (PROTOCOL §12) */
  batchLoss: number;
  /** the mean squared error on the whole dataset with the adapter after the checkpoint */
  datasetLoss: number;
  provingSeconds: number | undefined;
  /** the checkpoint's share of its transaction's gas */
  gasUsed: bigint | undefined;
  adapterAfter: bigint;
  origin: ProofOrigin;
}

/** The (base model, dataset) projection as the demo prints it. */
export interface ProjectionReport {
  projectionId: bigint;
  blocks: number;
  /** the blocks this attempt submitted (0 when the projection was complete on-chain already) */
  submittedBlocks: number;
  provingSeconds: number;
  gasUsed: bigint;
}

/** The merge of the run's final adapter as the demo prints it. */
export interface MergeReport {
  /** the run's step count whose adapter was merged (its last) */
  steps: bigint;
  adapter: bigint;
  mergedRoot: bigint;
  /** W_eff = W0 + α B A exactly, integers at scale 2^3F (PROTOCOL §13) */
  merged: bigint[][];
  blocks: number;
  /** of the blocks this attempt submitted: proving time of the proofs made now, and gas */
  submittedBlocks: number;
  provingSeconds: number;
  gasUsed: bigint;
  /** "on-chain" when the merge was recorded before this attempt (by anyone) */
  origin: ProofOrigin;
}

/** A proof kept between attempts: reused only for the same instance and the same public signals. */
interface ProofFile {
  instance: string;
  publicSignals: string[];
  proof: Groth16Proof;
  provingSeconds: number;
  witnessSeconds: number;
}

interface Proven {
  proof: Groth16Proof;
  /** undefined when reused from an earlier attempt's file */
  provingSeconds: number | undefined;
}

export interface TrainingSessionOptions {
  registry: LoraLedgerRegistryV2;
  signer: Signer;
  chainId: bigint;
  instances: RunInstances;
  task: SyntheticTask;
  config: RunConfig;
  progress: Progress;
}

/** The step count a run trains to: `steps` rounded up to whole checkpoints of k steps. */
export function wholeCheckpointSteps(steps: number, k: number): number {
  return Math.ceil(steps / k) * k;
}

/** "steps 2..3" (or "step 2" when k = 1): how progress lines and errors name a checkpoint. */
function stepRange(firstStep: bigint, k: number): string {
  return k === 1 ? `step ${firstStep}` : `steps ${firstStep}..${firstStep + BigInt(k - 1)}`;
}

function adapterAfter(made: MadeCheckpoint): Adapter {
  const last = made.witness.adapters.at(-1);
  if (last === undefined) throw new Error("a checkpoint has at least its adapter before");
  return last;
}

/**
 * Trains, proves and submits one version-2 run (PROTOCOL §11–§13): registers the base model and the
 * activated dataset, proves the base projection unless it is complete, starts the run from the canonical
 * initialization of the seed, proves its checkpoints of k steps, and merges the final adapter in blocks.
 * The chain is the source of truth for how far each part got; proofs are kept in files written
 * atomically and reused only for the same public signals, and a proof is only ever submitted for the
 * state it was made for, so a restart can neither lose nor double anything.
 */
export class TrainingSession {
  /** the run's base commitment, activated dataset, projection and configuration (src/protocol setUpRun) */
  readonly setup: ReturnType<typeof setUpRun>;
  readonly shape: CheckpointShape;
  /** the canonical initialization's seed, and the start it proves */
  readonly seed: bigint;
  readonly start: Adapter;
  readonly adapterStart: bigint;
  /** the step count the run trains to: config.steps rounded up to whole checkpoints */
  readonly targetSteps: bigint;
  private readonly options: TrainingSessionOptions;
  /** the adapter after the run's last verified checkpoint that train() reached, and its step count */
  private trained: { runId: bigint; steps: bigint; adapter: Adapter } | undefined;

  constructor(options: TrainingSessionOptions) {
    const { task, instances, config } = options;
    if (config.adapterFile !== undefined) {
      throw new LoraLedgerError(
        "usage",
        `adapterFile (LORA_ADAPTER_FILE=${config.adapterFile}): a version-2 run starts from the canonical initialization of its seed (LORA_SEED), proven on-chain, not from an adapter file`,
        "adapterFile",
      );
    }
    this.options = options;
    this.shape = checkpointShapeOf(instances.checkpoint);
    this.setup = setUpRun({ shape: this.shape, w0: task.w0, dataset: task.dataset, alpha: task.alpha, lr: task.lr });
    this.seed = BigInt(config.seed);
    this.start = canonicalInit(this.seed, this.shape);
    this.adapterStart = adapterCommitment(this.start.a, this.start.b, this.shape);
    this.targetSteps = BigInt(wholeCheckpointSteps(config.steps, this.shape.steps));
  }

  private async wait(
    label: string,
    send: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
  ): Promise<ContractTransactionReceipt> {
    const transaction = await send();
    const receipt = await transaction.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`${label}: the transaction failed`);
    return receipt;
  }

  /** Proof files of this chain's registry: workDir/chain-<id>/<registry>/… */
  private registryDirectory(): string {
    const { chainId, config, registry } = this.options;
    return path.resolve(config.workDir, `chain-${chainId}`, (registry.target as string).toLowerCase());
  }

  /** The adapter after run `runId`'s last verified checkpoint, and its step count (after train(runId)). */
  trainedAdapter(runId: bigint): { steps: bigint; adapter: Adapter } {
    const trained = this.trained;
    if (trained?.runId !== runId) throw new Error(`trainedAdapter(${runId}) needs train(${runId}) first`);
    return { steps: trained.steps, adapter: trained.adapter };
  }

  /** The run's folder: its proofs, and the files a trainer takes home (src/training/takeHome.ts). */
  runDirectory(runId: bigint): string {
    return path.join(this.registryDirectory(), `run-${runId}`);
  }

  /**
   * A proof of `instance` for `publicSignals`: the file's, when an earlier attempt made it for exactly
   * these signals, else a new one written atomically (a killed attempt leaves no half-written file).
   */
  private async proofFor(
    label: string,
    fileName: string,
    instance: CircuitInstance,
    publicSignals: readonly bigint[],
    circuitInput: () => Record<string, unknown>,
  ): Promise<Proven> {
    const { progress } = this.options;
    const expected = publicSignals.map(String);
    const cached = readJsonIfExists(fileName) as ProofFile | undefined;
    if (cached?.instance === instance.name && JSON.stringify(cached.publicSignals) === JSON.stringify(expected)) {
      return { proof: cached.proof, provingSeconds: undefined };
    }
    progress.step(`${label}: proving (${instance.name})`);
    const proven = await proveWithInstance(instance.name, circuitInput());
    if (JSON.stringify(proven.publicSignals) !== JSON.stringify(expected)) {
      throw new Error(`${label}: the proof's public signals are not the statement's (${instance.name})`);
    }
    const file: ProofFile = {
      instance: instance.name,
      publicSignals: proven.publicSignals,
      proof: proven.proof,
      provingSeconds: proven.provingSeconds,
      witnessSeconds: proven.witnessSeconds,
    };
    writeJsonAtomic(fileName, file);
    progress.step(
      `${label}: proof in ${proven.provingSeconds.toFixed(2)} s (witness ${proven.witnessSeconds.toFixed(2)} s)`,
    );
    return { proof: proven.proof, provingSeconds: proven.provingSeconds };
  }

  /** Registers the base model and the activated dataset unless they already are (by anyone). */
  async registerRoots(): Promise<void> {
    const { registry, config, progress } = this.options;
    const { base, commitment } = this.setup;
    if ((await registry.getBaseModel(base.root)).registrant === ZeroAddress) {
      progress.step(`registering base model ${toHex32(base.root)}`);
      await this.wait("registerBaseModel", () =>
        registry.registerBaseModel(base.treeRoot, base.layout.blocks, config.modelUri),
      );
    }
    if ((await registry.getDataset(commitment.datasetRoot)).registrant === ZeroAddress) {
      progress.step(`registering activated dataset ${toHex32(commitment.datasetRoot)} (${commitment.size} examples)`);
      await this.wait("registerDataset", () =>
        registry.registerDataset(commitment.treeRoot, commitment.size, config.datasetUri),
      );
    }
  }

  /**
   * Proves and submits the blocks of the (base model, dataset) projection that are not verified yet,
   * unless a projection of the pair is complete on-chain (by anyone: it is a public fact).
   */
  async ensureProjection(): Promise<ProjectionReport> {
    const { registry, instances, task, progress } = this.options;
    const { base, commitment, projection } = this.setup;
    const blocks = base.layout.blocks;
    const report: ProjectionReport = {
      projectionId: projection.id,
      blocks,
      submittedBlocks: 0,
      provingSeconds: 0,
      gasUsed: 0n,
    };
    const recorded = await registry.projectionOf(base.root, commitment.datasetRoot);
    if (recorded !== 0n) {
      if (recorded !== projection.id) {
        throw new Error(
          `the registry's projection of this base model and dataset is ${toHex32(recorded)}, not ${toHex32(projection.id)} as computed here`,
        );
      }
      progress.step(`base projection ${toHex32(projection.id)} is complete on-chain`);
      return report;
    }
    const circuitId = circuitIdOf(instances.projection.name);
    const onChain = await registry.projectionProgress(base.root, commitment.datasetRoot, circuitId);
    if (onChain.acc !== projection.accumulators[Number(onChain.nextBlock)]) {
      throw new Error(
        `the registry's projection progress (block ${onChain.nextBlock}, acc ${toHex32(onChain.acc)}) is not this base model's`,
      );
    }
    const directory = path.join(
      this.registryDirectory(),
      `projection-${toHex32(base.root).slice(2, 18)}-${toHex32(commitment.datasetRoot).slice(2, 18)}`,
    );
    for (let block = Number(onChain.nextBlock); block < blocks; block++) {
      const label = `projection block ${block + 1}/${blocks}`;
      const input = projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, block);
      const proven = await this.proofFor(
        label,
        path.join(directory, `block-${String(block).padStart(4, "0")}.json`),
        instances.projection,
        orderedPublicSignals("BaseProjectionBlock", input.statement),
        () => input.circuitInput,
      );
      progress.step(`${label}: submitting`);
      const receipt = await this.wait("submitProjectionBlock", () =>
        registry.submitProjectionBlock(
          base.root,
          commitment.datasetRoot,
          circuitId,
          input.statement.accOut,
          registryProof(proven.proof),
        ),
      );
      report.submittedBlocks++;
      report.provingSeconds += proven.provingSeconds ?? 0;
      report.gasUsed += receipt.gasUsed;
    }
    return report;
  }

  /**
   * The run to continue: the newest run on-chain of this trainer with this configuration, checkpoint
   * instance and canonical start (seed); else a new run, started with a LoraRunStart proof.
   */
  async findOrStartRun(): Promise<bigint> {
    const { registry, signer, config, progress, instances } = this.options;
    const trainer = (await signer.getAddress()).toLowerCase();
    const { base, commitment, config: runConfig } = this.setup;
    const statement = runStartStatement(runConfig, { seed: this.seed, adapterStart: this.adapterStart });
    const checkpointCircuitId = circuitIdOf(instances.checkpoint.name);
    if (!config.newRun) {
      const fromBlock = Number(await registry.deploymentBlock());
      const events = await registry.queryFilter(
        registry.filters.RunStarted(undefined, base.root, commitment.datasetRoot),
        fromBlock,
      );
      for (const event of [...events].reverse()) {
        const { runId, trainer: runTrainer, runConfig: runConfigHash, adapterStart, parentRunId } = event.args;
        if (runTrainer.toLowerCase() !== trainer || parentRunId !== 0n) continue;
        if (runConfigHash !== statement.runConfig || adapterStart !== this.adapterStart) continue;
        const run = await registry.getRun(runId);
        if (run.checkpointCircuitId !== checkpointCircuitId || run.seed !== this.seed) continue;
        progress.step(`resuming run ${runId} (recorded on-chain)`);
        return runId;
      }
    }
    const proven = await this.proofFor(
      "run start",
      path.join(this.registryDirectory(), `start-${toHex32(statement.runConfig).slice(2, 18)}-seed-${this.seed}.json`),
      instances.start,
      orderedPublicSignals("LoraRunStart", statement),
      () => decimalRecord(statement),
    );
    progress.step(`starting a new run from the canonical initialization of seed ${this.seed}`);
    const receipt = await this.wait("startRun", () =>
      registry.startRun(
        {
          baseRoot: base.root,
          datasetRoot: commitment.datasetRoot,
          alpha: runConfig.alpha,
          lr: runConfig.lr,
          startCircuitId: circuitIdOf(instances.start.name),
          checkpointCircuitId,
          runConfig: statement.runConfig,
          adapterStart: this.adapterStart,
          seed: this.seed,
          continued: false,
        },
        registryProof(proven.proof),
      ),
    );
    return startedRunId(registry, receipt);
  }

  /** The checkpoint of k steps from `adapter` at `firstStep`, with the exact reference. */
  private checkpoint(adapter: Adapter, firstStep: bigint, submitter: bigint): MadeCheckpoint {
    return makeRunCheckpoint(this.setup, { shape: this.shape, adapter, firstStep, submitter });
  }

  private datasetLoss(adapter: Adapter): number {
    const { dataset, config } = this.setup;
    const { e } = forwardFromActivations(
      this.shape,
      dataset.map((example) => example.z),
      adapter.a,
      adapter.b,
      config.alpha,
      dataset.map((example) => example.x),
      dataset.map((example) => example.t),
    );
    return meanSquaredError(this.shape, e);
  }

  private report(made: MadeCheckpoint, firstStep: bigint, origin: ProofOrigin): CheckpointReport {
    return {
      firstStep: Number(firstStep),
      steps: this.shape.steps,
      batchLoss: checkpointMeanLoss(this.shape, made.statement.loss),
      datasetLoss: this.datasetLoss(adapterAfter(made)),
      provingSeconds: undefined,
      gasUsed: undefined,
      adapterAfter: made.statement.adapterAfter,
      origin,
    };
  }

  /** Brings run `runId` to targetSteps verified steps, checkpoint by checkpoint; returns every checkpoint's report. */
  async train(runId: bigint): Promise<CheckpointReport[]> {
    const { registry, signer, config, progress, instances } = this.options;
    const k = this.shape.steps;
    const submitter = BigInt(await signer.getAddress());
    const onChain = await registry.getRun(runId);
    const reports: CheckpointReport[] = [];

    // Replay the verified checkpoints with the exact reference: it is deterministic, so the adapter
    // after them is recomputed, and checked against the chain's head, instead of being stored.
    let adapter = this.start;
    let next = 0n;
    for (; next < onChain.nextStep; next += BigInt(k)) {
      const made = this.checkpoint(adapter, next, submitter);
      adapter = adapterAfter(made);
      reports.push(this.report(made, next, "on-chain"));
    }
    const replayedHead = adapterCommitment(adapter.a, adapter.b, this.shape);
    if (next !== onChain.nextStep || replayedHead !== onChain.head) {
      throw new Error(
        `run ${runId}'s head on-chain (${toHex32(onChain.head)} after ${onChain.nextStep} steps) is not what this task's checkpoints of ${k} steps give (${toHex32(replayedHead)} after ${next}): another task or configuration made this run`,
      );
    }
    if (onChain.nextStep > 0n)
      progress.step(`run ${runId} has ${onChain.nextStep} verified steps on-chain; continuing from there`);

    const runDirectory = this.runDirectory(runId);
    while (next < this.targetSteps) {
      const group: { submission: ReturnType<typeof checkpointSubmission>; report: CheckpointReport }[] = [];
      while (group.length < config.submitBatch && next < this.targetSteps) {
        const made = this.checkpoint(adapter, next, submitter);
        const proven = await this.proofFor(
          stepRange(next, k),
          path.join(runDirectory, `checkpoint-${String(next).padStart(6, "0")}.json`),
          instances.checkpoint,
          checkpointPublicSignals(made.statement),
          () => buildCheckpointCircuitInput(made.statement, made.witness),
        );
        adapter = adapterAfter(made);
        group.push({
          submission: checkpointSubmission(made.statement.adapterAfter, made.statement.loss, proven.proof),
          report: {
            ...this.report(made, next, proven.provingSeconds === undefined ? "reused" : "proved"),
            provingSeconds: proven.provingSeconds,
          },
        });
        next += BigInt(k);
      }
      const first = BigInt(group[0]?.report.firstStep ?? 0);
      const [only] = group;
      let receipt: ContractTransactionReceipt;
      if (group.length === 1 && only !== undefined) {
        progress.step(`${stepRange(first, k)}: submitting`);
        const { adapterAfter: after, loss, proof } = only.submission;
        receipt = await this.wait("submitCheckpoint", () => registry.submitCheckpoint(runId, after, loss, proof));
      } else {
        progress.step(
          `${stepRange(first, group.length * k)}: submitting ${group.length} checkpoints in one transaction`,
        );
        receipt = await this.wait("submitCheckpoints", () =>
          registry.submitCheckpoints(
            runId,
            group.map((entry) => entry.submission),
          ),
        );
      }
      const gasPerCheckpoint = receipt.gasUsed / BigInt(group.length);
      for (const entry of group) reports.push({ ...entry.report, gasUsed: gasPerCheckpoint });
    }
    this.trained = { runId, steps: next, adapter };
    if (existsSync(runDirectory)) progress.step(`proofs kept in ${path.relative(process.cwd(), runDirectory)}`);
    return reports;
  }

  /**
   * Proves the merged weights W0 + α B A of the run's head (the adapter after its last verified
   * checkpoint) in the base model's column blocks with the LoraMergeBlock instance, and submits the blocks
   * not verified yet; a merge recorded already is reported, not redone. Call after train(runId).
   */
  async mergeHead(runId: bigint): Promise<MergeReport> {
    const { registry, task, instances, progress } = this.options;
    const mergeInstance = instances.mergeBlock;
    if (mergeInstance === undefined) throw new Error("mergeHead: the run's instances have no LoraMergeBlock instance");
    const trained = this.trained;
    if (trained?.runId !== runId) throw new Error(`mergeHead(${runId}) needs train(${runId}) first`);
    const { steps, adapter: head } = trained;
    const { base } = this.setup;
    const merged = mergeInBlocks(this.shape, task.w0, head.a, head.b, task.alpha);
    const adapter = adapterCommitment(head.a, head.b, this.shape);
    const onChainHead = (await registry.getRun(runId)).head;
    if (adapter !== onChainHead) {
      throw new Error(`run ${runId}'s head is ${toHex32(onChainHead)} on-chain, ${toHex32(adapter)} here`);
    }
    const blocks = merged.layout.blocks;
    const report = {
      steps,
      adapter,
      mergedRoot: merged.root,
      merged: merged.merged,
      blocks,
      submittedBlocks: 0,
      provingSeconds: 0,
      gasUsed: 0n,
    };

    // A merge is recorded per adapter, on the α of the run that produced it first (an earlier run with
    // this configuration may have, when training repeats itself exactly).
    const recorded = await registry.mergeOf(adapter);
    if (recorded.recorder !== ZeroAddress) {
      if (recorded.mergedRoot !== merged.root) {
        throw new Error(
          `the registry records merged root ${toHex32(recorded.mergedRoot)} for the adapter ${toHex32(adapter)}, not ${toHex32(merged.root)} as computed here`,
        );
      }
      progress.step(`merge of the adapter after ${steps} steps is recorded already (by ${recorded.recorder})`);
      return { ...report, origin: "on-chain" };
    }

    const circuitId = circuitIdOf(mergeInstance.name);
    const onChain = await registry.mergeProgress(adapter, circuitId);
    if (onChain.acc !== merged.accumulators[Number(onChain.nextBlock)]) {
      throw new Error(
        `the registry's merge progress of the adapter ${toHex32(adapter)} (block ${onChain.nextBlock}) is not this merge's`,
      );
    }
    let reused = false;
    for (let block = Number(onChain.nextBlock); block < blocks; block++) {
      const label = `merge block ${block + 1}/${blocks}`;
      const input = mergeBlockInput(
        this.shape,
        { w0: task.w0, a: head.a, b: head.b, alpha: task.alpha, base, merged },
        block,
      );
      const proven = await this.proofFor(
        label,
        path.join(
          this.runDirectory(runId),
          `merge-${String(steps).padStart(6, "0")}-block-${String(block).padStart(4, "0")}.json`,
        ),
        mergeInstance,
        orderedPublicSignals("LoraMergeBlock", input.statement),
        () => input.circuitInput,
      );
      reused ||= proven.provingSeconds === undefined;
      progress.step(`${label}: submitting`);
      const receipt = await this.wait("submitMergeBlock", () =>
        registry.submitMergeBlock(adapter, circuitId, input.statement.accOut, registryProof(proven.proof)),
      );
      report.submittedBlocks++;
      report.provingSeconds += proven.provingSeconds ?? 0;
      report.gasUsed += receipt.gasUsed;
    }
    return { ...report, origin: reused ? "reused" : "proved" };
  }
}
