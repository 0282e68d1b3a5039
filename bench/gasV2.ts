// Gas of protocol version 2 on LoraLedgerRegistryV2, on Hardhat's in-process network (EDR), with real
// Groth16 proofs of the instances built by default (the 8x8 ones of circuits/instances.json) and of the
// test shape's instances at another k (stepCountInstances: lora_checkpoint_8x8_r2_b2_d4_k4, which the
// benchmark builds before starting this script). Started by the benchmark (bench/lib/gas.ts: `npm run bench`,
// `npm run bench -- --only v2`, `npm run bench -- --only gas`) as
//   BENCH_RESULT_FILE=<result.json> npx hardhat run bench/gasV2.ts
// Deploys the verifiers and the registry with the Ignition module (deploy/modules/LoraLedger.ts), then
// measures the receipts' gasUsed of submitProjectionBlock (per block), startRun from a canonical seed,
// submitCheckpoint (checkpoint 0), submitCheckpoints of 2 (checkpoints 1-2), 4 (3-6) and 8 (7-14), per
// checkpoint and per step, and submitMergeBlock (per block) of the final adapter; then deploys and registers
// the verifier of each other-k instance and measures a lone submitCheckpoint of it on a run of its own.
// Beside each: its floor, estimateGas of a transaction calling the proof's verifier's verifyProof directly;
// and for checkpoints, the registry's storage slots each transaction turned from zero to non-zero
// (debug_traceTransaction). Writes the result (bench/lib/gas.ts's schema) to BENCH_RESULT_FILE;
// bench/results.json records it as `v2Gas`, BENCHMARKS.md renders it.
import { existsSync, writeFileSync } from "node:fs";
import type { ContractTransactionReceipt } from "ethers";
import hre, { network } from "hardhat";
import { z } from "zod";
import LoraLedgerModule from "../deploy/modules/LoraLedger.js";
import { circuitIdOf, registryProof, startedRunId, type CheckpointSubmission } from "../src/chain/index.js";
import { registerMissingVerifier } from "../src/hardhat/index.js";
import { gasResultSchema, stepCountInstances, type CheckpointBatchGas, type GasResult } from "./lib/gas.js";
import { RESULT_FILE_ENV } from "./lib/phases.js";
import {
  adapterCommitment,
  buildCheckpointCircuitInput,
  canonicalInit,
  decimalRecord,
  makeRunCheckpoint,
  mergeBlockInput,
  mergeInBlocks,
  projectionBlockInput,
  runStartStatement,
  setUpRun,
  syntheticTask,
  verifierContractName,
  type Adapter,
  type CheckpointShape,
  type CircuitInstance,
  checkpointShapeOf,
  datasetCardUri,
} from "../src/protocol/index.js";
import {
  DIGITS_CHECKPOINT_INSTANCE,
  digitsDatasetCard,
  digitsTask,
  GENERATED_HELD_OUT,
  generatedDatasetCard,
  meanSquaredErrorEvaluation,
} from "../src/training/index.js";
import {
  defaultInstance,
  companionInstance,
  getInstance,
  instanceArtifacts,
  proveWithInstance,
  releaseProverThreads,
  stderrProgress,
} from "../src/node/index.js";

const SEED = 1n;

const resultFile = process.env[RESULT_FILE_ENV];
if (resultFile === undefined)
  throw new Error(`set ${RESULT_FILE_ENV} (this script is started by npm run bench, e.g. npm run bench -- --only gas)`);

const progress = stderrProgress("bench gas");
const started = performance.now();
let provingSeconds = 0;
let proofCount = 0;

async function proveWithSignals(instanceName: string, input: Record<string, unknown>) {
  const proven = await proveWithInstance(instanceName, input);
  provingSeconds += proven.provingSeconds + proven.witnessSeconds;
  proofCount++;
  return { proof: registryProof(proven.proof), publicSignals: proven.publicSignals };
}

