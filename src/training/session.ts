import {
  toHex32,
  adapterCommitment,
  baseRoot,
  hparamsHash,
  commitDataset,
  makeStep,
  makeMerge,
  forward,
  meanSquaredError,
  type Groth16Proof,
  type CircuitInstance,
} from "../protocol/index.js";
import { existsSync } from "node:fs";
import path from "node:path";
import type { ContractTransactionReceipt, Signer } from "ethers";
import type { LoraLedgerRegistry } from "../../types/ethers-contracts/index.js";
import { circuitIdOf, registryProof, stepSubmission } from "../chain/index.js";
import { readJsonIfExists, writeJsonAtomic, proveWithInstance } from "../node/index.js";
import type { Progress } from "../node/index.js";
import type { Matrix, SyntheticTask } from "../protocol/index.js";
import type { RunConfig } from "./config.js";

/** One verified step as the demo table shows it. */
export interface StepReport {
  step: number;
  batchLoss: number;
  datasetLoss: number;
  provingSeconds: number | undefined;
  gasUsed: bigint | undefined;
  adapterAfter: bigint;
  /** "proved" now, "reused" a proof file of an earlier attempt, or "on-chain" already before this attempt */
  origin: "proved" | "reused" | "on-chain";
}

/** The merge of the run's final adapter as the demo prints it. */
export interface MergeReport {
  /** the verified step whose adapter was merged (the run's last) */
  step: number;
  adapter: bigint;
  mergedRoot: bigint;
  /** W_eff = W0 + α B A exactly, integers at scale 2^3F (PROTOCOL §9) */
  merged: bigint[][];
  /** of the proof recorded now (made now, or by an earlier attempt when "reused") */
  provingSeconds: number | undefined;
  gasUsed: bigint | undefined;
  /** as StepReport's; "on-chain": recorded before this attempt (by anyone) */
  origin: "proved" | "reused" | "on-chain";
}

interface MergeProofFile {
  instance: string;
  step: string;
  adapter: string;
  mergedRoot: string;
  proof: Groth16Proof;
  publicSignals: string[];
  provingSeconds: number;
  witnessSeconds: number;
}

interface ProofFile {
  instance: string;
  step: string;
  submitter: string;
  adapterBefore: string;
  adapterAfter: string;
  proof: Groth16Proof;
  publicSignals: string[];
  provingSeconds: number;
  witnessSeconds: number;
}

export interface TrainingSessionOptions {
  registry: LoraLedgerRegistry;
  signer: Signer;
  chainId: bigint;
  instance: CircuitInstance;
  task: SyntheticTask;
  config: RunConfig;
  progress: Progress;
}

/**
 * Trains, proves and submits the steps of one run, resuming from the chain's head: the chain is the
 * source of truth for how far the run got, proofs are kept in files written atomically, and a proof is
 * only ever submitted for the head it was made for, so a restart can neither lose nor double a step.
 */
export class TrainingSession {
  readonly commitments: { baseRoot: bigint; datasetRoot: bigint; hparamsHash: bigint; initialAdapter: bigint };
  readonly circuitId: string;
  private readonly options: TrainingSessionOptions;
  /** the adapters after the last verified step train() reached, and that step's count */
  private trained: { runId: bigint; steps: bigint; a: Matrix; b: Matrix } | undefined;

