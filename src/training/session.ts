import { existsSync } from "node:fs";
import path from "node:path";
import { ZeroAddress, type ContractTransactionReceipt, type Signer } from "ethers";
import {
  checkpointShapeOf,
  adapterCommitment,
  buildCheckpointCircuitInput,
  decimalRecord,
  canonicalInit,
  checkpointMeanLoss,
  checkpointPublicSignals,
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
  datasetCardUri,
} from "../protocol/index.js";
import type { LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import {
  byBigint,
  checkpointSubmission,
  circuitIdOf,
  registryProof,
  runEvaluations,
  startedRunId,
} from "../chain/index.js";
import { proveWithInstance, readJsonIfExists, writeJsonAtomic, type Progress } from "../node/index.js";
import {
  artifactHashes,
  checkpointDocument,
  ConcurrencyLimit,
  mergeBlockDocument,
  projectionBlockDocument,
  runStartDocument,
  type Prover,
  type ProvingJobKind,
  type ProvingResult,
} from "../proving/index.js";
import type { RunConfig } from "./config.js";
import type { Fraction, RunTask } from "./evaluation.js";
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
  task: RunTask;
  config: RunConfig;
  progress: Progress;
  /**
   * where the proofs are made: an in-process pool, or workers behind a queue (src/proving); programs pass
   * one that proves jobs with the `prove` command (src/cli's proveJob). Default: config.provers proofs at
   * once in this process, straight from the circuit inputs (no documents: this layer is below the commands).
   */
  prover?: Prover;
}

/** A proof asked for: what the job proves, where its file is kept, and the statement it must prove. */
interface ProofRequest {
  label: string;
  fileName: string;
  kind: ProvingJobKind;
  instance: CircuitInstance;
  publicSignals: readonly bigint[];
  /** the `prove` document, built only when no earlier attempt's file has the proof */
  document: () => Record<string, unknown>;
  /** the circuit input, for the default prover (built only when it proves) */
  circuitInput: () => Record<string, unknown>;
}

/** The file of a checkpoint's proof in its run's folder (the manifest names it too: src/training/takeHome.ts). */
export function checkpointProofFileName(firstStep: bigint | number): string {
  return `checkpoint-${String(firstStep).padStart(6, "0")}.json`;
}

/** The step count a run trains to: `steps` rounded up to whole checkpoints of k steps. */
export function wholeCheckpointSteps(steps: number, k: number): number {
  return Math.ceil(steps / k) * k;
}

