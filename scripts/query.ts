// Asks the version-2 registry (LoraLedgerRegistryV2) what it knows, reading the deployment recorded for the chain.
//   LORA_RUN_ID=1 npx hardhat run scripts/query.ts --network localhost          a run: its checkpoints, loss curve, merges
//   LORA_ADAPTER=0x… npx hardhat run scripts/query.ts --network localhost       where an adapter came from
//   LORA_ADAPTER_FILE=adapter.json LORA_INSTANCE=… npx hardhat run …            the same, from (A, B) in a file
//   LORA_MERGED_ROOT=0x… npx hardhat run scripts/query.ts --network localhost   where merged weights came from
//   npx hardhat run scripts/query.ts --network localhost                        every run
import { toHex32, adapterCommitment } from "../src/protocol/index.js";
import { network } from "hardhat";
import { toFailure } from "../src/cli/index.js";
import { resolveRegistry } from "../src/hardhat/index.js";
import {
  adapterProvenance,
  getRunSummary,
  listRuns,
  mergeProvenance,
  runHistory,
  runMerges,
  type RunContext,
  type RunSummary,
} from "../src/chain/index.js";
import { stderrProgress } from "../src/node/index.js";
import { loadRunConfig, loadTask, resolveRunInstances } from "../src/training/index.js";

/** "canonical start from seed 7" or "continues run 2 after 4 steps". */
function originText(run: RunSummary): string {
  return run.origin.kind === "seed"
    ? `canonical start from seed ${run.origin.seed}`
    : `continues run ${run.origin.parentRunId} after ${run.origin.parentSteps} steps`;
}

/** α̂ and l̂ as real numbers when the run's checkpoint instance (its F) is known here, else raw. */
function hyperparametersText(run: RunSummary): string {
  const instance = run.checkpointInstance;
  if (instance === undefined) return `alpha ${run.alpha}, lr ${run.lr} (fixed point; instance unknown here)`;
  const scale = 2 ** instance.params.F;
  return `alpha ${Number(run.alpha) / scale}, lr ${Number(run.lr) / scale}`;
}

/** The lines every provenance answer ends with: the run's base model, dataset, projection, configuration. */
function runLines({ run, baseModel, dataset }: RunContext): string[] {
  return [
    `  base model ${toHex32(run.baseRoot)} (registered by ${baseModel.registrant}${baseModel.uri === "" ? "" : `, ${baseModel.uri}`})`,
    `  dataset ${toHex32(run.datasetRoot)} of ${dataset.size} examples (registered by ${dataset.registrant}${dataset.uri === "" ? "" : `, ${dataset.uri}`})`,
    `  projection ${toHex32(run.projectionId)}; ${hyperparametersText(run)}; ${originText(run)}`,
    `  checkpoint circuit ${run.checkpointInstance?.name ?? run.checkpointCircuitId}`,
  ];
}