  constructor(options: TrainingSessionOptions) {
    this.options = options;
    const { task, instance } = options;
    const shape = instance.params;
    const dataset = commitDataset(task.dataset, shape);
    this.commitments = {
      baseRoot: baseRoot(task.w0, shape),
      datasetRoot: dataset.datasetRoot,
      hparamsHash: hparamsHash(shape, task.alpha, task.lr, dataset.size),
      initialAdapter: adapterCommitment(task.a, task.b, shape),
    };
    this.circuitId = circuitIdOf(instance.name);
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

  /** Registers the base model and the dataset unless they already are (by anyone). */
  async registerRoots(): Promise<void> {
    const { registry, config, task, progress } = this.options;
    const { baseRoot: base, datasetRoot } = this.commitments;
    if ((await registry.getBaseModel(base)).registrant === "0x0000000000000000000000000000000000000000") {
      progress.step(`registering base model ${toHex32(base)}`);
      await this.wait("registerBaseModel", () => registry.registerBaseModel(base, config.modelUri));
    }
    if ((await registry.getDataset(datasetRoot)).registrant === "0x0000000000000000000000000000000000000000") {
      progress.step(`registering dataset ${toHex32(datasetRoot)} (${task.dataset.length} examples)`);
      await this.wait("registerDataset", () =>
        registry.registerDataset(datasetRoot, task.dataset.length, config.datasetUri),
      );
    }
  }

  /**
   * The run to continue: the newest run on-chain of this trainer with the same base model, dataset,
   * hyperparameters, circuit and initial adapter that has not reached the target yet; else a new one.
   */
  async findOrStartRun(): Promise<bigint> {
    const { registry, signer, config, progress } = this.options;
    const trainer = (await signer.getAddress()).toLowerCase();
    const { baseRoot: base, datasetRoot, hparamsHash: hparams, initialAdapter } = this.commitments;
    if (!config.newRun) {
      const fromBlock = Number(await registry.deploymentBlock());
      const events = await registry.queryFilter(registry.filters.RunStarted(undefined, base, datasetRoot), fromBlock);
      for (const event of [...events].reverse()) {
        const {
          runId,
          trainer: runTrainer,
          circuitId,
          hparamsHash: runHparams,
          initialAdapter: runInitial,
        } = event.args;
        if (runTrainer.toLowerCase() !== trainer || circuitId !== this.circuitId) continue;
        if (runHparams !== hparams || runInitial !== initialAdapter) continue;
        progress.step(`resuming run ${runId} (recorded on-chain)`);
        return runId;
      }
    }
    progress.step("starting a new run");
    const receipt = await this.wait("startRun", () =>
      registry.startRun(base, datasetRoot, hparams, this.circuitId, initialAdapter),
    );
    for (const log of receipt.logs) {
      const parsed = registry.interface.parseLog(log);
      if (parsed?.name === "RunStarted") return parsed.args.runId as bigint;
    }
    throw new Error("startRun succeeded but emitted no RunStarted event");
  }

  private runDirectory(runId: bigint): string {
    const { chainId, config, registry } = this.options;
    const registryAddress = (registry.target as string).toLowerCase();
    return path.resolve(config.workDir, `chain-${chainId}`, registryAddress, `run-${runId}`);
  }

  /** Proves step `step` from adapters (a, b), reusing a proof file made for exactly this statement. */
  private async proofFor(
    runId: bigint,
    step: bigint,
    a: Matrix,
    b: Matrix,
    submitter: bigint,
  ): Promise<{ made: ReturnType<typeof makeStep>; file: ProofFile; reused: boolean }> {
    const { task, instance, progress } = this.options;
    const made = makeStep({ ...task, a, b, step, submitter });
    const fileName = path.join(this.runDirectory(runId), `step-${String(step).padStart(6, "0")}.json`);
    const cached = readJsonIfExists(fileName) as ProofFile | undefined;
    if (
      cached !== undefined &&
      cached.instance === instance.name &&
      cached.submitter === String(submitter) &&
      cached.adapterBefore === String(made.statement.adapterBefore) &&
      cached.adapterAfter === String(made.statement.adapterAfter)
    ) {
      return { made, file: cached, reused: true };
    }
    progress.step(`step ${step}: proving (${instance.name})`);
    const proven = await proveWithInstance(instance.name, made.circuitInput);
    const file: ProofFile = {
      instance: instance.name,
      step: String(step),
      submitter: String(submitter),
      adapterBefore: String(made.statement.adapterBefore),
      adapterAfter: String(made.statement.adapterAfter),
      proof: proven.proof,
      publicSignals: proven.publicSignals,
      provingSeconds: proven.provingSeconds,
      witnessSeconds: proven.witnessSeconds,
    };
    writeJsonAtomic(fileName, file);
    progress.step(
      `step ${step}: proof in ${proven.provingSeconds.toFixed(2)} s (witness ${proven.witnessSeconds.toFixed(2)} s)`,
    );
    return { made, file, reused: false };
  }

  private datasetLoss(a: Matrix, b: Matrix): number {
    const { task, instance } = this.options;
    const shape = instance.params;
    const { e } = forward(
      shape,
      task.w0,
      a,
      b,
      task.alpha,
      task.dataset.map((example) => example.x),
      task.dataset.map((example) => example.t),
    );
    return meanSquaredError(shape, e);
  }

  /** Brings run `runId` to `config.steps` verified steps; returns every step's report. */
  async train(runId: bigint): Promise<StepReport[]> {
    const { registry, signer, task, config, progress, instance } = this.options;
    const submitter = BigInt(await signer.getAddress());
    const onChain = await registry.getRun(runId);
    const reports: StepReport[] = [];

    // Replay the verified steps with the exact reference: it is deterministic, so the adapters after
    // step t are recomputed, and checked against the chain's head, instead of being stored.
    let a: Matrix = task.a;
    let b: Matrix = task.b;
    for (let step = 0n; step < onChain.nextStep; step++) {
      const made = makeStep({ ...task, a, b, step, submitter });
      a = made.witness.aNext;
      b = made.witness.bNext;
      reports.push({
        step: Number(step),
        batchLoss: made.loss,
        datasetLoss: this.datasetLoss(a, b),
        provingSeconds: undefined,
        gasUsed: undefined,
        adapterAfter: made.statement.adapterAfter,
        origin: "on-chain",
      });
    }
    const replayedHead = adapterCommitment(a, b, instance.params);
    if (replayedHead !== onChain.head) {
      throw new Error(
        `run ${runId}'s head on-chain (${toHex32(onChain.head)}) is not what this task's ${onChain.nextStep} steps give (${toHex32(replayedHead)}): another task or configuration made this run`,
      );
    }
    if (onChain.nextStep > 0n)
      progress.step(`run ${runId} has ${onChain.nextStep} verified steps on-chain; continuing from there`);

    let step = onChain.nextStep;
    while (step < BigInt(config.steps)) {
      const group: { adapterAfter: bigint; proof: Groth16Proof }[] = [];
      const groupReports: StepReport[] = [];
      while (group.length < config.submitBatch && step < BigInt(config.steps)) {
        const { made, file, reused } = await this.proofFor(runId, step, a, b, submitter);
        a = made.witness.aNext;
        b = made.witness.bNext;
        group.push({ adapterAfter: made.statement.adapterAfter, proof: file.proof });
        groupReports.push({
          step: Number(step),
          batchLoss: made.loss,
          datasetLoss: this.datasetLoss(a, b),
          provingSeconds: reused ? undefined : file.provingSeconds,
          gasUsed: undefined,
          adapterAfter: made.statement.adapterAfter,
          origin: reused ? "reused" : "proved",
        });
        step++;
      }
      const first = groupReports[0]?.step ?? 0;
      progress.step(
        group.length === 1
          ? `step ${first}: submitting`
          : `steps ${first}..${first + group.length - 1}: submitting in one transaction`,
      );
      const submissions = group.map((entry) => stepSubmission(entry.adapterAfter, entry.proof));
      const [only] = submissions;
      const receipt =
        submissions.length === 1 && only !== undefined
          ? await this.wait("submitStep", () => registry.submitStep(runId, only.adapterAfter, only.proof))
          : await this.wait("submitSteps", () => registry.submitSteps(runId, submissions));
      const gasPerStep = receipt.gasUsed / BigInt(group.length);
      for (const report of groupReports) reports.push({ ...report, gasUsed: gasPerStep });
    }
    this.trained = { runId, steps: step, a, b };
    if (existsSync(this.runDirectory(runId)))
      progress.step(`proofs kept in ${path.relative(process.cwd(), this.runDirectory(runId))}`);
    return reports;
  }

  /**
   * Proves the merged weights of the run's head (the adapter after its last verified step) with the
   * LoraMerge instance `mergeInstance` and records them with recordMerge; resumable like the steps: a
   * merge already recorded is reported, not redone, and a proof file is reused for the same statement.
   * Call after train(runId).
   */
  async mergeHead(runId: bigint, mergeInstance: CircuitInstance): Promise<MergeReport> {
    const { registry, task, instance, progress } = this.options;
    const trained = this.trained;
    if (trained?.runId !== runId) throw new Error(`mergeHead(${runId}) needs train(${runId}) first`);
    if (trained.steps === 0n)
      throw new Error(`run ${runId} has no verified step: there is no trained adapter to merge`);
    if (JSON.stringify(mergeInstance.params) !== JSON.stringify(instance.params)) {
      throw new Error(`${mergeInstance.name} does not have the parameters of ${instance.name}`);
    }
    const step = trained.steps - 1n;
    const made = makeMerge({
      shape: instance.params,
      w0: task.w0,
      a: trained.a,
      b: trained.b,
      alpha: task.alpha,
      lr: task.lr,
      datasetSize: BigInt(task.dataset.length),
    });
    const { adapter, mergedRoot } = made.statement;
    const onChainAdapter = await registry.adapterAfterStep(runId, step);
    if (
      adapter !== onChainAdapter ||
      made.statement.hparamsHash !== this.commitments.hparamsHash ||
      made.statement.baseRoot !== this.commitments.baseRoot
    ) {
      throw new Error(
        `the merge statement of run ${runId} step ${step} does not match the chain (adapter ${toHex32(onChainAdapter)} on-chain, ${toHex32(adapter)} here)`,
      );
    }
    const report = { step: Number(step), adapter, mergedRoot, merged: made.merged };

    const recorded = await registry.mergeOf(adapter);
    if (recorded.recorder !== "0x0000000000000000000000000000000000000000") {
      if (recorded.mergedRoot !== mergedRoot) {
        throw new Error(
          `the registry records merged root ${toHex32(recorded.mergedRoot)} for adapter ${toHex32(adapter)}, not ${toHex32(mergedRoot)}: another base model or alpha merged it first`,
        );
      }
      progress.step(`merge of step ${step}'s adapter is recorded already (by ${recorded.recorder})`);
      return { ...report, provingSeconds: undefined, gasUsed: undefined, origin: "on-chain" };
    }

    const fileName = path.join(this.runDirectory(runId), `merge-${String(step).padStart(6, "0")}.json`);
    let file = readJsonIfExists(fileName) as MergeProofFile | undefined;
    const reused =
      file !== undefined &&
      file.instance === mergeInstance.name &&
      file.adapter === String(adapter) &&
      file.mergedRoot === String(mergedRoot);
    if (file === undefined || !reused) {
      progress.step(`merge of step ${step}'s adapter: proving (${mergeInstance.name})`);
      const proven = await proveWithInstance(mergeInstance.name, made.circuitInput);
      file = {
        instance: mergeInstance.name,
        step: String(step),
        adapter: String(adapter),
        mergedRoot: String(mergedRoot),
        proof: proven.proof,
        publicSignals: proven.publicSignals,
        provingSeconds: proven.provingSeconds,
        witnessSeconds: proven.witnessSeconds,
      };
      writeJsonAtomic(fileName, file);
      progress.step(
        `merge: proof in ${proven.provingSeconds.toFixed(2)} s (witness ${proven.witnessSeconds.toFixed(2)} s)`,
      );
    }
    const proof = registryProof(file.proof);
    progress.step(`merge of step ${step}'s adapter: recording merged root ${toHex32(mergedRoot)}`);
    const receipt = await this.wait("recordMerge", () =>
      registry.recordMerge(runId, step, circuitIdOf(mergeInstance.name), mergedRoot, proof),
    );
    return {
      ...report,
      provingSeconds: file.provingSeconds,
      gasUsed: receipt.gasUsed,
      origin: reused ? "reused" : "proved",
    };
  }
}