/** The compiler and optimizer the contracts were built with (hardhat.config.ts). */
function solidityDescription(): string {
  const compiler = hre.config.solidity.profiles.default?.compilers[0];
  if (compiler === undefined) throw new Error("hardhat.config.ts configures no Solidity compiler");
  const { optimizer } = z
    .object({ optimizer: z.object({ enabled: z.boolean(), runs: z.number() }) })
    .parse(compiler.settings);
  return `solc ${compiler.version}, optimizer ${optimizer.enabled ? `${optimizer.runs} runs` : "off"}`;
}

async function receiptOf(
  send: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
): Promise<ContractTransactionReceipt> {
  const receipt = await (await send()).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("a measured transaction failed");
  return receipt;
}

async function gasOf(send: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>): Promise<number> {
  return Number((await receiptOf(send)).gasUsed);
}

function requireCompanion(template: "LoraRunStart" | "BaseProjectionBlock" | "LoraMergeBlock") {
  const found = companionInstance(checkpointInstance, template);
  if (found === undefined) throw new Error(`no ${template} instance with the shape of ${checkpointInstance.name}`);
  return found;
}

const checkpointInstance = defaultInstance("LoraCheckpoint");
const shape = checkpointShapeOf(checkpointInstance);
const instances = {
  checkpoint: checkpointInstance,
  start: requireCompanion("LoraRunStart"),
  projection: requireCompanion("BaseProjectionBlock"),
  merge: requireCompanion("LoraMergeBlock"),
};
const otherStepCountInstances = stepCountInstances();
for (const instance of otherStepCountInstances) {
  if (!existsSync(instanceArtifacts(instance.name).zkey))
    throw new Error(
      `${instance.name} is not built: npm run build:circuits -- ${instance.name} (npm run bench -- --only gas builds it)`,
    );
}

/** What a bare verifier call needs of a generated verifier contract. */
interface VerifierContract {
  getFunction(name: "verifyProof"): { estimateGas(...args: unknown[]): Promise<bigint> };
}

/** A proof as the registry and the generated verifiers take it, with the public inputs it was made for. */
interface ProvenStatement {
  proof: ReturnType<typeof registryProof>;
  publicSignals: string[];
}