const progress = stderrProgress("query");
try {
  const connection = await network.create();
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const registry = await resolveRegistry(connection, chainId, progress);
  const runIdText = process.env.LORA_RUN_ID;
  let adapterText = process.env.LORA_ADAPTER;
  if (adapterText === undefined && process.env.LORA_ADAPTER_FILE !== undefined) {
    const config = loadRunConfig();
    const { checkpoint } = resolveRunInstances({ ...config, merge: false });
    const task = loadTask(checkpoint.params, config);
    adapterText = toHex32(adapterCommitment(task.a, task.b, checkpoint.params));
    console.log(`adapter file ${process.env.LORA_ADAPTER_FILE} commits to ${adapterText}`);
  }

  const mergedRootText = process.env.LORA_MERGED_ROOT;

  if (runIdText !== undefined) {
    const runId = BigInt(runIdText);
    const run = await getRunSummary(registry, runId);
    const history = await runHistory(registry, runId);
    console.log(
      `run ${runId}: ${run.nextStep} verified steps in ${history.length} checkpoints (trainer ${run.trainer}; ${originText(run)})`,
    );
    console.log(
      `  base ${toHex32(run.baseRoot)}, dataset ${toHex32(run.datasetRoot)}, projection ${toHex32(run.projectionId)}; ${hyperparametersText(run)}`,
    );
    for (const entry of history) {
      const last = entry.firstStep + entry.steps - 1n;
      const loss = entry.meanLoss === undefined ? `loss ${entry.loss}` : `mean loss ${entry.meanLoss.toFixed(5)}`;
      console.log(
        `  steps ${entry.firstStep}..${last}: ${loss}, ${toHex32(entry.adapterBefore)} -> ${toHex32(entry.adapterAfter)} by ${entry.submitter} in block ${entry.blockNumber} (tx ${entry.transactionHash})`,
      );
    }
    if (history.length > 0 && history.every((entry) => entry.meanLoss !== undefined)) {
      console.log(`  loss curve: ${history.map((entry) => entry.meanLoss?.toFixed(4)).join(" ")}`);
    }
    for (const merge of await runMerges(registry, runId)) {
      console.log(
        `  merge of the adapter after ${merge.steps} steps: merged root ${toHex32(merge.mergedRoot)}, recorded by ${merge.recorder} in block ${merge.blockNumber} (tx ${merge.transactionHash})`,
      );
    }
  } else if (mergedRootText !== undefined) {
    const answer = await mergeProvenance(registry, BigInt(mergedRootText));
    if (!answer.verified) {
      console.log(
        `merged root ${mergedRootText} is NOT a merge recorded in this registry: no proof ties these weights to verified training`,
      );
      process.exitCode = 1;
    } else {
      console.log(
        `merged root ${mergedRootText} commits to the exact merged weights W0 + alpha B A of adapter ${toHex32(answer.adapter)}:`,
      );
      console.log(
        `  the adapter of run ${answer.runId} after ${answer.steps} steps (trainer ${answer.run.trainer}); merge recorded by ${answer.recorder}`,
      );
      for (const line of runLines(answer)) console.log(line);
    }
  } else if (adapterText !== undefined) {
    const answer = await adapterProvenance(registry, BigInt(adapterText));
    if (!answer.verified) {
      console.log(`adapter ${adapterText} was NOT produced by any verified proof recorded in this registry`);
      process.exitCode = 1;
    } else {
      console.log(`adapter ${adapterText} was produced by verified training:`);
      console.log(
        `  run ${answer.runId} after ${answer.steps} steps (trainer ${answer.run.trainer}; the run has ${answer.run.nextStep} verified steps)`,
      );
      for (const line of runLines(answer)) console.log(line);
      const { verifier } = answer;
      console.log(
        `  checked by ${verifier.instance?.name ?? verifier.circuitId} (verifier ${verifier.verifier}${verifier.retired ? ", RETIRED: the run accepts no new checkpoint" : ""})`,
      );
      console.log(`  lineage, back to its canonical start:`);
      for (const { run, steps } of answer.lineage) {
        console.log(
          `    run ${run.runId} after ${steps} of its ${run.nextStep} steps: base ${toHex32(run.baseRoot)}, dataset ${toHex32(run.datasetRoot)}, alpha^ ${run.alpha}, lr^ ${run.lr}, ${originText(run)}`,
        );
      }
      if (answer.merge !== undefined)
        console.log(
          `  its merged weights W0 + alpha B A: merged root ${toHex32(answer.merge.mergedRoot)} (recorded by ${answer.merge.recorder})`,
        );
    }
  } else {
    const runs = await listRuns(registry);
    console.log(`${runs.length} runs in registry ${await registry.getAddress()} (chain ${chainId})`);
    for (const run of runs) {
      console.log(
        `  run ${run.runId}: trainer ${run.trainer}, ${run.nextStep} verified steps, head ${toHex32(run.head)}, ${originText(run)}`,
      );
    }
  }
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`query failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
