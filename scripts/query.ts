// Asks the registry what it knows, reading the deployment recorded for the chain.
//   LORA_RUN_ID=1 npx hardhat run scripts/query.ts --network localhost          a run's verified history
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
  listRuns,
  mergeProvenance,
  runHistory,
  runMerges,
  type RunSummary,
} from "../src/chain/index.js";
import { defaultInstance, getInstance, stderrProgress } from "../src/node/index.js";
import { loadRunConfig, loadTask } from "../src/training/index.js";

/** The lines every provenance answer ends with: the run's base model, dataset, hyperparameters. */
function runLines(answer: {
  run: RunSummary;
  baseModel: { registrant: string; uri: string };
  dataset: { registrant: string; size: bigint; uri: string };
}): string[] {
  return [
    `  base model ${toHex32(answer.run.baseRoot)} (registered by ${answer.baseModel.registrant}${answer.baseModel.uri === "" ? "" : `, ${answer.baseModel.uri}`})`,
    `  dataset ${toHex32(answer.run.datasetRoot)} of ${answer.dataset.size} examples (registered by ${answer.dataset.registrant}${answer.dataset.uri === "" ? "" : `, ${answer.dataset.uri}`})`,
    `  hyperparameters ${toHex32(answer.run.hparamsHash)}, circuit ${answer.run.circuitId}`,
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
    const instance = config.instance === undefined ? defaultInstance() : getInstance(config.instance);
    const task = loadTask(instance.params, config);
    adapterText = toHex32(adapterCommitment(task.a, task.b, instance.params));
    console.log(`adapter file ${process.env.LORA_ADAPTER_FILE} commits to ${adapterText}`);
  }

  const mergedRootText = process.env.LORA_MERGED_ROOT;

  if (runIdText !== undefined) {
    const history = await runHistory(registry, BigInt(runIdText));
    console.log(`run ${runIdText}: ${history.length} verified steps`);
    for (const entry of history) {
      console.log(
        `  step ${entry.step}: ${toHex32(entry.adapterBefore)} -> ${toHex32(entry.adapterAfter)} by ${entry.submitter} in block ${entry.blockNumber} (tx ${entry.transactionHash})`,
      );
    }
    for (const merge of await runMerges(registry, BigInt(runIdText))) {
      console.log(
        `  merge of step ${merge.step}'s adapter: merged root ${toHex32(merge.mergedRoot)}, recorded by ${merge.recorder} in block ${merge.blockNumber} (tx ${merge.transactionHash})`,
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
        `  the adapter after run ${answer.runId}, step ${answer.step} (trainer ${answer.run.trainer}); merge recorded by ${answer.recorder}`,
      );
      for (const line of runLines(answer)) console.log(line);
    }
  } else if (adapterText !== undefined) {
    const answer = await adapterProvenance(registry, BigInt(adapterText));
    if (!answer.verified) {
      console.log(`adapter ${adapterText} was NOT produced by any verified step recorded in this registry`);
      process.exitCode = 1;
    } else {
      console.log(`adapter ${adapterText} was produced by verified training:`);
      console.log(
        `  run ${answer.runId}, step ${answer.step} (trainer ${answer.run.trainer}; the run has ${answer.run.verifiedSteps} verified steps)`,
      );
      for (const line of runLines(answer)) console.log(line);
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
        `  run ${run.runId}: trainer ${run.trainer}, ${run.verifiedSteps} verified steps, head ${toHex32(run.head)}`,
      );
    }
  }
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`query failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
