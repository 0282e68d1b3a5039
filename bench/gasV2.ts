// Gas of Protocol version 2 on LoraLedgerRegistryV2, on Hardhat's in-process network (EDR), with real
// Groth16 proofs of the instances built by default (the 8x8 ones of circuits/instances.json):
//   npm run bench -- --only v2-gas        (= npx hardhat run bench/gasV2.ts)
// Deploys the verifiers and the registries with the Ignition module (deploy/modules/LoraLedger.ts), then
// measures the receipts' gasUsed of submitProjectionBlock (per block), startRun from a canonical seed,
// submitCheckpoint (checkpoint 0), submitCheckpoints of 2 and of 4 checkpoints (per checkpoint and per
// step) and submitMergeBlock (per block) of the final adapter. It prints a Markdown table and writes
// build/bench/gas-v2.json; bench/results.json and BENCHMARKS.md are not touched (they record version 1's
// gas, bench/gas.ts), so `npm run bench:render -- --check` does not depend on this measurement.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ContractTransactionReceipt } from "ethers";
import { network } from "hardhat";
import LoraLedgerModule from "../deploy/modules/LoraLedger.js";
import { checkpointSubmission, circuitIdOf, registryProof } from "../src/chain/index.js";
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
  type Adapter,
  checkpointShapeOf,
} from "../src/protocol/index.js";
import {
  defaultInstance,
  companionInstance,
  PROJECT_ROOT,
  proveWithInstance,
  releaseProverThreads,
  stderrProgress,
} from "../src/node/index.js";

const RESULT_FILE = path.join(PROJECT_ROOT, "build", "bench", "gas-v2.json");
const SEED = 1n;

const progress = stderrProgress("bench gas v2");
const started = performance.now();
let provingSeconds = 0;

async function prove(instanceName: string, input: Record<string, unknown>) {
  const proven = await proveWithInstance(instanceName, input);
  provingSeconds += proven.provingSeconds + proven.witnessSeconds;
  return proven.proof;
}

async function gasOf(send: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>): Promise<number> {
  const receipt = await (await send()).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("a measured transaction failed");
  return Number(receipt.gasUsed);
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
  const { registryV2 } = await connection.ignition.deploy(LoraLedgerModule);
  const registry = await connection.ethers.getContractAt("LoraLedgerRegistryV2", await registryV2.getAddress());
  progress.step(
    `registry ${await registry.getAddress()}; instances ${Object.values(instances)
      .map((i) => i.name)
      .join(", ")}`,
  );

  const task = syntheticTask(shape, { seed: 1, datasetSize: 2 ** shape.depth });
  const { base, dataset, commitment, projection, config } = setUpRun({ ...task, shape });
  await (await registry.registerBaseModel(base.root, "")).wait();
  await (await registry.registerDataset(commitment.datasetRoot, commitment.size, "")).wait();

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
  const startRun = await gasOf(() =>
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
        parentRunId: 0n,
        parentSteps: 0n,
      },
      startProof,
    ),
  );
  const runId = await registry.runCount();

  // Checkpoints 0 (alone), 1-2 (a batch of 2) and 3-6 (a batch of 4), each from the previous head.
  const submitter = BigInt(await trainer.getAddress());
  let adapter: Adapter = start;
  let firstStep = 0n;
  async function nextCheckpoints(count: number) {
    const submissions = [];
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
      const proof = await prove(instances.checkpoint.name, buildCheckpointCircuitInput(made.statement, made.witness));
      submissions.push(checkpointSubmission(made.statement.adapterAfter, made.statement.loss, proof));
      adapter = made.witness.adapters.at(-1) ?? adapter;
      firstStep += BigInt(shape.steps);
    }
    return submissions;
  }
  const [first] = await nextCheckpoints(1);
  if (first === undefined) throw new Error("no checkpoint made");
  const submitCheckpoint = await gasOf(() =>
    registry.submitCheckpoint(runId, first.adapterAfter, first.loss, first.proof),
  );
  const batch2 = await nextCheckpoints(2);
  const submitCheckpoints2 = await gasOf(() => registry.submitCheckpoints(runId, batch2));
  const batch4 = await nextCheckpoints(4);
  const submitCheckpoints4 = await gasOf(() => registry.submitCheckpoints(runId, batch4));

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
        registry.submitMergeBlock(runId, firstStep, circuitIdOf(instances.merge.name), input.statement.accOut, proof),
      ),
    );
  }

  const k = shape.steps;
  const perCheckpoint = (total: number, count: number) => ({
    total,
    perCheckpoint: Math.round(total / count),
    perStep: Math.round(total / count / k),
  });
  const result = {
    network: connection.networkName,
    instances: Object.fromEntries(Object.entries(instances).map(([role, instance]) => [role, instance.name])),
    stepsPerCheckpoint: k,
    projectionBlocks,
    startRun,
    submitCheckpoint: perCheckpoint(submitCheckpoint, 1),
    submitCheckpoints2: perCheckpoint(submitCheckpoints2, 2),
    submitCheckpoints4: perCheckpoint(submitCheckpoints4, 4),
    mergeBlocks,
    provingSeconds: Number(provingSeconds.toFixed(1)),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);

  const row = (what: string, gas: number | string, perStep: number | string) => `| ${what} | ${gas} | ${perStep} |`;
  console.log(
    [
      `Gas of version 2 on LoraLedgerRegistryV2 (${connection.networkName}; checkpoint instance ${checkpointInstance.name}, k = ${k})`,
      "",
      "| transaction | gas | per step |",
      "| --- | ---: | ---: |",
      ...projectionBlocks.map((gas, block) =>
        row(`submitProjectionBlock (block ${block + 1}/${projectionBlocks.length})`, gas, "-"),
      ),
      row("startRun (canonical seed)", startRun, "-"),
      row("submitCheckpoint (first checkpoint)", submitCheckpoint, result.submitCheckpoint.perStep),
      row(
        `submitCheckpoints of 2: ${submitCheckpoints2} in all, per checkpoint`,
        result.submitCheckpoints2.perCheckpoint,
        result.submitCheckpoints2.perStep,
      ),
      row(
        `submitCheckpoints of 4: ${submitCheckpoints4} in all, per checkpoint`,
        result.submitCheckpoints4.perCheckpoint,
        result.submitCheckpoints4.perStep,
      ),
      ...mergeBlocks.map((gas, block) => row(`submitMergeBlock (block ${block + 1}/${mergeBlocks.length})`, gas, "-")),
      "",
      `Written to ${path.relative(PROJECT_ROOT, RESULT_FILE)} (${result.seconds} s, ${result.provingSeconds} s of proving).`,
    ].join("\n"),
  );
} catch (error) {
  process.stderr.write(`bench gas v2 failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await releaseProverThreads();
}
