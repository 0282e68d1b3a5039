// Gas of protocol version 2 on LoraLedgerRegistryV2, on Hardhat's in-process network (EDR), with real
// Groth16 proofs of the instances built by default (the 8x8 ones of circuits/instances.json). Started by the
// benchmark (bench/lib/gas.ts: `npm run bench`, `npm run bench -- --only v2`, `npm run bench -- --only gas`) as
//   BENCH_RESULT_FILE=<result.json> npx hardhat run bench/gasV2.ts
// Deploys the verifiers and the registry with the Ignition module (deploy/modules/LoraLedger.ts), then
// measures the receipts' gasUsed of submitProjectionBlock (per block), startRun from a canonical seed,
// submitCheckpoint (checkpoint 0), submitCheckpoints of 2 (checkpoints 1-2) and of 4 (3-6), per checkpoint and
// per step, and submitMergeBlock (per block) of the final adapter; and, for reference, estimateGas of a
// transaction calling the checkpoint verifier's verifyProof directly. Writes the result (bench/lib/gas.ts's
// schema) to BENCH_RESULT_FILE; bench/results.json records it as `v2Gas`, BENCHMARKS.md renders it.
import { writeFileSync } from "node:fs";
import type { ContractTransactionReceipt } from "ethers";
import hre, { network } from "hardhat";
import { z } from "zod";
import LoraLedgerModule from "../deploy/modules/LoraLedger.js";
import { checkpointSubmission, circuitIdOf, registryProof, startedRunId } from "../src/chain/index.js";
import { gasResultSchema, type CheckpointBatchGas, type GasResult } from "./lib/gas.js";
import { RESULT_FILE_ENV } from "./lib/phases.js";
import {
  adapterCommitment,
  buildCheckpointCircuitInput,
  canonicalInit,
  decimalRecord,
  makeCheckpoint,
  mergeBlockInput,
  mergeInBlocks,
  projectionBlockInput,
  runStartStatement,
  setUpRun,
  syntheticTask,
  verifierContractName,
  type Adapter,
  checkpointShapeOf,
} from "../src/protocol/index.js";
import {
  defaultInstance,
  companionInstance,
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
  return proven;
}

