// Asks the version-2 registry (LoraLedgerRegistryV2) what it knows, reading the deployment recorded for the chain.
//   LORA_RUN_ID=1 npx hardhat run scripts/query.ts --network localhost          a run: its checkpoints, loss curve, merges
//   LORA_ADAPTER=0x… npx hardhat run scripts/query.ts --network localhost       where an adapter came from
//   LORA_ADAPTER_FILE=adapter.json LORA_INSTANCE=… npx hardhat run …            the same, from (A, B) in a file
//   LORA_ADAPTER_FILE=DIR npx hardhat run …                                      the same, from a PEFT pair (npm run adapter)
//   LORA_MERGED_ROOT=0x… npx hardhat run scripts/query.ts --network localhost   where merged weights came from
//   npx hardhat run scripts/query.ts --network localhost                        every run
// One question at a time; an unknown run, or an adapter or merged root without verified provenance,
// exits 14 (not_recorded); a malformed variable, two questions at once or no node to ask, 12 (usage).
import { toHex32, adapterCommitment, datasetUriSummary, LoraLedgerError } from "../src/protocol/index.js";
import { EXIT_CODES, toFailure } from "../src/cli/index.js";
import { connectNetwork, isInProcessNetwork, resolveRegistry } from "../src/hardhat/index.js";
import {
  adapterProvenance,
  formatEvaluationPoint,
  getRunSummary,
  listRuns,
  mergeProvenance,
  runEvaluations,
  runHistory,
  runMerges,
  type RunContext,
  type RunSummary,
} from "../src/chain/index.js";
import { stderrProgress } from "../src/node/index.js";
import type { LoraLedgerRegistryV2 } from "../types/ethers-contracts/index.js";
import { adapterFileInstance, loadAdapterFile, loadRunConfig, resolveRunInstances } from "../src/training/index.js";

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
    `  dataset ${toHex32(run.datasetRoot)} of ${dataset.size} examples (registered by ${dataset.registrant}${dataset.uri === "" ? "" : `, ${datasetUriSummary(dataset.uri, { size: dataset.size })}`})`,
    `  projection ${toHex32(run.projectionId)}; ${hyperparametersText(run)}; ${originText(run)}`,
    `  checkpoint circuit ${run.checkpointInstance?.name ?? run.checkpointCircuitId}`,
  ];
}

const QUESTIONS = ["LORA_RUN_ID", "LORA_ADAPTER", "LORA_ADAPTER_FILE", "LORA_MERGED_ROOT"] as const;

/** A variable holding a run id (a positive decimal integer) or a field element (decimal or 0x-hex). */
function parseVariable(variable: string, text: string, kind: "run id" | "field element"): bigint {
  const pattern = kind === "run id" ? /^[1-9][0-9]*$/ : /^(0x[0-9a-fA-F]{1,64}|[0-9]+)$/;
  if (!pattern.test(text.trim())) {
    const expected = kind === "run id" ? "a run id (1, 2, …)" : "a commitment as 0x-hex (up to 64 digits) or decimal";
    throw new LoraLedgerError("usage", `${variable}=${text}: expected ${expected}`, variable);
  }
  return BigInt(text.trim());
}

/** A run: its checkpoints with their proven losses, its loss curve and its merges. */
async function printRun(registry: LoraLedgerRegistryV2, runId: bigint): Promise<void> {
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
  const dataset = await registry.getDataset(run.datasetRoot);
  if (dataset.uri !== "") console.log(`  dataset: ${datasetUriSummary(dataset.uri, { size: dataset.size })}`);
  // The trainer's reports, grouped by what was measured on which examples; never mixed with the proven loss.
  const reported = new Map<string, string[]>();
  for (const evaluation of await runEvaluations(registry, runId)) {
    const key = `${evaluation.metric} on ${evaluation.split}`;
    reported.set(key, [
      ...(reported.get(key) ?? []),
      formatEvaluationPoint(evaluation.metric, evaluation.steps, evaluation.value),
    ]);
  }
  for (const [what, values] of reported) {
    console.log(`  reported by the trainer, NOT proven: ${what}: ${values.join(", ")}`);
  }
  for (const merge of await runMerges(registry, runId)) {
    console.log(
      `  merge of the adapter after ${merge.steps} steps: merged root ${toHex32(merge.mergedRoot)}, recorded by ${merge.recorder} in block ${merge.blockNumber} (tx ${merge.transactionHash})`,
    );
  }
}

