// Trains LoRA steps, proves each one, submits the proofs to the registry and asks it what it knows.
//   npx hardhat run scripts/prove-and-submit.ts                       the demo on the in-process network
//   npx hardhat run scripts/prove-and-submit.ts --network localhost   the deployment recorded for that chain
// Options come from LORA_* environment variables or the JSON file named by LORA_LEDGER_CONFIG
// (src/training/config.ts lists them). Killed and started again, it resumes from the chain's head.
// Unless LORA_MERGE=false, it ends by proving and recording the merged weights W0 + α B A of the run's
// final adapter (the step instance's LoraMerge instance), and asks the registry where they came from.
import hre, { network } from "hardhat";
import {
  buildInstance,
  defaultInstance,
  getInstance,
  mergeInstanceFor,
  stderrProgress,
  releaseProverThreads,
} from "../src/node/index.js";
import { toHex32, LoraLedgerError, verifierContractName } from "../src/protocol/index.js";
import { assertVerifierCurrent, resolveRegistry } from "../src/hardhat/index.js";
import { mergeProvenance } from "../src/chain/index.js";
import { toFailure } from "../src/cli/index.js";
import { loadRunConfig, formatStepTable, TrainingSession, loadTask } from "../src/training/index.js";

const progress = stderrProgress("prove-and-submit");
const started = performance.now();
try {
  const config = loadRunConfig();
  const instance = config.instance === undefined ? defaultInstance() : getInstance(config.instance);
  const built = await buildInstance(instance, progress);
  const mergeInstance = config.merge ? mergeInstanceFor(instance) : undefined;
  if (config.merge && mergeInstance === undefined) {
    throw new LoraLedgerError(
      "unknown_instance",
      `circuits/instances.json declares no LoraMerge instance with the parameters of ${instance.name}, so its runs cannot be merged: declare one, or run with LORA_MERGE=false`,
      "merge",
    );
  }
  if (mergeInstance !== undefined) await buildInstance(mergeInstance, progress);
  // A verifier exported just now must be compiled before it can be deployed.
  await hre.tasks.getTask("build").run({ quiet: true });

  const connection = await network.create();
  const { ethers } = connection;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) throw new Error(`network ${connection.networkName} has no account to sign with`);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const registry = await resolveRegistry(connection, chainId, progress);
  const verifierArtifact = await hre.artifacts.readArtifact(verifierContractName(instance.name));
  await assertVerifierCurrent(connection, registry, instance.name, verifierArtifact.deployedBytecode);
  if (mergeInstance !== undefined) {
    const mergeArtifact = await hre.artifacts.readArtifact(verifierContractName(mergeInstance.name));
    await assertVerifierCurrent(connection, registry, mergeInstance.name, mergeArtifact.deployedBytecode);
  }
  progress.step(
    `registry ${await registry.getAddress()} on ${connection.networkName} (chain ${chainId}); instance ${instance.name}, ${built.constraints} constraints`,
  );

  const session = new TrainingSession({
    registry,
    signer,
    chainId,
    instance,
    task: loadTask(instance.params, config),
    config,
    progress,
  });
  await session.registerRoots();
  const runId = await session.findOrStartRun();
  const reports = await session.train(runId);

  console.log(
    `\nRun ${runId} on ${connection.networkName}: ${reports.length} verified steps (trainer ${await signer.getAddress()})\n`,
  );
  console.log(formatStepTable(reports));
  const head = (await registry.getRun(runId)).head;
  const [verified, producedBy, step, base, dataset] = await registry.provenanceOf(head);
  console.log(
    verified
      ? `\nThe registry says: adapter ${toHex32(head)} was produced by verified training, run ${producedBy} step ${step},\nfrom base model ${toHex32(base)} on dataset ${toHex32(dataset)}.`
      : `\nThe registry says: adapter ${toHex32(head)} was not produced by a verified step (the run has no steps yet).`,
  );
  if (mergeInstance !== undefined) {
    const merge = await session.mergeHead(runId, mergeInstance);
    const how =
      merge.origin === "on-chain"
        ? "recorded before this attempt"
        : `proof ${merge.provingSeconds?.toFixed(2) ?? "-"} s${merge.origin === "reused" ? " (an earlier attempt's)" : ""}, recordMerge gas ${merge.gasUsed ?? "-"}`;
    console.log(
      `\nMerged weights W0 + alpha B A of step ${merge.step}'s adapter (${mergeInstance.name}): merged root ${toHex32(merge.mergedRoot)}\n(${how}; ${merge.merged.length}x${merge.merged[0]?.length ?? 0} exact integers at scale 2^${3 * instance.params.F}).`,
    );
    const answer = await mergeProvenance(registry, merge.mergedRoot);
    console.log(
      answer.verified
        ? `The registry says: merged root ${toHex32(merge.mergedRoot)} is the merge of adapter ${toHex32(answer.adapter)},\nrun ${answer.runId} step ${answer.step}, base model ${toHex32(answer.run.baseRoot)}, dataset ${toHex32(answer.run.datasetRoot)} (recorded by ${answer.recorder}).`
        : `The registry says: merged root ${toHex32(merge.mergedRoot)} is NOT a recorded merge.`,
    );
  }
  console.log(
    `\nWall time ${((performance.now() - started) / 1000).toFixed(1)} s. Keys are development keys: never use them in production.`,
  );
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`prove-and-submit failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
} finally {
  await releaseProverThreads();
}