try {
  const connection = await network.create();
  const [trainer] = await connection.ethers.getSigners();
  if (trainer === undefined) throw new Error("the in-process network has no account");
  const deployed = await connection.ignition.deploy(LoraLedgerModule);
  const registry = await connection.ethers.getContractAt(
    "LoraLedgerRegistryV2",
    await deployed.registryV2.getAddress(),
  );
  const registryAddress = await registry.getAddress();
  const submitter = BigInt(await trainer.getAddress());
  progress.step(
    `registry ${registryAddress}; instances ${[...Object.values(instances), ...otherStepCountInstances]
      .map((i) => i.name)
      .join(", ")}`,
  );

  function deployedVerifier(instance: CircuitInstance): VerifierContract {
    const verifier = deployed[verifierContractName(instance.name)];
    if (verifier === undefined) throw new Error(`the Ignition module deployed no verifier of ${instance.name}`);
    return verifier;
  }

  /** The floor of a proof: a transaction calling its verifier directly with it (a view: no state). */
  async function bareVerifierGas(verifier: VerifierContract, proven: ProvenStatement): Promise<number> {
    const { a, b, c } = proven.proof;
    return Number(await verifier.getFunction("verifyProof").estimateGas(a, b, c, proven.publicSignals));
  }

  /**
   * The registry's storage slots a transaction turned from zero to non-zero: the keys its SSTOREs wrote in
   * the registry's own frame (it only reads and static-calls the verifiers there), before and after its block
   * (automining: one transaction per block).
   */
  async function newStorageSlots(receipt: ContractTransactionReceipt): Promise<number> {
    const trace = z
      .object({ structLogs: z.array(z.object({ op: z.string(), depth: z.number(), stack: z.array(z.string()) })) })
      .parse(
        await connection.provider.request({
          method: "debug_traceTransaction",
          params: [receipt.hash, { disableMemory: true, disableStorage: true }],
        }),
      );
    const topDepth = trace.structLogs[0]?.depth;
    const keys = new Set<bigint>();
    for (const log of trace.structLogs) {
      const key = log.stack.at(-1);
      if (log.op === "SSTORE" && log.depth === topDepth && key !== undefined)
        keys.add(BigInt(key.startsWith("0x") ? key : `0x${key}`));
    }
    let created = 0;
    for (const key of keys) {
      const before = await connection.ethers.provider.getStorage(registryAddress, key, receipt.blockNumber - 1);
      const after = await connection.ethers.provider.getStorage(registryAddress, key, receipt.blockNumber);
      if (BigInt(before) === 0n && BigInt(after) !== 0n) created++;
    }
    return created;
  }

  const task = syntheticTask(shape, { seed: 1, datasetSize: 2 ** shape.depth });
  const run = setUpRun({ ...task, shape });
  const { base, commitment, projection, config } = run;
  await (await registry.registerBaseModel(base.treeRoot, base.layout.blocks, "")).wait();
  // The bench's dataset with the generated task's card, as prove-and-submit registers it; then two more
  // datasets (other roots) with an empty uri and with the digits task's card: what the card costs.
  const generatedCard = datasetCardUri(generatedDatasetCard(task, 1));
  const registerDataset = {
    emptyUri: 0,
    cards: [] as { task: string; uriBytes: number; gas: number }[],
  };
  registerDataset.cards.push({
    task: "generated",
    uriBytes: Buffer.byteLength(generatedCard),
    gas: await gasOf(() => registry.registerDataset(commitment.treeRoot, commitment.size, generatedCard)),
  });
  registerDataset.emptyUri = await gasOf(() => registry.registerDataset(1n, commitment.size, ""));
  const digitsInstance = checkpointShapeOf(getInstance(DIGITS_CHECKPOINT_INSTANCE));
  const digitsCard = datasetCardUri(digitsDatasetCard(digitsTask(digitsInstance, { alpha: 1, learningRate: 1.5 })));
  registerDataset.cards.push({
    task: "digits",
    uriBytes: Buffer.byteLength(digitsCard),
    gas: await gasOf(() => registry.registerDataset(2n, 256n, digitsCard)),
  });

  const projectionBlocks: number[] = [];
  let bareProjectionVerifier = 0;
  for (let block = 0; block < base.layout.blocks; block++) {
    const input = projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, block);
    const proven = await proveWithSignals(instances.projection.name, input.circuitInput);
    if (block === 0) bareProjectionVerifier = await bareVerifierGas(deployedVerifier(instances.projection), proven);
    projectionBlocks.push(
      await gasOf(() =>
        registry.submitProjectionBlock(
          base.root,
          commitment.datasetRoot,
          circuitIdOf(instances.projection.name),
          input.statement.accOut,
          proven.proof,
        ),
      ),
    );
  }

  /** Proves the start from `seed` and starts a run whose checkpoints are proven with `checkpoint`. */
  async function proveAndStartRun(seed: bigint, checkpoint: CircuitInstance, startShape: CheckpointShape) {
    const start = canonicalInit(seed, startShape);
    const adapterStart = adapterCommitment(start.a, start.b, startShape);
    const statement = runStartStatement(config, { seed, adapterStart });
    const proven = await proveWithSignals(instances.start.name, decimalRecord(statement));
    const receipt = await receiptOf(() =>
      registry.startRun(
        {
          baseRoot: base.root,
          datasetRoot: commitment.datasetRoot,
          alpha: config.alpha,
          lr: config.lr,
          startCircuitId: circuitIdOf(instances.start.name),
          checkpointCircuitId: circuitIdOf(checkpoint.name),
          runConfig: statement.runConfig,
          adapterStart,
          seed,
          continued: false,
        },
        proven.proof,
      ),
    );
    return { receipt, proven, runId: startedRunId(registry, receipt), start };
  }

  /** A run's next checkpoints of k steps, each proven from the previous head (its state moves on). */
  function checkpointMaker(instance: CircuitInstance, start: Adapter) {
    const runShape = checkpointShapeOf(instance);
    let adapter = start;
    let firstStep = 0n;
    return {
      runShape,
      get adapter() {
        return adapter;
      },
      get nextStep() {
        return firstStep;
      },
      async next(count: number): Promise<{ submissions: CheckpointSubmission[]; proven: ProvenStatement[] }> {
        const submissions: CheckpointSubmission[] = [];
        const proven: ProvenStatement[] = [];
        for (let index = 0; index < count; index++) {
          const made = makeRunCheckpoint(run, { shape: runShape, adapter, firstStep, submitter });
          const provenCheckpoint = await proveWithSignals(
            instance.name,
            buildCheckpointCircuitInput(made.statement, made.witness),
          );
          const { adapterAfter, loss } = made.statement;
          submissions.push({ adapterAfter, loss, proof: provenCheckpoint.proof });
          proven.push(provenCheckpoint);
          adapter = made.witness.adapters.at(-1) ?? adapter;
          firstStep += BigInt(runShape.steps);
        }
        return { submissions, proven };
      },
    };
  }

  /** Gas and new storage slots of one transaction submitting `checkpoints` checkpoints of k steps. */
  async function measureBatch(
    k: number,
    checkpoints: number,
    send: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
  ): Promise<CheckpointBatchGas> {
    const receipt = await receiptOf(send);
    const total = Number(receipt.gasUsed);
    return {
      checkpoints,
      total,
      perCheckpoint: total / checkpoints,
      perStep: total / checkpoints / k,
      newStorageSlots: await newStorageSlots(receipt),
    };
  }

  const mainRun = await proveAndStartRun(SEED, instances.checkpoint, shape);
  const startRunGas = Number(mainRun.receipt.gasUsed);
  const bareStartVerifier = await bareVerifierGas(deployedVerifier(instances.start), mainRun.proven);
  const k = shape.steps;

  // Checkpoints 0 (alone), 1-2 (a batch of 2), 3-6 (of 4) and 7-14 (of 8), each from the previous head.
  const mainCheckpoints = checkpointMaker(instances.checkpoint, mainRun.start);
  const firstCheckpoint = await mainCheckpoints.next(1);
  const [first] = firstCheckpoint.submissions;
  const [firstProven] = firstCheckpoint.proven;
  if (first === undefined || firstProven === undefined) throw new Error("no checkpoint made");
  // The verifier alone, with the very proof and public inputs submitted next.
  const bareCheckpointVerifier = await bareVerifierGas(deployedVerifier(instances.checkpoint), firstProven);
  const submitCheckpoint = await measureBatch(k, 1, () =>
    registry.submitCheckpoint(mainRun.runId, first.adapterAfter, first.loss, first.proof),
  );
  const batches: CheckpointBatchGas[] = [];
  for (const size of [2, 4, 8]) {
    const { submissions } = await mainCheckpoints.next(size);
    batches.push(await measureBatch(k, size, () => registry.submitCheckpoints(mainRun.runId, submissions)));
  }
  const [submitCheckpoints2, submitCheckpoints4, submitCheckpoints8] = batches;
  if ((await registry.getRun(mainRun.runId)).nextStep !== mainCheckpoints.nextStep)
    throw new Error(`the run did not reach step ${mainCheckpoints.nextStep}: a checkpoint was not recorded`);

  // The trainer's reports of the held-out error (events only): one report, then the start and the end.
  const heldOut = syntheticTask(shape, { seed: 1, datasetSize: 2 ** shape.depth, heldOut: GENERATED_HELD_OUT }).heldOut;
  const evaluation = meanSquaredErrorEvaluation(shape, task.w0, task.alpha, heldOut ?? [], "held-out examples");
  const report = (steps: bigint, adapter: Adapter) => ({
    steps,
    ...evaluation.measure(adapter),
    metric: evaluation.metric,
    split: evaluation.split,
  });
  const reportEvaluations = [
    {
      reports: 1,
      gas: await gasOf(() =>
        registry.reportEvaluations(mainRun.runId, [report(mainCheckpoints.nextStep, mainCheckpoints.adapter)]),
      ),
    },
    {
      reports: 2,
      gas: await gasOf(() =>
        registry.reportEvaluations(mainRun.runId, [
          report(0n, mainRun.start),
          report(mainCheckpoints.nextStep, mainCheckpoints.adapter),
        ]),
      ),
    },
  ];

  const finalAdapter = mainCheckpoints.adapter;
  const merged = mergeInBlocks(shape, task.w0, finalAdapter.a, finalAdapter.b, task.alpha);
  const mergeBlocks: number[] = [];
  let bareMergeVerifier = 0;
  for (let block = 0; block < merged.layout.blocks; block++) {
    const input = mergeBlockInput(
      shape,
      { w0: task.w0, a: finalAdapter.a, b: finalAdapter.b, alpha: task.alpha, base, merged },
      block,
    );
    const proven = await proveWithSignals(instances.merge.name, input.circuitInput);
    if (block === 0) bareMergeVerifier = await bareVerifierGas(deployedVerifier(instances.merge), proven);
    mergeBlocks.push(
      await gasOf(() =>
        registry.submitMergeBlock(
          adapterCommitment(finalAdapter.a, finalAdapter.b, shape),
          circuitIdOf(instances.merge.name),
          input.statement.accOut,
          proven.proof,
        ),
      ),
    );
  }

  // The test shape at another k: its verifier (not in the Ignition module, which deploys the instances built
  // by default) deployed and registered here, then a lone checkpoint 0 on a run of its own. Each run starts
  // from a seed no other run had: adapters the registry has seen already would cost no provenance slot.
  const otherStepCounts = [];
  for (const [index, instance] of otherStepCountInstances.entries()) {
    // Deployed and registered as prove-and-submit does on a development chain.
    if (!(await registerMissingVerifier(connection, registry, instance, progress)))
      throw new Error(`the verifier of ${instance.name} was not deployed and registered here`);
    const verifier = await connection.ethers.getContractAt(
      verifierContractName(instance.name),
      (await registry.verifierOf(circuitIdOf(instance.name))).verifier,
    );
    const run = await proveAndStartRun(SEED + 1n + BigInt(index), instance, checkpointShapeOf(instance));
    const maker = checkpointMaker(instance, run.start);
    const made = await maker.next(1);
    const [submission] = made.submissions;
    const [proven] = made.proven;
    if (submission === undefined || proven === undefined) throw new Error(`no checkpoint of ${instance.name} made`);
    otherStepCounts.push({
      instance: instance.name,
      stepsPerCheckpoint: maker.runShape.steps,
      bareCheckpointVerifier: await bareVerifierGas(verifier, proven),
      submitCheckpoint: await measureBatch(maker.runShape.steps, 1, () =>
        registry.submitCheckpoint(run.runId, submission.adapterAfter, submission.loss, submission.proof),
      ),
    });
    progress.step(`${instance.name}: submitCheckpoint ${otherStepCounts.at(-1)?.submitCheckpoint.total}`);
  }

  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const result: GasResult = gasResultSchema.parse({
    network: `Hardhat in-process network "${connection.networkName}" (${connection.networkConfig.type}, chain id ${chainId})`,
    solidity: solidityDescription(),
    instances: Object.fromEntries(Object.entries(instances).map(([role, instance]) => [role, instance.name])),
    stepsPerCheckpoint: k,
    checkpointPublicInputs: firstProven.publicSignals.length,
    bareCheckpointVerifier,
    bareProjectionVerifier,
    bareStartVerifier,
    bareMergeVerifier,
    projectionBlocks,
    startRun: startRunGas,
    submitCheckpoint,
    submitCheckpoints2,
    submitCheckpoints4,
    submitCheckpoints8,
    otherStepCounts,
    mergeBlocks,
    registerDataset,
    reportEvaluations,
    proofs: { count: proofCount, provingSeconds },
    seconds: (performance.now() - started) / 1000,
  });
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  progress.done(
    `submitCheckpoint ${result.submitCheckpoint.total} (bare verifier ${bareCheckpointVerifier}); ` +
      `per step in submitCheckpoints of 8: ${Math.round(result.submitCheckpoints8.perStep)} (k = ${k})`,
  );
} catch (error) {
  process.stderr.write(`bench gas failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await releaseProverThreads();
}