const progress = stderrProgress("query");
try {
  const asked = QUESTIONS.filter((variable) => process.env[variable] !== undefined);
  if (asked.length > 1) {
    throw new LoraLedgerError(
      "usage",
      `${asked.join(" and ")} are both set: the query answers one question at a time (unset all but one)`,
      asked[1],
    );
  }
  const runIdText = process.env.LORA_RUN_ID;
  const runIdAsked = runIdText === undefined ? undefined : parseVariable("LORA_RUN_ID", runIdText, "run id");
  const mergedRootText = process.env.LORA_MERGED_ROOT;
  const mergedRootAsked =
    mergedRootText === undefined ? undefined : parseVariable("LORA_MERGED_ROOT", mergedRootText, "field element");
  const adapterVariable = process.env.LORA_ADAPTER;
  let adapterAsked =
    adapterVariable === undefined ? undefined : parseVariable("LORA_ADAPTER", adapterVariable, "field element");
  const adapterFile = process.env.LORA_ADAPTER_FILE;
  if (adapterFile !== undefined) {
    const config = loadRunConfig();
    // A run's adapter.json names its instance; LORA_INSTANCE chooses one for a file that does not.
    const instance = config.instance ?? adapterFileInstance(adapterFile);
    const { checkpoint } = resolveRunInstances({
      ...config,
      ...(instance === undefined ? {} : { instance }),
      merge: false,
    });
    const { a, b } = loadAdapterFile(adapterFile, checkpoint.params);
    adapterAsked = adapterCommitment(a, b, checkpoint.params);
    console.log(`adapter file ${adapterFile} commits to ${toHex32(adapterAsked)} (instance ${checkpoint.name})`);
  }

  const { connection, chainId } = await connectNetwork();
  if (isInProcessNetwork(connection)) {
    throw new LoraLedgerError(
      "usage",
      "no --network: Hardhat's in-process network starts empty at every command, so it has nothing to answer. Ask the node the runs were submitted to, e.g. `npx hardhat run scripts/query.ts --network localhost`",
      "--network",
    );
  }
  const registry = await resolveRegistry(connection, chainId, progress);

  if (runIdAsked !== undefined) {
    const runId = runIdAsked;
    const runCount = await registry.runCount();
    if (runId > runCount) {
      console.log(
        `run ${runId} is NOT recorded in registry ${await registry.getAddress()} (chain ${chainId}): it has ${runCount === 0n ? "no runs" : `runs 1..${runCount}`}`,
      );
      process.exitCode = EXIT_CODES.not_recorded;
    } else {
      await printRun(registry, runId);
    }
  } else if (mergedRootAsked !== undefined) {
    const answer = await mergeProvenance(registry, mergedRootAsked);
    if (!answer.verified) {
      console.log(
        `merged root ${toHex32(mergedRootAsked)} is NOT a merge recorded in this registry: no proof ties these weights to verified training`,
      );
      process.exitCode = EXIT_CODES.not_recorded;
    } else {
      console.log(
        `merged root ${toHex32(mergedRootAsked)} commits to the exact merged weights W0 + alpha B A of adapter ${toHex32(answer.adapter)}:`,
      );
      console.log(
        `  the adapter of run ${answer.runId} after ${answer.steps} steps (trainer ${answer.run.trainer}); merge recorded by ${answer.recorder}`,
      );
      for (const line of runLines(answer)) console.log(line);
    }
  } else if (adapterAsked !== undefined) {
    const answer = await adapterProvenance(registry, adapterAsked);
    if (!answer.verified) {
      console.log(`adapter ${toHex32(adapterAsked)} was NOT produced by any verified proof recorded in this registry`);
      process.exitCode = EXIT_CODES.not_recorded;
    } else {
      console.log(`adapter ${toHex32(adapterAsked)} was produced by verified training:`);
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