async function prove(instanceName: string, input: Record<string, unknown>) {
  return (await proveWithSignals(instanceName, input)).proof;
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
try {
  const connection = await network.create();
  const [trainer] = await connection.ethers.getSigners();
  if (trainer === undefined) throw new Error("the in-process network has no account");
  const deployed = await connection.ignition.deploy(LoraLedgerModule);
  const registry = await connection.ethers.getContractAt(
    "LoraLedgerRegistryV2",
    await deployed.registryV2.getAddress(),
  );
  const checkpointVerifier = deployed[verifierContractName(instances.checkpoint.name)];
  if (checkpointVerifier === undefined)
    throw new Error(`the Ignition module deployed no verifier of ${instances.checkpoint.name}`);
  progress.step(
    `registry ${await registry.getAddress()}; instances ${Object.values(instances)
      .map((i) => i.name)
      .join(", ")}`,
  );

  const task = syntheticTask(shape, { seed: 1, datasetSize: 2 ** shape.depth });
  const { base, dataset, commitment, projection, config } = setUpRun({ ...task, shape });
  await (await registry.registerBaseModel(base.treeRoot, base.layout.blocks, "")).wait();
  await (await registry.registerDataset(commitment.treeRoot, commitment.size, "")).wait();

  const projectionBlocks: number[] = [];
  for (let block = 0; block < base.layout.blocks; block++) {
    const input = projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, block);
    const proof = registryProof(await prove(instances.projection.name, input.circuitInput));
    projectionBlocks.push(
      await gasOf(() =>
        registry.submitProjectionBlock(
          base.root,
          commitment.datasetRoot,
          circuitIdOf(instances.projection.name),
          input.statement.accOut,
          proof,
        ),
      ),
    );
  }

  const start = canonicalInit(SEED, shape);
  const adapterStart = adapterCommitment(start.a, start.b, shape);
  const statement = runStartStatement(config, { seed: SEED, adapterStart });
  const startProof = registryProof(await prove(instances.start.name, decimalRecord(statement)));
  const startReceipt = await receiptOf(() =>
    registry.startRun(
      {
        baseRoot: base.root,
        datasetRoot: commitment.datasetRoot,
        alpha: config.alpha,
        lr: config.lr,
        startCircuitId: circuitIdOf(instances.start.name),
        checkpointCircuitId: circuitIdOf(instances.checkpoint.name),
        runConfig: statement.runConfig,
        adapterStart,
        seed: SEED,
        continued: false,
      },
      startProof,
    ),
  );
  const startRun = Number(startReceipt.gasUsed);
  const runId = startedRunId(registry, startReceipt);

  // Checkpoints 0 (alone), 1-2 (a batch of 2) and 3-6 (a batch of 4), each from the previous head.
  const submitter = BigInt(await trainer.getAddress());
  let adapter: Adapter = start;
  let firstStep = 0n;
  async function nextCheckpoints(count: number) {
    const submissions = [];
    const publicSignals: string[][] = [];
    for (let index = 0; index < count; index++) {
      const made = makeCheckpoint({
        shape,
        config,
        projection: projection.w,
        dataset,
        commitment,
        adapter,
        firstStep,
        submitter,
      });
      const proven = await proveWithSignals(
        instances.checkpoint.name,
        buildCheckpointCircuitInput(made.statement, made.witness),
      );
      submissions.push(checkpointSubmission(made.statement.adapterAfter, made.statement.loss, proven.proof));
      publicSignals.push(proven.publicSignals);
      adapter = made.witness.adapters.at(-1) ?? adapter;
      firstStep += BigInt(shape.steps);
    }
    return { submissions, publicSignals };
  }
  const firstCheckpoint = await nextCheckpoints(1);
  const [first] = firstCheckpoint.submissions;
  const [firstSignals] = firstCheckpoint.publicSignals;
  if (first === undefined || firstSignals === undefined) throw new Error("no checkpoint made");
  // The verifier alone, with the very proof and public inputs submitted next (its check is a view: no state).
  const bareCheckpointVerifier = Number(
    await checkpointVerifier
      .getFunction("verifyProof")
      .estimateGas(first.proof.a, first.proof.b, first.proof.c, firstSignals),
  );
  const submitCheckpoint = await gasOf(() =>
    registry.submitCheckpoint(runId, first.adapterAfter, first.loss, first.proof),
  );
  const batch2 = (await nextCheckpoints(2)).submissions;
  const submitCheckpoints2 = await gasOf(() => registry.submitCheckpoints(runId, batch2));
  const batch4 = (await nextCheckpoints(4)).submissions;
  const submitCheckpoints4 = await gasOf(() => registry.submitCheckpoints(runId, batch4));
  if ((await registry.getRun(runId)).nextStep !== firstStep)
    throw new Error(`the run did not reach step ${firstStep}: a checkpoint was not recorded`);

  const merged = mergeInBlocks(shape, task.w0, adapter.a, adapter.b, task.alpha);
  const mergeBlocks: number[] = [];
  for (let block = 0; block < merged.layout.blocks; block++) {
    const input = mergeBlockInput(
      shape,
      { w0: task.w0, a: adapter.a, b: adapter.b, alpha: task.alpha, base, merged },
      block,
    );
    const proof = registryProof(await prove(instances.merge.name, input.circuitInput));
    mergeBlocks.push(
      await gasOf(() =>
        registry.submitMergeBlock(
          adapterCommitment(adapter.a, adapter.b, shape),
          circuitIdOf(instances.merge.name),
          input.statement.accOut,
          proof,
        ),
      ),
    );
  }

  const k = shape.steps;
  const batchGas = (total: number, checkpoints: number): CheckpointBatchGas => ({
    checkpoints,
    total,
    perCheckpoint: total / checkpoints,
    perStep: total / checkpoints / k,
  });
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const result: GasResult = gasResultSchema.parse({
    network: `Hardhat in-process network "${connection.networkName}" (${connection.networkConfig.type}, chain id ${chainId})`,
    solidity: solidityDescription(),
    instances: Object.fromEntries(Object.entries(instances).map(([role, instance]) => [role, instance.name])),
    stepsPerCheckpoint: k,
    checkpointPublicInputs: firstSignals.length,
    bareCheckpointVerifier,
    projectionBlocks,
    startRun,
    submitCheckpoint: batchGas(submitCheckpoint, 1),
    submitCheckpoints2: batchGas(submitCheckpoints2, 2),
    submitCheckpoints4: batchGas(submitCheckpoints4, 4),
    mergeBlocks,
    proofs: { count: proofCount, provingSeconds },
    seconds: (performance.now() - started) / 1000,
  });
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  progress.done(
    `submitCheckpoint ${result.submitCheckpoint.total} (bare verifier ${bareCheckpointVerifier}); ` +
      `per step in submitCheckpoints of 4: ${Math.round(result.submitCheckpoints4.perStep)} (k = ${k})`,
  );
} catch (error) {
  process.stderr.write(`bench gas failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await releaseProverThreads();
}