/** The evaluations reportEvaluations made of a run's adapters (or found reported already). */
export interface EvaluationsReport {
  metric: string;
  split: string;
  /** every evaluated step count of this attempt's plan, with its value, in step order */
  points: (Fraction & { steps: bigint; origin: "reported" | "on-chain" })[];
  /** gas of the reportEvaluations transaction (0n when every point was on-chain already) */
  gasUsed: bigint;
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
  private readonly prover: Prover | undefined;
  /** the default prover: config.provers proofs at once in this process */
  private readonly local: ConcurrencyLimit;
  /** the transactions this session sent and the wall time until their receipts (the submitter's share of a run) */
  readonly submissions = { transactions: 0, seconds: 0 };
  /**
   * the step count of the run's last verified checkpoint that train() reached, and the adapter after each
   * of its checkpoints (0: the start; `steps`: the head)
   */
  private trained: { runId: bigint; steps: bigint; history: Map<bigint, Adapter> } | undefined;

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
    this.prover = options.prover;
    this.local = new ConcurrencyLimit(config.provers);
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
    const sent = performance.now();
    const transaction = await send();
    const receipt = await transaction.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`${label}: the transaction failed`);
    this.submissions.transactions++;
    this.submissions.seconds += (performance.now() - sent) / 1000;
    return receipt;
  }

  /** Proof files of this chain's registry: workDir/chain-<id>/<registry>/… */
  private registryDirectory(): string {
    const { chainId, config, registry } = this.options;
    return path.resolve(config.workDir, `chain-${chainId}`, (registry.target as string).toLowerCase());
  }

  /** What train(runId) reached: its step count and every verified adapter of the run. */
  private trainedRun(runId: bigint): { steps: bigint; history: ReadonlyMap<bigint, Adapter> } {
    const trained = this.trained;
    if (trained?.runId !== runId) throw new Error(`run ${runId}'s adapters are known only after train(${runId})`);
    return trained;
  }

  /** The adapter after run `runId`'s last verified checkpoint, and its step count (after train(runId)). */
  trainedAdapter(runId: bigint): { steps: bigint; adapter: Adapter } {
    const { steps, history } = this.trainedRun(runId);
    const adapter = history.get(steps);
    if (adapter === undefined) throw new Error(`run ${runId} has no adapter after ${steps} steps`);
    return { steps, adapter };
  }

  /** The run's folder: its proofs, and the files a trainer takes home (src/training/takeHome.ts). */
  runDirectory(runId: bigint): string {
    return path.join(this.registryDirectory(), `run-${runId}`);
  }

  /** How jobs name what they belong to, for the queue's status: the chain, the registry, and the run. */
  private jobGroup(what: string): string {
    const { chainId, registry } = this.options;
    return `chain ${chainId} registry ${(registry.target as string).toLowerCase().slice(0, 10)}… ${what}`;
  }

  /**
   * A proof of the request's instance for its public signals: the file's, when an earlier attempt made it
   * for exactly these signals, else a job for the prover; the proof's file is written atomically as soon
   * as it arrives (in any order), so a killed attempt keeps every finished proof and no half-written file.
   * The promise is marked handled: a later proof may fail before the submitter waits for it.
   */
  private requestProof(group: string, request: ProofRequest): Promise<Proven> {
    const { progress } = this.options;
    const { label, fileName, instance } = request;
    const expected = request.publicSignals.map(String);
    const cached = readJsonIfExists(fileName) as ProofFile | undefined;
    if (cached?.instance === instance.name && JSON.stringify(cached.publicSignals) === JSON.stringify(expected)) {
      return Promise.resolve({ proof: cached.proof, provingSeconds: undefined });
    }
    const asked: Promise<ProvingResult> =
      this.prover === undefined
        ? this.local.run(label, async () => {
            const proven = await proveWithInstance(instance.name, request.circuitInput());
            return {
              proof: proven.proof,
              public_signals: proven.publicSignals,
              metadata: { witness_seconds: proven.witnessSeconds, proving_seconds: proven.provingSeconds },
            };
          })
        : this.prover.prove({
            kind: request.kind,
            instance: instance.name,
            document: request.document(),
            artifacts: artifactHashes(instance.name),
            run: this.jobGroup(group),
            label,
          });
    const proven = asked.then((answer): Proven => {
      if (JSON.stringify(answer.public_signals) !== JSON.stringify(expected)) {
        throw new Error(`${label}: the proof's public signals are not the statement's (${instance.name})`);
      }
      const { proving_seconds: provingSeconds, witness_seconds: witnessSeconds } = answer.metadata;
      const file: ProofFile = {
        instance: instance.name,
        publicSignals: answer.public_signals,
        proof: answer.proof,
        provingSeconds,
        witnessSeconds,
      };
      writeJsonAtomic(fileName, file);
      progress.step(`${label}: proof in ${provingSeconds.toFixed(2)} s (witness ${witnessSeconds.toFixed(2)} s)`);
      return { proof: answer.proof, provingSeconds };
    });
    proven.catch(() => {});
    return proven;
  }

  /** Asks for every proof at once (the prover runs them as wide as it can); they resolve in any order. */
  private requestProofs(group: string, requests: readonly ProofRequest[]): Promise<Proven>[] {
    const proofs = requests.map((request) => this.requestProof(group, request));
    const { progress } = this.options;
    const where = this.prover?.description ?? `this process (${this.options.config.provers} at once)`;
    if (requests.length > 0) progress.step(`${group}: ${requests.length} proof(s) asked of ${where}`);
    return proofs;
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
        registry.registerDataset(
          commitment.treeRoot,
          commitment.size,
          config.datasetUri ?? (this.options.task.card === undefined ? "" : datasetCardUri(this.options.task.card)),
        ),
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
    const first = Number(onChain.nextBlock);
    const inputs = Array.from({ length: blocks - first }, (_, i) =>
      projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, first + i),
    );
    const label = (block: number): string => `projection block ${block + 1}/${blocks}`;
    const proofs = this.requestProofs(
      `projection ${toHex32(projection.id).slice(0, 18)}…`,
      inputs.map((input, i) => ({
        label: label(first + i),
        fileName: path.join(directory, `block-${String(first + i).padStart(4, "0")}.json`),
        kind: "projection-block",
        instance: instances.projection,
        publicSignals: orderedPublicSignals("BaseProjectionBlock", input.statement),
        document: () => projectionBlockDocument(instances.projection, input, task.w0),
        circuitInput: () => input.circuitInput,
      })),
    );
    // Submitted in order as the proofs arrive: the chain accepts block b only after block b - 1.
    for (const [i, input] of inputs.entries()) {
      const proven = await (proofs[i] as Promise<Proven>);
      progress.step(`${label(first + i)}: submitting`);
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
    const [start] = this.requestProofs(`run start of seed ${this.seed}`, [
      {
        label: "run start",
        fileName: path.join(
          this.registryDirectory(),
          `start-${toHex32(statement.runConfig).slice(2, 18)}-seed-${this.seed}.json`,
        ),
        kind: "run-start",
        instance: instances.start,
        publicSignals: orderedPublicSignals("LoraRunStart", statement),
        document: () => runStartDocument(instances.start, statement),
        circuitInput: () => decimalRecord(statement),
      },
    ]);
    const proven = await (start as Promise<Proven>);
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
    const requests: ProofRequest[] = [];

    // Replay the verified checkpoints with the exact reference: it is deterministic, so the adapter
    // after them is recomputed, and checked against the chain's head, instead of being stored.
    let adapter = this.start;
    let next = 0n;
    const history = new Map<bigint, Adapter>([[0n, adapter]]);
    for (; next < onChain.nextStep; next += BigInt(k)) {
      const made = this.checkpoint(adapter, next, submitter);
      adapter = adapterAfter(made);
      history.set(next + BigInt(k), adapter);
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

    // Train ahead: the exact reference gives every checkpoint's witness, so every proof the run still
    // needs is asked for at once, and the checkpoints are submitted in order as their proofs arrive.
    const runDirectory = this.runDirectory(runId);
    const ahead: { made: MadeCheckpoint; firstStep: bigint }[] = [];
    for (; next < this.targetSteps; next += BigInt(k)) {
      const made = this.checkpoint(adapter, next, submitter);
      const before = adapter;
      ahead.push({ made, firstStep: next });
      adapter = adapterAfter(made);
      history.set(next + BigInt(k), adapter);
      const firstStep = next;
      requests.push({
        label: stepRange(firstStep, k),
        fileName: path.join(runDirectory, checkpointProofFileName(firstStep)),
        kind: "checkpoint",
        instance: instances.checkpoint,
        publicSignals: checkpointPublicSignals(made.statement),
        document: () =>
          checkpointDocument(instances.checkpoint, this.shape, this.setup, before, made, firstStep, submitter),
        circuitInput: () => buildCheckpointCircuitInput(made.statement, made.witness),
      });
    }
    const proofs = this.requestProofs(`run ${runId}`, requests);
    for (let index = 0; index < ahead.length; index += config.submitBatch) {
      const group: { submission: ReturnType<typeof checkpointSubmission>; report: CheckpointReport }[] = [];
      for (const [offset, { made, firstStep }] of ahead.slice(index, index + config.submitBatch).entries()) {
        const proven = await (proofs[index + offset] as Promise<Proven>);
        group.push({
          submission: checkpointSubmission(made.statement.adapterAfter, made.statement.loss, proven.proof),
          report: {
            ...this.report(made, firstStep, proven.provingSeconds === undefined ? "reused" : "proved"),
            provingSeconds: proven.provingSeconds,
          },
        });
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
    this.trained = { runId, steps: next, history };
    if (existsSync(runDirectory)) progress.step(`proofs kept in ${path.relative(process.cwd(), runDirectory)}`);
    return reports;
  }

  /**
   * Reports the task's held-out evaluation of the run's adapters on-chain, in one reportEvaluations
   * transaction: at the start, every config.reportEvery steps (whole checkpoints) and at the last verified
   * step. The trainer's word, not proven; a point this trainer reported already (same metric and split) is
   * not reported again. Undefined when the task has no evaluation or config.report is false. Call after
   * train(runId).
   */
  async reportEvaluations(runId: bigint): Promise<EvaluationsReport | undefined> {
    const { registry, config, progress, task, signer } = this.options;
    const evaluation = task.evaluation;
    if (evaluation === undefined || !config.report) return undefined;
    const trained = this.trainedRun(runId);
    const every = BigInt(wholeCheckpointSteps(config.reportEvery, this.shape.steps));
    const planned = new Set<bigint>([0n, trained.steps]);
    if (every > 0n) for (let steps = every; steps < trained.steps; steps += every) planned.add(steps);
    const trainer = (await signer.getAddress()).toLowerCase();
    const reported = new Set(
      (await runEvaluations(registry, runId))
        .filter(
          (known) =>
            known.reporter.toLowerCase() === trainer &&
            known.metric === evaluation.metric &&
            known.split === evaluation.split,
        )
        .map((known) => known.steps),
    );
    const points = [...planned].sort(byBigint).map((steps) => {
      const adapter = trained.history.get(steps);
      // The history holds exactly the verified adapters (the start and each checkpoint's end).
      if (adapter === undefined) throw new Error(`no verified adapter after ${steps} steps`);
      return {
        steps,
        ...evaluation.measure(adapter),
        origin: reported.has(steps) ? ("on-chain" as const) : ("reported" as const),
      };
    });
    const fresh = points.filter((point) => point.origin === "reported");
    let gasUsed = 0n;
    if (fresh.length > 0) {
      progress.step(
        `reporting ${evaluation.metric} on ${evaluation.split} after ${fresh.map((point) => point.steps).join(", ")} steps (the trainer's word, not proven)`,
      );
      const receipt = await this.wait("reportEvaluations", () =>
        registry.reportEvaluations(
          runId,
          fresh.map(({ steps, numerator, denominator }) => ({
            steps,
            numerator,
            denominator,
            metric: evaluation.metric,
            split: evaluation.split,
          })),
        ),
      );
      gasUsed = receipt.gasUsed;
    }
    return { metric: evaluation.metric, split: evaluation.split, points, gasUsed };
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
    const { steps, adapter: head } = this.trainedAdapter(runId);
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
    const first = Number(onChain.nextBlock);
    const inputs = Array.from({ length: blocks - first }, (_, i) =>
      mergeBlockInput(this.shape, { w0: task.w0, a: head.a, b: head.b, alpha: task.alpha, base, merged }, first + i),
    );
    const label = (block: number): string => `merge block ${block + 1}/${blocks}`;
    const proofs = this.requestProofs(
      `run ${runId} merge`,
      inputs.map((input, i) => ({
        label: label(first + i),
        fileName: path.join(
          this.runDirectory(runId),
          `merge-${String(steps).padStart(6, "0")}-block-${String(first + i).padStart(4, "0")}.json`,
        ),
        kind: "merge-block",
        instance: mergeInstance,
        publicSignals: orderedPublicSignals("LoraMergeBlock", input.statement),
        document: () => mergeBlockDocument(mergeInstance, input, task.w0, head),
        circuitInput: () => input.circuitInput,
      })),
    );
    for (const [i, input] of inputs.entries()) {
      const proven = await (proofs[i] as Promise<Proven>);
      reused ||= proven.provingSeconds === undefined;
      progress.step(`${label(first + i)}: submitting`);
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
